"""`crosspost serve`: Granian and one task worker (with the scheduler in it), kept running.

This is what `make run` runs. The supervisor itself imports no Django (it only starts, watches and
stops processes), so it costs a few MB instead of a full Django process; the scheduler is a thread
of the worker (`crosspost worker --scheduler`) rather than a third Django process.

Stopping: on SIGTERM or SIGINT each child gets SIGTERM exactly once, then up to `stop_timeout`
seconds to finish (the task worker finishes the task it is running; Granian finishes its
requests), then SIGKILL. django-tasks' worker treats a *second* SIGTERM as "abandon the task and
mark it FAILED", so the signal is never repeated. The children run in their own process group:
Ctrl-C in a terminal reaches only this process, which passes it on once. A second Ctrl-C skips the
rest of the wait.

A child that dies is started again, after a pause that doubles while it keeps dying within
seconds of starting; after `GIVE_UP_AFTER` quick deaths in a row (a port already in use, a broken
configuration) everything stops and `serve` exits with that child's code.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

QUICK_DEATH_SECONDS = 10.0  # a child that dies sooner than this after starting counts as failing
GIVE_UP_AFTER = 5
_POLL_SECONDS = 0.2


def _log(message: str) -> None:
    print(f"crosspost serve: {message}", file=sys.stderr, flush=True)


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    env: dict | None = field(default=None, repr=False)

    def start(self) -> None:
        # process_group=0: a terminal's Ctrl-C (sent to the foreground group) stays with us.
        self.process = subprocess.Popen(self.argv, env=self.env, process_group=0)
        self.started_at = time.monotonic()
        self.restart_at = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    def __init__(self, children: list[Child], *, stop_timeout: float = 30.0) -> None:
        self.children = children
        self.stop_timeout = stop_timeout
        self.signals = 0
        self.exit_code = 0

    def _on_signal(self, signum: int, frame) -> None:
        # Only note it: the loop below does the stopping, once.
        self.signals += 1

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        for child in self.children:
            child.start()
        while not self.signals:
            if not self._watch():
                break
            time.sleep(_POLL_SECONDS)
        self.stop()
        return self.exit_code

    def _watch(self) -> bool:
        """Restart what died; False when a child keeps dying and serving should end."""
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    _log(f"starting the {child.name} again")
                    child.start()
                continue
            code = child.process.poll()
            if code is None:
                continue
            if now - child.started_at < QUICK_DEATH_SECONDS:
                child.quick_deaths += 1
            else:
                child.quick_deaths = 0
            if child.quick_deaths >= GIVE_UP_AFTER:
                _log(f"the {child.name} exited with code {code} {child.quick_deaths} times in a row "
                     "within seconds of starting; stopping")
                self.exit_code = code or 1
                return False
            delay = min(30.0, 0.5 * 2 ** child.quick_deaths)
            _log(f"the {child.name} exited with code {code}; restarting it in {delay:.1f} s")
            child.restart_at = now + delay
        return True

    def stop(self) -> None:
        running = [child for child in self.children if child.running()]
        for child in running:
            child.process.send_signal(signal.SIGTERM)
        signals_seen = self.signals
        deadline = time.monotonic() + self.stop_timeout
        while any(child.running() for child in running) and time.monotonic() < deadline:
            if self.signals > max(signals_seen, 1):
                _log("asked again: stopping at once")
                break
            time.sleep(_POLL_SECONDS / 2)
        for child in running:
            if child.running():
                _log(f"the {child.name} did not stop within {self.stop_timeout:.0f} s; killing it")
                try:
                    os.killpg(child.process.pid, signal.SIGKILL)  # its own workers too
                except ProcessLookupError:
                    pass
            child.process.wait()


def web_argv(*, host: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        os.path.join(os.path.dirname(sys.executable), "granian"),
        "--interface", "wsgi",
        "--host", host,
        "--port", str(port),
        "--workers", str(workers),
        "--blocking-threads", str(threads),
        "--no-ws",
        # A worker stuck in a request (a frozen database) must not hold a restart for ever.
        "--workers-kill-timeout", "10",
        "--access-log",
        "crosspost.wsgi:application",
    ]


def worker_argv() -> list[str]:
    return [sys.executable, "-m", "crosspost.cli", "worker", "--scheduler"]


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crosspost serve",
                                     description="Serve Crosspost with Granian and a background worker.")
    add_arguments(parser)
    return parser


def add_arguments(parser) -> None:
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker and the scheduler.")
    parser.add_argument("--stop-timeout", type=float, default=30.0,
                        help="Seconds the children get to finish after SIGTERM before they are killed.")


def serve(*, host: str, port: int, workers: int, threads: int, no_worker: bool, stop_timeout: float) -> int:
    children = [Child("web server", web_argv(host=host, port=port, workers=workers, threads=threads))]
    if not no_worker:
        children.append(Child("task worker", worker_argv()))
    print(f"Crosspost is serving on http://{host}:{port}/ (admin at /admin/). Ctrl-C stops it.", flush=True)
    return Supervisor(children, stop_timeout=stop_timeout).run()


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspost.settings")
    sys.exit(serve(**vars(parser().parse_args(argv))))
