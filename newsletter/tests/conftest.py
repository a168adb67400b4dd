"""A real SMTP server on loopback for newsletter tests, and helpers to read what it received."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Sink:
    """Records every message; `replies` maps a recipient to SMTP replies to give before accepting."""

    delay: float = 0.0
    messages: list = field(default_factory=list)
    replies: dict[str, list[str]] = field(default_factory=dict)
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
    settings.NEWSLETTER_RETRY_DELAYS = [0.01, 0.01]
    yield sink
    controller.stop()


@pytest.fixture
def confirmed_subscribers(db):
    from newsletter.models import Subscriber

    def make(count: int, *, language: str = "en", prefix: str = "reader"):
        Subscriber.objects.bulk_create(
            Subscriber(
                email=f"{prefix}{n}@example.org",
                email_key=f"{prefix}{n}@example.org",
                language=language,
                status=Subscriber.Status.CONFIRMED,
            )
            for n in range(count)
        )
        return list(Subscriber.objects.filter(email__startswith=prefix).order_by("pk"))

    return make
