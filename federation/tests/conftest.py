"""A remote fediverse server on loopback: actors with real keys, an inbox that records what it gets.

Our side is exercised through Django's test client (incoming) and the real delivery workers
(outgoing, POSTing over HTTP to the loopback server).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from federation import httpsig
from ingest.tests.conftest import Reply, WebServer

AP = "application/activity+json"


@dataclass
class RemoteUser:
    server: WebServer
    username: str
    private_key_pem: str
    public_key_pem: str
    commit: Any = None  # django_capture_on_commit_callbacks: what our side queues runs after the POST

    @property
    def uri(self) -> str:
        return self.server.url(f"/users/{self.username}")

    @property
    def key_id(self) -> str:
        return self.uri + "#main-key"

    @property
    def inbox(self) -> str:
        return self.server.url(f"/users/{self.username}/inbox")

    @property
    def shared_inbox(self) -> str:
        return self.server.url("/inbox")

    def document(self) -> dict:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.uri, "type": "Person", "preferredUsername": self.username, "name": self.username.title(),
            "inbox": self.inbox, "outbox": self.uri + "/outbox", "url": self.server.url(f"/@{self.username}"),
            "endpoints": {"sharedInbox": self.shared_inbox},
            "publicKey": {"id": self.key_id, "owner": self.uri, "publicKeyPem": self.public_key_pem},
        }

    def publish(self) -> None:
        self.server.route(f"/users/{self.username}", Reply(json.dumps(self.document()), content_type=AP))
        self.server.route(self.inbox.removeprefix(self.server.url("")), Reply("", status=202, content_type=AP))
        self.server.route("/inbox", Reply("", status=202, content_type=AP))

    def sign(self, url: str, body: bytes, **overrides) -> dict[str, str]:
        headers = httpsig.request_sign(method="POST", url=url, body=body, key_id=self.key_id,
                                       private_key_pem=overrides.pop("private_key_pem", self.private_key_pem),
                                       now=overrides.pop("now", None))
        return headers

    def post(self, client: Client, path: str, activity: dict, **overrides) -> object:
        """POST `activity` to our `path`, signed (or mangled by `overrides`)."""
        body = overrides.pop("body", None) or json.dumps(activity).encode()
        headers = self.sign("http://testserver" + path, json.dumps(activity).encode()
                            if overrides.pop("sign_original", False) else body, **overrides)
        extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
        with self.commit(execute=True):
            return client.post(path, data=body, content_type=AP, **extra)


_KEYS: list[tuple[str, str]] = []


def _key_pair(n: int) -> tuple[str, str]:
    while len(_KEYS) <= n:  # RSA generation costs ~50 ms; the tests share a few pairs
        _KEYS.append(httpsig.key_pair_generate())
    return _KEYS[n]


@pytest.fixture
def remote_server(settings):
    server = WebServer("127.0.0.1")
    settings.CROSSPOST_INGEST_ALLOW_HOSTS = ["127.0.0.1"]
    yield server
    server.close()


@pytest.fixture
def remote(remote_server, django_capture_on_commit_callbacks) -> RemoteUser:
    private, public = _key_pair(0)
    user = RemoteUser(remote_server, "alice", private, public, django_capture_on_commit_callbacks)
    user.publish()
    return user


@pytest.fixture
def other_key() -> tuple[str, str]:
    return _key_pair(1)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run `fn(*args)` and then what it queued for after the commit (deliveries), as production would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def follow(remote: RemoteUser, target: str, n: int = 1) -> dict:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{remote.uri}#follows/{n}",
            "type": "Follow", "actor": remote.uri, "object": target}
