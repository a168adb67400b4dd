"""A real SMTP server on loopback for newsletter tests, and helpers to read what it received."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from crosspost.lib.localnet import free_port

logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass
class Sink:
    """Records every message; `replies` maps a recipient to SMTP replies to give before accepting."""

    delay: float = 0.0
    messages: list = field(default_factory=list)
    replies: dict[str, list[str]] = field(default_factory=dict)
    data_replies: dict[str, str] = field(default_factory=dict)  # a refusal of the message itself
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        queued = self.replies.get(address)
        if queued:
            return queued.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        refusal = next((self.data_replies[r] for r in envelope.rcpt_tos if self.data_replies.get(r)), None)
        if refusal:
            return refusal
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append((rcpt, envelope.content))
        return "250 Message accepted"

    def parsed(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default) for _, raw in self.messages]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.parsed() if m["To"] == address]

    def counts(self) -> Counter:
        with self.lock:
            return Counter(rcpt for rcpt, _ in self.messages)


def start_sink(**kwargs) -> tuple[Sink, Controller]:
    sink = Sink(**kwargs)
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    return sink, controller


@pytest.fixture
def smtp(settings):
    """Point Django's mail at a loopback aiosmtpd server; yields its Sink."""
    sink, controller = start_sink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.NEWSLETTER_RECONNECT_SECONDS = 0.01
    yield sink
    controller.stop()


@pytest.fixture
def confirmed_subscribers(db):
    from newsletter.models import Subscriber

    def make(count: int, *, language: str = "en", prefix: str = "reader", newsletters=None):
        from newsletter.services import newsletter_default

        Subscriber.objects.bulk_create(
            Subscriber(
                email=f"{prefix}{n}@example.org",
                email_key=f"{prefix}{n}@example.org",
                language=language,
                status=Subscriber.Status.CONFIRMED,
            )
            for n in range(count)
        )
        readers = list(Subscriber.objects.filter(email__startswith=prefix).order_by("pk"))
        subscriptions_add(readers, newsletters or [newsletter_default()])
        return readers

    return make


def subscriptions_add(readers, newsletters) -> None:
    """Put already-confirmed readers on lists (what a confirmation link would have done)."""
    from django.utils import timezone

    from newsletter.models import Subscription

    Subscription.objects.bulk_create(
        [Subscription(subscriber=r, newsletter=n, confirmed_at=timezone.now()) for r in readers for n in newsletters],
        ignore_conflicts=True)


SCRATCH_DATE = "2030-01-02"
SCRATCH_SUBSCRIBERS = 400


@dataclass
class ScratchDB:
    """A real database (a SQLite file or a PostgreSQL database) that subprocesses can share."""

    url: str
    vendor: str
    path: str = ""
    pg: dict = field(default_factory=dict)

    def query(self, sql: str) -> list[tuple]:
        if self.vendor == "sqlite":
            import sqlite3

            with sqlite3.connect(self.path) as conn:
                return conn.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(**self.pg) as conn:
            return conn.execute(sql).fetchall()

    def execute(self, sql: str) -> None:
        if self.vendor == "sqlite":
            import sqlite3

            with sqlite3.connect(self.path) as conn:
                conn.execute(sql)
            return
        import psycopg

        with psycopg.connect(**self.pg) as conn:
            conn.execute(sql)

    def env(self, sink_port: int, tmp_path) -> dict:
        import os

        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "crosspost.settings",
            "CROSSPOST_ENV": "test",
            "DATABASE_URL": self.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink_port),
            "SECRET_KEY": "newsletter-tests-" + "x" * 40,
            "SITE_URL": "http://testserver",
            "CROSSPOST_VAR_DIR": str(tmp_path),
            "NEWSLETTER_RECONNECT_SECONDS": "0.01",
        }


def _pg_admin(settings_dict: dict) -> dict:
    return {
        "dbname": "postgres",
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"] or None,
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
    }


def _pg_url(settings_dict: dict, name: str) -> str:
    auth = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    return f"postgres://{auth}@{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}/{name}"


def _pg_execute(settings_dict: dict, sql: str) -> None:
    import psycopg

    with psycopg.connect(**_pg_admin(settings_dict), autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def scratch_template(django_db_setup, django_db_blocker, tmp_path_factory):
    """A copy of the migrated test database, seeded by a subprocess; copied again for each test."""
    import sqlite3
    import subprocess
    import sys

    from django.db import connection, connections

    with django_db_blocker.unblock():
        settings_dict = dict(connection.settings_dict)
        # Only tests marked django_db make pytest-django create the test database.
        assert Path(str(settings_dict["NAME"])).name.startswith("test_"), (
            "scratch_template needs the test database: mark the test with pytest.mark.django_db"
        )
        if connection.vendor == "sqlite":
            path = str(tmp_path_factory.mktemp("scratch") / "template.sqlite3")
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
            template = ScratchDB(url=f"sqlite:///{path}", vendor="sqlite", path=path)
        else:
            connections.close_all()
            name = f"{settings_dict['NAME']}_scratch"
            _pg_execute(settings_dict, f'DROP DATABASE IF EXISTS "{name}"')
            _pg_execute(settings_dict, f'CREATE DATABASE "{name}" TEMPLATE "{settings_dict["NAME"]}"')
            template = ScratchDB(url=_pg_url(settings_dict, name), vendor="postgresql", pg={**_pg_admin(settings_dict), "dbname": name})
    env = template.env(0, tmp_path_factory.mktemp("var"))
    subprocess.run(
        [sys.executable, "-m", "newsletter.tests.seed_send_database", str(SCRATCH_SUBSCRIBERS), SCRATCH_DATE],
        env=env, check=True,
    )
    yield template, settings_dict
    if template.vendor == "postgresql":
        _pg_execute(settings_dict, f'DROP DATABASE IF EXISTS "{template.pg["dbname"]}"')


@pytest.fixture
def scratch_db(scratch_template, tmp_path):
    import shutil
    import uuid

    template, settings_dict = scratch_template
    if template.vendor == "sqlite":
        path = str(tmp_path / "scratch.sqlite3")
        shutil.copyfile(template.path, path)
        yield ScratchDB(url=f"sqlite:///{path}", vendor="sqlite", path=path)
        return
    name = f"{template.pg['dbname']}_{uuid.uuid4().hex[:8]}"
    _pg_execute(settings_dict, f'CREATE DATABASE "{name}" TEMPLATE "{template.pg["dbname"]}"')
    yield ScratchDB(url=_pg_url(settings_dict, name), vendor="postgresql", pg={**template.pg, "dbname": name})
    _pg_execute(settings_dict, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
