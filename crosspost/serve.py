"""`crosspost serve`: Granian and one task worker (with the scheduler in it), kept running.

This is what `make run` runs. Memory: this process loads Django and the site once (the URL
conf, the templates' tags, every model) and moves it out of the garbage collector's reach; the web
server and the task worker are *forked* from it, and Granian forks its workers from the web
server, so all of them share those pages instead of each loading its own copy. The scheduler is a
thread of the worker (`crosspost worker --scheduler`) rather than a process of its own. Nothing
here opens a database connection or starts a thread before forking.

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
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

QUICK_DEATH_SECONDS = 10.0  # a child that dies sooner than this after starting counts as failing
GIVE_UP_AFTER = 5
_POLL_SECONDS = 0.2


def _log(message: str) -> None:
    print(f"crosspost serve: {message}", file=sys.stderr, flush=True)


class Forked:
    """A child forked from this process running `target`, with the part of Popen's API we use."""

    def __init__(self, target: Callable[[], object], *, nice: int = 0) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the supervisor's loop
            code = 1
            try:
                os.setpgid(0, 0)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                if nice:
                    os.nice(nice)
                target()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
            except BaseException:  # noqa: BLE001 - say why, then exit like a crashed process
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, signum)


@dataclass
class Child:
    """A process to keep running: a command (`argv`) or a function run in a fork (`target`)."""

    name: str
    argv: list[str] | None = None
    target: Callable[[], object] | None = None
    nice: int = 0
    process: subprocess.Popen | Forked | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    env: dict | None = field(default=None, repr=False)

    def start(self) -> None:
        if self.target is not None:
            self.process = Forked(self.target, nice=self.nice)
        else:
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


def preload() -> Callable:
    """Load Django and the site here, once, for every child to share; returns the WSGI app."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspost.settings")
    from django.db import connections

    from crosspost.wsgi import application  # sets Django up, builds the URL conf, gc.freeze()

    connections.close_all()  # a connection must never be shared by forked processes
    return application


def run_web(application: Callable, *, host: str, port: int, workers: int, threads: int) -> None:
    from granian.constants import Interfaces
    from granian.server import Server

    server = Server(
        "crosspost.wsgi:application", address=host, port=port, interface=Interfaces.WSGI, workers=workers,
        blocking_threads=threads, websockets=False, log_access=True,
        # A worker stuck in a request (a frozen database) must not hold a restart for ever.
        workers_kill_timeout=10,
    )
    # Granian forks its workers from this process, which already holds the application.
    server.serve(target_loader=lambda target: application)


def run_worker() -> None:
    from django.core.management import call_command

    call_command("worker", scheduler=True)


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
    application = preload()
    web = Child("web server", target=lambda: run_web(application, host=host, port=port, workers=workers,
                                                     threads=threads))
    children = [web]
    if not no_worker:
        # Background work waits while readers are being answered on a small machine.
        children.append(Child("task worker", target=run_worker, nice=10))
    print(f"Crosspost is serving on http://{host}:{port}/ (admin at /admin/). Ctrl-C stops it.", flush=True)
    return Supervisor(children, stop_timeout=stop_timeout).run()


def main(argv: list[str]) -> None:
    sys.exit(serve(**vars(parser().parse_args(argv))))
