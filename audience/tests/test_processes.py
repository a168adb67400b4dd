"""Views counted by two real web processes reach the database through a separate scheduler and
worker, as `make run` runs them: the counts do not stay in the processes that took them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from crosspost.lib.localnet import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:135.0) Gecko/20100101 Firefox/135.0"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]


@pytest.fixture
def article(make_article):
    return make_article("Harbour strike ends")


@pytest.fixture
def shared_database(article, tmp_path):
    """The test database as real processes can open it: a SQLite file copy, or PostgreSQL itself."""
    if connection.vendor == "sqlite":
        path = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()

        def query_file(sql):
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{path}", query_file
        return
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    connections.close_all()

    def query(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    yield url, query


def environment(database_url: str, var: Path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crosspost.settings", "CROSSPOST_ENV": "development",
           "DATABASE_URL": database_url, "CROSSPOST_VAR_DIR": str(var), "SECRET_KEY": "processes-" + "x" * 45,
           "PYTHONPATH": str(ROOT), "COUNTERS_PUSH_SECONDS": "1", "PAGECACHE_ENABLED": "false",
           "COUNTERS_PREFIX": settings.COUNTERS_PREFIX, "TIME_ZONE": settings.TIME_ZONE}
    if not settings.COUNTERS_REDIS_URL:
        env.pop("REDIS_URL", None)
    return env


def web_process(env: dict, port: int) -> subprocess.Popen:
    granian = os.path.join(os.path.dirname(sys.executable), "granian")
    return subprocess.Popen([granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "1", "--no-ws", "crosspost.wsgi:application"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def send_beacon(port: int, article_id: int, *, ip_ua: str, language: str = "en", referrer: str = "") -> int:
    body = urllib.parse.urlencode({"a": article_id, "l": language, "r": referrer}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/a/v", data=body,
                                     headers={"User-Agent": f"{FIREFOX} {ip_ua}", "Origin": f"http://127.0.0.1:{port}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_two_web_processes_and_a_separate_worker_count_every_view(article, shared_database, tmp_path):
    from crosspost.lib.counters import FileStore, store

    database_url, query = shared_database
    env = environment(database_url, tmp_path / "var")
    ports = [free_port(), free_port()]
    servers = [web_process(env, port) for port in ports]
    try:
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/healthz", seconds=120)
        page = urllib.request.urlopen(f"http://127.0.0.1:{ports[0]}{article.url}", timeout=10).read().decode()
        assert f'data-article="{article.pk}"' in page, "the article page carries the beacon"
        statuses = [send_beacon(ports[0], article.pk, ip_ua="reader-a") for _ in range(5)]
        statuses += [send_beacon(ports[1], article.pk, ip_ua="reader-a", language="fr") for _ in range(3)]
        statuses += [send_beacon(ports[1], article.pk, ip_ua="reader-b", referrer="https://duckduckgo.com/")]
        assert set(statuses) == {204}
        # Each process hands its counts to the shared store within a push interval (1 s here).
        shared = store() if settings.COUNTERS_REDIS_URL else FileStore(tmp_path / "var" / "counters")
        deadline = time.monotonic() + 30
        while len({name.split("-")[-2] for name in shared.batch_names()}) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len({name.split("-")[-2] for name in shared.batch_names()}) == 2, "both processes pushed"
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    command = [sys.executable, "-m", "crosspost.cli"]
    subprocess.run([*command, "scheduler", "--once"], env=env, cwd=ROOT, check=True, timeout=120)
    subprocess.run([*command, "worker", "--batch"], env=env, cwd=ROOT, check=True, timeout=120,
                   capture_output=True)

    rows = dict(((lang, views) for lang, views in query(
        f"SELECT language, views FROM audience_dailyarticleviews WHERE article_id = {article.pk}")))
    assert rows == {"en": 6, "fr": 3}, "no view lost, none counted twice"
    [(views, visitors)] = query("SELECT views, visitors FROM audience_dailysiteviews")
    assert (views, visitors) == (9, 2)
    assert shared.batch_names() == []
