"""The site as `crosspost serve` runs it, while its PostgreSQL and Redis go away and come back.

These tests start their own throwaway PostgreSQL and Redis on free loopback ports, so stopping
them harms nothing else. They are skipped where the server binaries are not installed.
"""

from __future__ import annotations

import email.message
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crosspost.lib.localnet import free_port

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None) if Path("/usr/lib/postgresql").exists() else None
REDIS = shutil.which("redis-server")
pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(PG_BIN is None or REDIS is None or os.geteuid() != 0 or not shutil.which("runuser"),
                       reason="needs PostgreSQL and Redis server binaries, root and runuser"),
]
PYTHON = sys.executable


def pg_tool(name: str) -> str:
    assert PG_BIN is not None, "pytestmark skips these tests without PostgreSQL"
    return str(PG_BIN / name)


def get(url: str, timeout: float = 10) -> tuple[int, email.message.Message]:
    """Status and headers (case-insensitive); 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, email.message.Message()


def wait_until(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


class Postgres:
    def __init__(self, root: Path) -> None:
        self.data = root / "pgdata"
        self.port = free_port()
        root.chmod(0o777)
        self._as_postgres([pg_tool("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"])

    def _as_postgres(self, command: list[str]) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True)

    def start(self) -> None:
        self._as_postgres([pg_tool("pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.data / "log"),
                           "-o", f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])

    def stop(self) -> None:
        self._as_postgres([pg_tool("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])


class Redis:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert REDIS is not None, "pytestmark skips these tests without Redis"
        self.process = subprocess.Popen([REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no"], stdout=subprocess.DEVNULL)
        wait_until(lambda: _port_open(self.port), 10, "redis")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class SlowLibreTranslate:
    """Answers /languages at once and /translate slowly, so a translation job is in flight."""

    def __init__(self, delay: float) -> None:
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _json(self, body) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._json([{"code": "en", "targets": ["de"]}])

            def do_POST(self) -> None:
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests += 1
                time.sleep(outer.delay)
                self._json({"translatedText": [f"[de] {q}" for q in payload["q"]]})

        self.delay = delay
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def serve(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([PYTHON, "-m", "crosspost.cli", "serve", "--port", str(port), "--no-worker"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return server, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def stack():
    root = Path(tempfile.mkdtemp(prefix="crosspost-faults-"))
    postgres, redis = Postgres(root), Redis()
    postgres.start()
    redis.start()
    engine = SlowLibreTranslate(delay=1.5)
    subprocess.run(["runuser", "-u", "postgres", "--", pg_tool("createdb"), "-h", "127.0.0.1", "-p",
                    str(postgres.port), "crosspost_faults"], check=True)
    var = root / "var"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crosspost.settings", "CROSSPOST_VAR_DIR": str(var),
           "DATABASE_URL": f"postgres://postgres@127.0.0.1:{postgres.port}/crosspost_faults?connect_timeout=2",
           "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0", "PAGECACHE_ENABLED": "false",
           "CROSSPOST_MT_BACKEND": "libretranslate", "CROSSPOST_MT_URL": engine.url, "DB_CONN_MAX_AGE": "60"}
    env.pop("PYTEST_CURRENT_TEST", None)
    for command in (["migrate", "-v0"], ["demo"]):
        subprocess.run([PYTHON, "-m", "crosspost.cli", *command], env=env, check=True, capture_output=True)
    # Two servers: one without the page cache, so every request reaches Django and its database;
    # one with it, as `make run` serves, for what the page cache does while Redis is away.
    servers = [serve(env), serve({**env, "PAGECACHE_ENABLED": "true"})]
    article = subprocess.run(
        [PYTHON, "-m", "crosspost.cli", "shell", "-c",
         "from newsroom.models import ArticlePage; print(ArticlePage.objects.live().order_by('pk').first().url)"],
        env=env, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    for _, base in servers:
        wait_until(lambda base=base: get(base + "/healthz")[0] == 200, 30, "the web server")
    yield {"base": servers[0][1], "cached_base": servers[1][1], "article": article, "postgres": postgres,
           "redis": redis, "env": env, "engine": engine}
    for server, _ in servers:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)  # Granian kills a worker that has not stopped after 10 s
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            raise AssertionError("crosspost serve did not stop within 30 s of SIGTERM") from None
    redis.stop()
    postgres.stop()
    engine.httpd.shutdown()
    shutil.rmtree(root, ignore_errors=True)


def test_a_lost_database_gives_503_with_a_retry_hint_and_service_resumes_without_a_restart(stack):
    base, article = stack["base"], stack["article"]
    assert get(base + article)[0] == 200
    stack["postgres"].stop()
    try:
        for path in ("/", article, "/healthz"):
            started = time.monotonic()
            status, headers = get(base + path)
            assert status == 503, path
            assert headers.get("Retry-After"), path
            assert time.monotonic() - started < 8, f"{path} hung while the database was away"
    finally:
        stack["postgres"].start()
    wait_until(lambda: get(base + article)[0] == 200 and get(base + "/")[0] == 200, 20, "service to resume")


READER_PATHS = ("/", "/fr/", "/search/?q=water", "/feed/rss/")


def post(url: str, data: dict) -> tuple[int, email.message.Message]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_readers_are_served_while_redis_is_away_and_it_comes_back_by_itself(stack):
    article = stack["article"]
    stack["redis"].stop()
    try:
        for base in (stack["base"], stack["cached_base"]):
            for path in (article, *READER_PATHS):
                assert get(base + path)[0] == 200, (base, path)
        # Rate-limited forms cannot count without Redis: they ask the reader to come back.
        status, headers = post(stack["base"] + "/newsletter/subscribe/", {"email": "reader@example.org"})
        assert status < 500 or (status == 503 and headers.get("Retry-After")), status
    finally:
        stack["redis"].start()
    for base in (stack["base"], stack["cached_base"]):
        assert get(base + article)[0] == 200
    status, _ = post(stack["base"] + "/newsletter/subscribe/", {"email": "reader@example.org"})
    assert status < 500


def test_a_frozen_redis_slows_pages_down_but_does_not_hang_them(stack):
    article = stack["article"]
    stack["redis"].process.send_signal(signal.SIGSTOP)  # accepts connections, never answers
    try:
        for base in (stack["base"], stack["cached_base"]):
            started = time.monotonic()
            status, _ = get(base + article, timeout=15)
            assert status == 200, base
            assert time.monotonic() - started < 6, f"{base} waited on a frozen Redis"
        # Each process waits out one timeout and then leaves Redis alone for a while; a timeout
        # per request would make every reader wait.
        waits = []
        for _ in range(12):
            started = time.monotonic()
            assert get(stack["cached_base"] + article, timeout=15)[0] == 200
            waits.append(time.monotonic() - started)
            time.sleep(0.25)
        assert sum(wait < 0.5 for wait in waits) >= 8, [round(wait, 1) for wait in waits]
    finally:
        stack["redis"].process.send_signal(signal.SIGCONT)
    started = time.monotonic()
    assert get(stack["cached_base"] + article)[0] == 200
    assert time.monotonic() - started < 2


def test_a_worker_killed_mid_job_loses_no_job(stack):
    base, article, env, engine = stack["base"], stack["article"], stack["env"], stack["engine"]
    # German: the demo ships no German translations, so this queues a job.
    assert get(base + "/de" + article)[0] == 200

    def job_status() -> str:
        return subprocess.run(
            [PYTHON, "-m", "crosspost.cli", "shell", "-c",
             "from translation.models import TranslationJob; print(TranslationJob.objects.get(language='de').status)"],
            env=env, capture_output=True, text=True).stdout.strip().splitlines()[-1]

    worker = subprocess.Popen([PYTHON, "-m", "crosspost.cli", "worker"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    wait_until(lambda: engine.requests >= 1, 60, "the worker to start translating")
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert job_status() == "running"
    restarted = subprocess.Popen([PYTHON, "-m", "crosspost.cli", "worker", "--batch"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        restarted.wait(timeout=120)
    finally:
        if restarted.poll() is None:
            restarted.kill()
    assert job_status() == "done"
    assert engine.requests >= 2, "the killed job was never run again"
    results = subprocess.run(
        [PYTHON, "-m", "crosspost.cli", "shell", "-c",
         "from django_tasks_db.models import DBTaskResult; "
         "print(sorted(set(DBTaskResult.objects.values_list('status', flat=True))))"],
        env=env, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    assert results == "['SUCCESSFUL']", results
