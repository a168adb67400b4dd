"""`crosspost serve` stops each child once, waits, then kills; and starts again a child that died.

The supervisor runs in a subprocess (it installs signal handlers) with tiny Python children that
write down what happens to them, run as commands or, as `crosspost serve` runs its own, forked by
a supervisor that then hands over to `python -m crosspost.serve supervise`; the last tests run the
real `crosspost serve`: its web workers and its task worker are its own children (no Granian
master in between).
"""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from crosspost.lib.localnet import free_port, wait_for

# Real processes and a real peer, independent of the database under test: one CI pass is enough.
pytestmark = pytest.mark.once

# A child that notes each SIGTERM; the first makes it finish its "task" (0.5 s) and exit 0.
CHILD = textwrap.dedent("""
    import signal, sys, time
    log = open(sys.argv[1], "a", buffering=1)
    mode = sys.argv[2]
    terms = []
    def on_term(signum, frame):
        terms.append(signum)
        log.write("sigterm\\n")
        if mode == "forced-exit-on-second" and len(terms) > 1:
            log.write("forced\\n")
            sys.exit(1)
    signal.signal(signal.SIGTERM, on_term if mode != "ignore" else signal.SIG_IGN)
    log.write("started\\n")
    if mode == "die-first-time" and open(sys.argv[1]).read().count("started") == 1:
        sys.exit(3)
    if mode == "die-always":
        sys.exit(3)
    while not terms:
        time.sleep(0.05)
    time.sleep(0.5)
    log.write("finished\\n")
""")


def supervise(tmp_path: Path, mode: str, *, stop_timeout: float = 10, give_up_after: int = 5) -> tuple[subprocess.Popen, Path]:
    (tmp_path / "child.py").write_text(CHILD)
    log = tmp_path / "child.log"
    script = textwrap.dedent(f"""
        import sys
        from crosspost import serve
        serve.GIVE_UP_AFTER = {give_up_after}
        child = serve.Child("test child", [sys.executable, {str(tmp_path / "child.py")!r}, {str(log)!r}, {mode!r}])
        sys.exit(serve.Supervisor([child], stop_timeout={stop_timeout}).run())
    """)
    # A session of its own, like a terminal gives a command: its process group is its own.
    return subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True,
                            start_new_session=True), log


def supervise_forked(tmp_path: Path, mode: str) -> tuple[subprocess.Popen, Path]:
    """As `crosspost serve` runs its children: forked from the supervisor, which then hands over."""
    (tmp_path / "child.py").write_text(CHILD)
    log = tmp_path / "child.log"
    argv = [sys.executable, str(tmp_path / "child.py"), str(log), mode]
    script = textwrap.dedent(f"""
        import runpy, sys
        from crosspost import serve
        def forked_child():
            sys.argv = {argv[1:]!r}
            runpy.run_path(sys.argv[0], run_name="__main__")
        child = serve.Child("test child", target=forked_child, fresh_argv={argv!r})
        sys.exit(serve.Supervisor([child], stop_timeout=10, hand_over=True).run())
    """)
    return subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True,
                            start_new_session=True), log


def _handed_over(pid: int) -> bool:
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    return argv[1:4] == [b"-m", b"crosspost.serve", b"supervise"]


def wait_until(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def _stderr(process: subprocess.Popen) -> str:
    assert process.stderr is not None, "started with stderr=PIPE"
    return process.stderr.read()


def lines(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def test_stopping_sends_each_child_one_sigterm_and_waits_for_it_to_finish(tmp_path):
    supervisor, log = supervise(tmp_path, "forced-exit-on-second")
    wait_until(lambda: "started" in lines(log))
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=20) == 0
    assert lines(log) == ["started", "sigterm", "finished"]


def test_ctrl_c_reaches_the_children_only_through_the_supervisor(tmp_path):
    supervisor, log = supervise(tmp_path, "forced-exit-on-second")
    wait_until(lambda: "started" in lines(log))
    # What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
    os.killpg(supervisor.pid, signal.SIGINT)
    assert supervisor.wait(timeout=20) == 0
    assert lines(log) == ["started", "sigterm", "finished"]


def test_a_child_that_ignores_sigterm_is_killed_after_the_timeout(tmp_path):
    supervisor, log = supervise(tmp_path, "ignore", stop_timeout=0.5)
    wait_until(lambda: "started" in lines(log))
    started = time.monotonic()
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=20) == 0
    assert time.monotonic() - started < 5
    assert "did not stop within" in _stderr(supervisor)
    assert "finished" not in lines(log)


def test_a_child_that_dies_is_started_again(tmp_path):
    supervisor, log = supervise(tmp_path, "die-first-time")
    wait_until(lambda: lines(log).count("started") == 2)
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=20) == 0
    assert lines(log) == ["started", "started", "sigterm", "finished"]
    assert "exited with code 3; restarting it" in _stderr(supervisor)


def test_a_child_that_keeps_dying_as_it_starts_ends_serving_with_its_code(tmp_path):
    supervisor, log = supervise(tmp_path, "die-always", give_up_after=2)
    assert supervisor.wait(timeout=20) == 3
    assert lines(log) == ["started", "started"]
    assert "2 times in a row" in _stderr(supervisor)


def test_the_supervisor_hands_over_to_one_without_the_site_and_it_starts_a_child_again_from_its_command(tmp_path):
    supervisor, log = supervise_forked(tmp_path, "die-first-time")
    wait_until(lambda: lines(log).count("started") == 2)
    assert _handed_over(supervisor.pid)  # the same pid, now `python -m crosspost.serve supervise`
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=20) == 0
    assert lines(log) == ["started", "started", "sigterm", "finished"]
    assert "exited with code 3; restarting it" in _stderr(supervisor)


def test_a_sigterm_that_comes_during_the_hand_over_stops_every_child_once(tmp_path):
    # Sent as soon as the forked child runs, which is while the supervisor execs or just after:
    # either way the signal is neither lost nor fatal to a supervisor whose child would run on.
    supervisor, log = supervise_forked(tmp_path, "forced-exit-on-second")
    wait_until(lambda: "started" in lines(log), seconds=20)
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=20) == 0
    assert lines(log) == ["started", "sigterm", "finished"]


def _database_for_subprocesses(tmp_path: Path) -> tuple[str, Callable[[object], str]]:
    """A URL the real server can use for the test database, and a way to read a task's status."""
    if connection.vendor == "sqlite":
        path = tmp_path / "site.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()

        def status(task_id: object) -> str:
            with sqlite3.connect(path) as db:
                return db.execute(f"select status from {DBTaskResult._meta.db_table} where id = ?",
                                  (str(task_id).replace("-", ""),)).fetchone()[0]

        return f"sqlite:///{path}", status
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    url = f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    return url, lambda task_id: DBTaskResult.objects.get(pk=task_id).status


def _serve(tmp_path: Path, url: str, *args: str, **popen) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crosspost.settings", "DATABASE_URL": url,
           "CROSSPOST_VAR_DIR": str(tmp_path), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.Popen([sys.executable, "-m", "crosspost.cli", "serve", *args], env=env, **popen)


def _resident_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def _children(pid: int) -> dict[str, int]:
    """A process's children by the name each gave itself (/proc/<pid>/comm)."""
    out = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return {name: int(child) for child, name in (line.split(None, 1) for line in out.splitlines())}


@pytest.mark.django_db(transaction=True)
def test_stopping_crosspost_serve_lets_the_running_task_finish(tmp_path):
    task = DBTaskResult.objects.create(
        status=TaskResultStatus.READY, task_path="crosspost.tests.tasks.take_a_while",
        args_kwargs={"args": [2], "kwargs": {}}, queue_name="default", backend_name="default", priority=0,
        run_after=timezone.now(),
    )
    url, status = _database_for_subprocesses(tmp_path)
    server = _serve(tmp_path, url, "--port", str(free_port()), "--workers", "1",
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: status(task.pk) == TaskResultStatus.RUNNING, seconds=60)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=40) == 0
    finally:
        if server.poll() is None:
            server.kill()
    assert status(task.pk) == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
def test_crosspost_serve_forks_its_children_itself_hands_over_and_replaces_one_that_dies(tmp_path):
    url, _ = _database_for_subprocesses(tmp_path)
    port = free_port()
    server = _serve(tmp_path, url, "--port", str(port), "--workers", "2", stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        wait_until(lambda: sorted(_children(server.pid)) == ["cp-web-1", "cp-web-2", "cp-worker"])
        children = _children(server.pid)
        # One process fewer holding the site: no Granian master, the web workers have no children.
        assert all(_children(pid) == {} for pid in children.values())
        # And the supervisor, once they run, holds none of it: no Granian, no Django, a few MiB.
        wait_until(lambda: _handed_over(server.pid))
        assert "_granian" not in Path(f"/proc/{server.pid}/maps").read_text()
        assert _resident_mib(server.pid) < 40

        os.kill(children["cp-web-1"], signal.SIGKILL)
        wait_until(lambda: _children(server.pid).get("cp-web-1") not in (None, children["cp-web-1"]))
        replaced = _children(server.pid)
        assert replaced["cp-web-2"] == children["cp-web-2"]
        # Started fresh (the supervisor has no site to fork from), it loads the site itself.
        assert b"web-worker\x001" in Path(f"/proc/{replaced['cp-web-1']}/cmdline").read_bytes()
        for _ in range(10):  # connections spread over both workers, the new one included
            wait_for(f"http://127.0.0.1:{port}/healthz", seconds=10)
        os.kill(children["cp-worker"], signal.SIGKILL)
        wait_until(lambda: _children(server.pid).get("cp-worker") not in (None, children["cp-worker"]))
        replaced = _children(server.pid)
        assert b"task-worker" in Path(f"/proc/{replaced['cp-worker']}/cmdline").read_bytes()
        # Still behind the readers: ten steps nicer than the web workers.
        assert os.getpriority(os.PRIO_PROCESS, replaced["cp-worker"]) == min(19, os.getpriority(os.PRIO_PROCESS, server.pid) + 10)

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=40) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in replaced.values())  # stopped, not orphaned
    finally:
        if server.poll() is None:
            server.kill()


def test_crosspost_serve_refuses_a_port_another_server_listens_on(tmp_path):
    with socket.socket() as other:
        # As another `crosspost serve` would bind it: the option would let a second one share it.
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        server = _serve(tmp_path, f"sqlite:///{tmp_path}/db.sqlite3", "--port", str(port),
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            assert server.wait(timeout=60) == 1
        finally:
            if server.poll() is None:
                server.kill()
    assert f"cannot listen on 127.0.0.1:{port}" in _stderr(server)


def test_crosspost_serve_logs_requests_only_when_asked(monkeypatch):
    from crosspost import serve

    monkeypatch.delenv("ACCESS_LOG", raising=False)
    assert serve.parser().parse_args([]).access_log is False
    assert serve.parser().parse_args(["--access-log"]).access_log is True
    monkeypatch.setenv("ACCESS_LOG", "1")
    assert serve.parser().parse_args([]).access_log is True
    assert serve.parser().parse_args(["--no-access-log"]).access_log is False
