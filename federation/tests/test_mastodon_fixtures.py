"""Mastodon's own fixtures (see fixtures/mastodon/README.md): we read its actors and answer in its shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from federation import services
from federation.models import Delivery, Follower, RemoteActor
from federation.tests.conftest import follow
from ingest.tests.conftest import Reply

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
pytestmark = pytest.mark.django_db


def _body(name: str) -> str:
    """The JSON body of one of Mastodon's recorded HTTP responses."""
    return (FIXTURES / name).read_text().split("\n\n", 1)[1]


@pytest.fixture(params=["activitypub-actor.txt", "activitypub-actor-individual.txt"])
def mastodon(request, remote_server):
    """Mastodon's recorded actor `foo`, served from loopback in place of ap.example.com."""
    body = _body(request.param).replace("https://ap.example.com", remote_server.url("").rstrip("/"))
    remote_server.route("/users/foo", Reply(body, content_type="application/activity+json; charset=utf-8"))
    remote_server.route("/inbox", Reply("", status=202))
    return json.loads(body)


def test_a_mastodon_actor_is_read_with_its_key_and_shared_inbox(mastodon):
    remote = services.remote_actor_lookup(mastodon["id"])
    assert remote.username == "foo" and remote.domain == "127.0.0.1"
    assert remote.key_id == mastodon["id"] + "#main-key"
    assert remote.public_key_pem.startswith("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu3L4")
    assert remote.inbox == mastodon["inbox"] and remote.delivery_inbox == mastodon["endpoints"]["sharedInbox"]
    assert remote.url.endswith("/@foo")


def test_a_follow_in_mastodons_name_not_signed_with_its_key_is_refused(client, mastodon, remote, other_key):
    # `remote` signs; we point its key id at Mastodon's actor, whose (real) key cannot verify it.
    forged = follow(remote, "http://testserver/")
    forged["actor"] = mastodon["id"]
    remote.username = "foo"
    answer = remote.post(client, "/ap/inbox", forged)
    assert answer.status_code == 401 and "does not verify" in answer.json()["error"]
    assert not Follower.objects.exists()
    assert RemoteActor.objects.get().username == "foo"  # its key was fetched to check


def test_our_articles_reach_a_mastodon_followers_shared_inbox(mastodon, make_article, remote_server, committed):
    site = services.actor_for_site()
    Follower.objects.create(actor=site, remote=services.remote_actor_lookup(mastodon["id"]))
    committed(make_article, "For Mastodon")
    assert {d.inbox for d in Delivery.objects.filter(activity__type="Create")} == {mastodon["endpoints"]["sharedInbox"]}
    (path, _headers, body), *_ = [p for p in remote_server.posted if json.loads(p[2])["type"] == "Create"]
    assert path == "/inbox" and json.loads(body)["object"]["name"] == "For Mastodon"


def test_our_webfinger_answers_in_the_shape_mastodon_serves(client, settings):
    theirs = json.loads(_body("activitypub-webfinger.txt"))
    ours = client.get("/.well-known/webfinger", {"resource": "acct:crosspost@testserver"}).json()
    assert set(theirs) >= set(ours) == {"subject", "aliases", "links"}
    assert ours["subject"].startswith("acct:") and theirs["subject"].startswith("acct:")

    def shape(jrd):
        return {(link["rel"], link.get("type")) for link in jrd["links"]}

    wanted = {("self", "application/activity+json"), ("http://webfinger.net/rel/profile-page", "text/html")}
    assert wanted <= shape(theirs) and wanted == shape(ours)
