"""`crosspost serve`: Granian's web workers and one task worker (with the scheduler in it), kept running.

This is what `make run` runs. Memory: this process loads Django and the site once (the URL
conf, the templates' tags, every model) and moves it out of the garbage collector's reach; the
web workers and the task worker are *forked* from it, so all of them share those pages instead of
each loading its own copy. This process is also the web server's master: it binds the socket and
forks Granian's workers itself, so there is no Granian master process holding a fourth copy of
the site (about 115 MiB of RSS). The scheduler is a thread of the worker (`crosspost worker
--scheduler`) rather than a process of its own. Nothing here opens a database connection or
starts a thread before forking, so no child inherits a connection or a lock held by a thread it
does not have. Each child names itself (`ps -o pid,comm`: cp-web-1, cp-web-2, cp-worker).

Stopping: on SIGTERM or SIGINT each child gets SIGTERM exactly once, then up to `stop_timeout`
seconds to finish (the task worker finishes the task it is running; a web worker finishes its
requests), then SIGKILL. django-tasks' worker treats a *second* SIGTERM as "abandon the task and
mark it FAILED", so the signal is never repeated. The children run in their own process group:
Ctrl-C in a terminal reaches only this process, which passes it on once. A second Ctrl-C skips the
rest of the wait.

Once its children run, this process hands over to a small supervisor: it replaces itself
(`exec`, same pid, same children) with `python -m crosspost.serve supervise`, a Python that never
imports Django. The copy of the site it loaded is then held only by the children: the pages each
child had already written to (its own copies are what it uses) would otherwise stay in this
process as originals nobody reads, about 30 MiB after a few minutes of traffic, and the shared
pages are split between three processes instead of four (bench/load.py; README, "Performance").
SIGTERM and SIGINT are blocked across the exec, so a signal that comes in between waits for the
supervisor's handlers rather than killing a supervisor whose children would run on unwatched.

A child that dies is started again, after a pause that doubles while it keeps dying within
seconds of starting; after `GIVE_UP_AFTER` quick deaths in a row (a broken configuration)
everything stops and `serve` exits with that child's code. The supervisor holds no copy of the
site to fork from, so a replacement is a fresh process (`python -m crosspost.serve web-worker 1`,
`... task-worker`) that loads the site itself: it shares no pages with its siblings, which costs
memory only after a crash. A port already in use fails at once, before any child starts: this
process checks it.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

QUICK_DEATH_SECONDS = 10.0  # a child that dies sooner than this after starting counts as failing
GIVE_UP_AFTER = 5
TASK_WORKER_NICE = 10  # background work waits while readers are being answered on a small machine
_POLL_SECONDS = 0.2
_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
_HANDOVER_ENV = "CROSSPOST_SERVE_CHILDREN"  # the children the supervisor takes over (JSON)
_SUPERVISOR_TITLE = "cp-serve"


def _log(message: str) -> None:
    print(f"crosspost serve: {message}", file=sys.stderr, flush=True)


def _set_process_title(title: str) -> None:
    """Name this process as `ps -o comm`, top and /proc/<pid>/comm show it (Linux; elsewhere a no-op)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(15, title.encode()[:15], 0, 0, 0)  # 15: PR_SET_NAME
    except (OSError, AttributeError):
        pass


class Running:
    """A child process of this one, by pid, with the part of Popen's API we use."""

    def __init__(self, pid: int) -> None:
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


class Forked(Running):
    """A child forked from this process running `target`."""

    def __init__(self, target: Callable[[], object], *, nice: int = 0, title: str = "") -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the supervisor's loop
            code = 1
            try:
                os.setpgid(0, 0)
                if title:
                    _set_process_title(title)
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
        super().__init__(pid)


@dataclass
class Child:
    """A process to keep running: a command (`argv`) or a function run in a fork (`target`)."""

    name: str
    argv: list[str] | None = None
    target: Callable[[], object] | None = None
    nice: int = 0
    title: str = ""  # the forked child's process name
    # The command that starts a forked child again once its supervisor holds no copy of the site to
    # fork from (after the hand-over); a child without one keeps the supervisor from handing over.
    fresh_argv: list[str] | None = None
    process: subprocess.Popen | Running | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    env: dict | None = field(default=None, repr=False)

    def start(self) -> None:
        if self.target is not None:
            self.process = Forked(self.target, nice=self.nice, title=self.title)
        else:
            assert self.argv is not None, "a child is a command or a function"
            # process_group=0: a terminal's Ctrl-C (sent to the foreground group) stays with us.
            self.process = subprocess.Popen(self.argv, env=self.env, process_group=0)
        self.started_at = time.monotonic()
        self.restart_at = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def started(self) -> subprocess.Popen | Running:
        """The process, once `start` has run (the supervisor starts every child before watching)."""
        assert self.process is not None, f"the {self.name} was never started"
        return self.process


class Supervisor:
    def __init__(self, children: list[Child], *, stop_timeout: float = 30.0, hand_over: bool = False) -> None:
        self.children = children
        self.stop_timeout = stop_timeout
        self.hand_over = hand_over
        self.signals = 0
        self.exit_code = 0

    def _on_signal(self, signum: int, frame) -> None:
        # Only note it: the loop below does the stopping, once.
        self.signals += 1

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        # Blocked only across a hand-over's exec; what came in meanwhile is delivered here.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
        for child in self.children:
            if child.process is None:  # handed over children are running already
                child.start()
        if self.hand_over:
            self._hand_over()  # returns only when the exec failed
        while not self.signals:
            if not self._watch():
                break
            time.sleep(_POLL_SECONDS)
        self.stop()
        return self.exit_code

    def _hand_over(self) -> None:
        """Become `python -m crosspost.serve supervise`, keeping this pid and these children."""
        if any(child.fresh_argv is None for child in self.children):
            return
        handed = [{"name": child.name, "pid": child.started.pid, "started_at": child.started_at,
                   "argv": child.fresh_argv} for child in self.children]
        root = str(Path(__file__).resolve().parents[1])  # where `crosspost` imports from
        env = {**os.environ, _HANDOVER_ENV: json.dumps({"stop_timeout": self.stop_timeout, "children": handed}),
               "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        sys.stdout.flush()
        sys.stderr.flush()
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        if self.signals:  # asked to stop before the block: stop from here
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
            return
        try:
            os.execve(sys.executable, [sys.executable, "-m", "crosspost.serve", "supervise"], env)
        except OSError as exc:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
            _log(f"cannot start the small supervisor ({exc}); supervising from this process")

    def _watch(self) -> bool:
        """Restart what died; False when a child keeps dying and serving should end."""
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    _log(f"starting the {child.name} again")
                    child.start()
                continue
            code = child.started.poll()
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
            child.started.send_signal(signal.SIGTERM)
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
                    os.killpg(child.started.pid, signal.SIGKILL)  # its own workers too
                except ProcessLookupError:
                    pass
            child.started.wait()


def preload() -> Callable:
    """Load Django and the site here, once, for every child to share; returns the WSGI app."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspost.settings")
    from django.db import connections

    from crosspost.wsgi import application  # sets Django up, builds the URL conf, gc.freeze()

    connections.close_all()  # a connection must never be shared by forked processes
    return application


def web_server(*, host: str, port: int, workers: int, threads: int, access_log: bool, check_port: bool = True):
    """Granian configured as `crosspost serve` runs it, with its socket bound by this process.

    Granian's master would fork its workers from a process of its own; this process forks them
    instead (`run_web_worker`), which uses Granian's worker entry point as its master does, so the
    version is pinned in requirements.txt and tests/test_serve.py serves real requests through it.
    """
    from granian.constants import HTTPModes, Interfaces, RuntimeModes
    from granian.server import MPServer

    server = MPServer(
        "crosspost.wsgi:application", address=host, port=port, interface=Interfaces.WSGI, workers=workers,
        blocking_threads=threads, websockets=False, log_access=access_log,
        runtime_mode=RuntimeModes.mt,  # what Granian picks for WSGI
        # Two Rust threads per worker for the sockets and HTTP: with one, a page-cache hit waited on
        # it (bench/pagecache.py: about a quarter more hits/s at two, full renders unchanged).
        runtime_threads=min(2, os.cpu_count() or 1),
        # Browsers speak HTTP/2 only over TLS, which nginx or a load balancer ends: no sniffing for it.
        http=HTTPModes.http1,
    )
    if check_port:  # not for a replacement worker: its siblings listen there
        _check_port_free(host, port)
    server._init_shared_socket()
    return server


class PortInUse(Exception):
    pass


def _check_port_free(host: str, port: int) -> None:
    """Fail when something already listens on the port.

    Granian's workers bind with SO_REUSEPORT, which lets a second `crosspost serve` (another
    checkout, another database) bind the same port and silently take half the requests. A plain
    bind, without that option, is refused while anything listens there.
    """
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed connection's TIME_WAIT is no owner
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortInUse(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def run_web_worker(server, index: int, application: Callable) -> None:
    """Serve on the shared socket in this (forked) process until SIGTERM, then finish the requests in flight."""
    worker = server._spawn_worker(idx=index, target=server._spawn_wsgi_worker, callback_loader=lambda: application)
    worker.inner.run()  # the worker's function, run here rather than in a process of its own


def run_worker() -> None:
    from django.core.management import call_command

    call_command("worker", scheduler=True)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crosspost serve",
                                     description="Serve Crosspost with Granian and a background worker.")
    add_arguments(parser)
    return parser


def add_arguments(parser) -> None:
    from crosspost.lib.env import envbool

    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    # Off by default, as in Granian and gunicorn: a log line costs 11 us of Python per request
    # under the GIL, and with it page-cache hits ran at 0.40 of nginx instead of 0.68.
    parser.add_argument("--access-log", action=argparse.BooleanOptionalAction,
                        default=envbool("ACCESS_LOG"),
                        help="Log every request to the standard output (default: off; ACCESS_LOG=1 turns it on).")
    parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker and the scheduler.")
    parser.add_argument("--stop-timeout", type=float, default=30.0,
                        help="Seconds the children get to finish after SIGTERM before they are killed.")


def serve(*, host: str, port: int, workers: int, threads: int, no_worker: bool, stop_timeout: float,
          access_log: bool = False) -> int:
    try:
        server = web_server(host=host, port=port, workers=workers, threads=threads, access_log=access_log)
    except PortInUse as exc:
        _log(f"{exc} (is another `crosspost serve` running? --port or PORT picks another)")
        return 1
    application = preload()
    fresh = [sys.executable, "-m", "crosspost.serve"]
    web_options = ["--host", host, "--port", str(port), "--workers", str(server.workers), "--threads", str(threads),
                   "--access-log" if access_log else "--no-access-log"]
    children = [
        Child(f"web worker {n + 1}", target=functools.partial(run_web_worker, server, n, application),
              title=f"cp-web-{n + 1}", fresh_argv=[*fresh, "web-worker", str(n + 1), *web_options])
        for n in range(server.workers)
    ]
    if not no_worker:
        children.append(Child("task worker", target=run_worker, nice=TASK_WORKER_NICE, title="cp-worker",
                              fresh_argv=[*fresh, "task-worker"]))
    print(f"Crosspost is serving on http://{host}:{port}/ (admin at /admin/). Ctrl-C stops it.", flush=True)
    return Supervisor(children, stop_timeout=stop_timeout, hand_over=True).run()


def supervise_handed_over() -> int:
    """The small supervisor: watch the children `serve` forked, by pid, and start fresh ones as needed."""
    _set_process_title(_SUPERVISOR_TITLE)
    handed = json.loads(os.environ.pop(_HANDOVER_ENV))
    children = [Child(child["name"], argv=child["argv"], process=Running(child["pid"]), started_at=child["started_at"])
                for child in handed["children"]]
    return Supervisor(children, stop_timeout=handed["stop_timeout"]).run()


def run_fresh_web_worker(number: int, *, host: str, port: int, workers: int, threads: int, access_log: bool) -> None:
    """A web worker started again by the small supervisor: it loads the site itself."""
    _set_process_title(f"cp-web-{number}")
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as a forked one: stopped by SIGTERM from the supervisor only
    server = web_server(host=host, port=port, workers=workers, threads=threads, access_log=access_log,
                        check_port=False)
    run_web_worker(server, number - 1, preload())


def run_fresh_task_worker() -> None:
    _set_process_title("cp-worker")
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.nice(TASK_WORKER_NICE)
    preload()
    run_worker()


def _child_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m crosspost.serve",
                                     description="The processes `crosspost serve` runs after it has handed over.")
    roles = parser.add_subparsers(dest="role", required=True)
    roles.add_parser("supervise", help="Watch the children handed over in $" + _HANDOVER_ENV + ".")
    web = roles.add_parser("web-worker", help="Serve as web worker NUMBER (from 1) on the shared port.")
    web.add_argument("number", type=int)
    web.add_argument("--host", required=True)
    web.add_argument("--port", type=int, required=True)
    web.add_argument("--workers", type=int, required=True)
    web.add_argument("--threads", type=int, required=True)
    web.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=False)
    roles.add_parser("task-worker", help="Run the task worker with the scheduler thread.")
    return parser


def child_main(argv: list[str]) -> int:
    parser = _child_parser()
    options = vars(parser.parse_args(argv))
    role = options.pop("role")
    if role == "supervise":
        if _HANDOVER_ENV not in os.environ:
            parser.error("`supervise` takes over the children of `crosspost serve`, which starts it; run that")
        return supervise_handed_over()
    if role == "web-worker":
        run_fresh_web_worker(options.pop("number"), **options)
    else:
        run_fresh_task_worker()
    return 0


def main(argv: list[str]) -> None:
    sys.exit(serve(**vars(parser().parse_args(argv))))


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
