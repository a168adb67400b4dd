"""Engagement test fixtures: a clean cache, a real SMTP server and a real HTTP receiver on loopback."""

from __future__ import annotations

import email
import email.policy
import http.server
import json
import logging
import threading
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache

from crosspost.lib.localnet import free_port

logging.getLogger("mail.log").setLevel(logging.WARNING)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@dataclass
class Mailbox:
    raw: list[bytes] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.content)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default) for raw in self.raw]


@pytest.fixture
def smtp(settings):
    """Django's mail goes to an aiosmtpd server on 127.0.0.1; yields what it received."""
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield box
    controller.stop()


@dataclass
class Receiver:
    url: str = ""
    requests: list[dict] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answers to give, in order; then 200


@pytest.fixture
def receiver(settings):
    """An HTTP server on loopback that records POSTs and answers with the queued statuses.

    Webhooks go through the safe client, which refuses loopback unless it is allowed.
    """
    settings.CROSSPOST_INGEST_ALLOW_HOSTS = ["127.0.0.1"]
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append({"headers": dict(self.headers), "body": body, "json": json.loads(body)})
            self.send_response(state.statuses.pop(0) if state.statuses else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def editor(db, django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")


@pytest.fixture
def engagement_settings(db):
    from engagement.services import engagement_settings

    config = engagement_settings()
    config.feedback_email = "letters@newsroom.example"
    config.permissions_email = "rights@newsroom.example"
    config.save()
    from newsroom.models import SiteSettings

    site_settings = SiteSettings.for_site(config.site)
    site_settings.media_inquiries_email = "press@newsroom.example"
    site_settings.save()
    return config
