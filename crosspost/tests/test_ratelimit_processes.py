"""Two real web processes share one rate limit, as `make run`'s two Granian workers must.

With the limits in each process's memory, eight "email this article" posts alternating between
two workers were all accepted (limit: 5 an hour). Here two `crosspost serve` processes, each its
own Python, serve a copy of the test database; the posts alternate between them.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from crosspost.lib.localnet import free_port

# The database mark only makes pytest-django create the test database the copy is made from.
pytestmark = [pytest.mark.django_db, pytest.mark.once]
PYTHON = sys.executable
SEED = """
from wagtail.rich_text import RichText
from newsroom.models import ArticlePage
from newsroom.services import section_folder
article = ArticlePage(title="A story worth sharing", slug="a-story-worth-sharing",
                      body=[("paragraph", RichText("<p>Words.</p>"))])
section_folder("articles").add_child(instance=article)
article.save_revision().publish()
print(article.pk)
"""


def _pg_url(db: dict, name: str) -> str:
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"


def _pg_admin(db: dict, sql: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
                         host=db["HOST"] or None, port=db["PORT"] or None, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="module")
def database_copy(django_db_setup, django_db_blocker, tmp_path_factory):
    """DATABASE_URL of a copy of the migrated test database that other processes can open."""
    from django.db import connection, connections

    with django_db_blocker.unblock():
        db = dict(connection.settings_dict)
        assert Path(str(db["NAME"])).name.startswith("test_"), "not the test database"
        if connection.vendor == "sqlite":
            path = tmp_path_factory.mktemp("shared-db") / "db.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
            yield f"sqlite:///{path}"
            return
        connections.close_all()
        name = f"{db['NAME']}_ratelimit"
        _pg_admin(db, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(db, f'CREATE DATABASE "{name}" TEMPLATE "{db["NAME"]}"')
        yield _pg_url(db, name)
        _pg_admin(db, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _post(url: str, data: dict) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture(scope="module")
def two_web_processes(database_copy, tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crosspost.settings", "CROSSPOST_ENV": "development",
           "DATABASE_URL": database_copy, "CROSSPOST_VAR_DIR": str(var), "PAGECACHE_ENABLED": "false",
           "EMAIL_HOST": "", "PYTHONPATH": str(settings.BASE_DIR)}
    env.pop("PYTEST_CURRENT_TEST", None)
    if settings.REDIS_URL:  # the servers count under the real prefix: start it empty
        from limits.storage import RedisStorage

        RedisStorage(settings.REDIS_URL, key_prefix="ratelimit").reset()
    seeded = subprocess.run([PYTHON, "-m", "crosspost.cli", "shell", "-c", SEED], env=env, cwd=settings.BASE_DIR,
                            capture_output=True, text=True)
    assert seeded.returncode == 0, seeded.stderr
    article_id = seeded.stdout.strip().splitlines()[-1]
    servers = []
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [PYTHON, "-m", "crosspost.cli", "serve", "--no-worker", "--workers", "1", "--port", str(port)],
            env=env, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        servers.append((process, f"http://127.0.0.1:{port}"))
    try:
        deadline = time.monotonic() + 60
        for process, base in servers:
            while _get(base + "/healthz") != 200:
                assert process.poll() is None, "crosspost serve exited at start-up"
                assert time.monotonic() < deadline, "crosspost serve did not answer /healthz within 60 s"
                time.sleep(0.2)
        yield [base for _, base in servers], article_id, var / "mail"
    finally:
        for process, _ in servers:
            os.killpg(process.pid, signal.SIGTERM)
        for process, _ in servers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(var, ignore_errors=True)


def test_the_email_limit_holds_across_two_web_processes(two_web_processes):
    bases, article_id, mail_dir = two_web_processes
    answers = [
        _post(f"{bases[n % 2]}/share/email/{article_id}/",
              {"recipient": f"friend{n}@example.org", "sender_name": f"Reader {n}", "note": ""})
        for n in range(8)
    ]
    assert answers == [200] * 5 + [429] * 3
    mails = list(Path(mail_dir).glob("*")) if Path(mail_dir).exists() else []
    assert len(mails) == 5
