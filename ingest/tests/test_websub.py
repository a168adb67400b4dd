"""Followed feeds that name a WebSub hub are subscribed there; signed pushes land in the inbox at once.

The hubs are on loopback: a tiny one written here (it records the subscription request, and the
test then plays its verification and pushes, signing with `hmac` itself), and Crosspost's own hub
(federation/websub.py) serving a live site whose feed we follow.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from ingest import websub
from ingest.models import FeedSubscription, InboxItem
from ingest.services import feed_poll, feed_subscription_add
from ingest.tests.conftest import Reply
from ingest.tests.test_feeds import rss

pytestmark = pytest.mark.django_db


def hubbed_rss(base: str, hub: str, *paths: str) -> str:
    links = (f'<atom:link rel="hub" href="{hub}"/><atom:link rel="self" href="{base}/feed.xml"/>')
    return rss(base, *paths).replace('<rss version="2.0"><channel>',
                                     '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>' + links)


@pytest.fixture
def hubbed(web, settings):
    """A feed announcing a hub on the same loopback server; the hub answers 202 and records."""
    settings.SITE_URL = "http://testserver"
    web.route("/hub", Reply("", status=202, content_type="text/plain"))
    web.route("/feed.xml", Reply(hubbed_rss(web.url(""), web.url("/hub"), "/one"),
                                 content_type="application/rss+xml"))
    return web, feed_subscription_add(url=web.url("/feed.xml"))


def _subscribe_request(web) -> dict[str, str]:
    (path, _headers, body), = [p for p in web.posted if p[0] == "/hub"]
    return {k: v[0] for k, v in parse_qs(body.decode()).items()}


def _verify(client, subscription, *, topic: str, mode: str = "subscribe", lease: str = "86400"):
    return client.get(f"/websub/callback/{subscription.pk}",
                      {"hub.mode": mode, "hub.topic": topic, "hub.challenge": "chal-123", "hub.lease_seconds": lease})


def _push(client, subscription, body: bytes, signature: str | None):
    extra = {"HTTP_X_HUB_SIGNATURE": signature} if signature is not None else {}
    return client.post(f"/websub/callback/{subscription.pk}", data=body, content_type="application/rss+xml", **extra)


def _sign(secret: str, body: bytes, algorithm=hashlib.sha256, name: str = "sha256") -> str:
    return f"{name}={hmac.new(secret.encode(), body, algorithm).hexdigest()}"


def test_a_poll_that_finds_a_hub_asks_it_to_subscribe_our_callback(hubbed):
    web, subscription = hubbed
    assert feed_poll(subscription=subscription).new_items == 1  # polling still reads the feed
    asked = _subscribe_request(web)
    assert asked["hub.mode"] == "subscribe" and asked["hub.topic"] == web.url("/feed.xml")
    assert asked["hub.callback"] == f"http://testserver/websub/callback/{subscription.pk}"
    assert len(asked["hub.secret"]) == 64 and asked["hub.lease_seconds"] == str(websub.LEASE_SECONDS)
    subscription.refresh_from_db()
    assert subscription.hub == web.url("/hub") and subscription.push_secret == asked["hub.secret"]
    feed_poll(subscription=subscription, force=True)
    assert len([p for p in web.posted if p[0] == "/hub"]) == 1  # outstanding: not asked twice


def test_a_feed_without_a_hub_is_only_polled(web, feed_settings_site):
    web.route("/plain.xml", Reply(rss(web.url(""), "/a"), content_type="application/rss+xml"))
    subscription = feed_subscription_add(url=web.url("/plain.xml"))
    feed_poll(subscription=subscription)
    assert not web.posted
    assert FeedSubscription.objects.get().hub == ""


@pytest.fixture
def feed_settings_site(settings):
    settings.SITE_URL = "http://testserver"


def test_the_hub_verification_is_echoed_only_for_what_we_asked(hubbed, client):
    web, subscription = hubbed
    assert _verify(client, subscription, topic=web.url("/feed.xml")).status_code == 404  # nothing asked yet
    feed_poll(subscription=subscription)
    subscription.refresh_from_db()
    assert _verify(client, subscription, topic="http://elsewhere.example/feed").status_code == 404
    assert _verify(client, subscription, topic=web.url("/feed.xml"), mode="unsubscribe").status_code == 404
    answer = _verify(client, subscription, topic=web.url("/feed.xml"))
    assert answer.status_code == 200 and answer.content == b"chal-123"
    subscription.refresh_from_db()
    assert abs((subscription.push_lease_until - timezone.now()).total_seconds() - 86400) < 60
    assert _verify(client, subscription, topic=web.url("/feed.xml")).status_code == 404  # not replayable
    assert client.get("/websub/callback/999999", {"hub.challenge": "x"}).status_code == 404


@pytest.fixture
def verified(hubbed, client):
    web, subscription = hubbed
    feed_poll(subscription=subscription)
    subscription.refresh_from_db()
    assert _verify(client, subscription, topic=web.url("/feed.xml"), lease=str(websub.LEASE_SECONDS)).status_code == 200
    subscription.refresh_from_db()
    return web, subscription


def test_a_signed_push_lands_in_the_inbox_at_once(verified, client):
    web, subscription = verified
    body = hubbed_rss(web.url(""), web.url("/hub"), "/one", "/breaking").encode()
    answer = _push(client, subscription, body, _sign(subscription.push_secret, body))
    assert answer.status_code == 202
    assert sorted(InboxItem.objects.values_list("url", flat=True)) == [web.url("/breaking"), web.url("/one")]
    other = hubbed_rss(web.url(""), web.url("/hub"), "/older").encode()  # the spec's other digests work too
    _push(client, subscription, other, _sign(subscription.push_secret, other, hashlib.sha1, "sha1"))
    assert InboxItem.objects.filter(url=web.url("/older")).exists()
    subscription.refresh_from_db()
    assert subscription.last_pushed_at is not None


@pytest.mark.parametrize("signature", [None, "", "sha256=" + "0" * 64, "md5=abc", "sha256"])
def test_an_unsigned_or_mis_signed_push_is_acknowledged_and_dropped(verified, client, signature):
    web, subscription = verified
    body = hubbed_rss(web.url(""), web.url("/hub"), "/forged").encode()
    answer = _push(client, subscription, body, signature)
    assert answer.status_code == 202 and answer.content.startswith(b"ignored")
    assert not InboxItem.objects.filter(url=web.url("/forged")).exists()


def test_a_push_signed_for_another_body_is_dropped(verified, client):
    web, subscription = verified
    signed = hubbed_rss(web.url(""), web.url("/hub"), "/one").encode()
    tampered = hubbed_rss(web.url(""), web.url("/hub"), "/forged").encode()
    _push(client, subscription, tampered, _sign(subscription.push_secret, signed))
    assert not InboxItem.objects.filter(url=web.url("/forged")).exists()


def test_a_lease_ending_within_a_day_is_renewed_by_the_next_poll_with_the_same_secret(verified):
    web, subscription = verified
    feed_poll(subscription=subscription, force=True)
    assert len([p for p in web.posted if p[0] == "/hub"]) == 1  # a week left: nothing to do
    FeedSubscription.objects.filter(pk=subscription.pk).update(
        push_lease_until=timezone.now() + datetime.timedelta(hours=3))
    feed_poll(subscription=FeedSubscription.objects.get(pk=subscription.pk), force=True)
    renewals = [p for p in web.posted if p[0] == "/hub"]
    assert len(renewals) == 2
    assert parse_qs(renewals[1][2].decode())["hub.secret"] == [subscription.push_secret]


def test_a_hub_that_refuses_leaves_polling_in_charge_and_is_asked_again(hubbed):
    web, subscription = hubbed
    web.route("/hub", Reply("no", status=400, content_type="text/plain"))
    assert feed_poll(subscription=subscription).error == ""
    subscription.refresh_from_db()
    assert subscription.push_requested_at is None and subscription.push_lease_until is None
    feed_poll(subscription=subscription, force=True)
    assert len([p for p in web.posted if p[0] == "/hub"]) == 2


def test_our_own_hub_verifies_and_pushes_a_new_article_to_a_site_following_our_feed(live_server, settings,
                                                                                    make_article):
    """Crosspost as both sides: its hub (federation/websub.py) and its subscriber, over real HTTP."""
    settings.SITE_URL = live_server.url
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.CROSSPOST_INGEST_ALLOW_HOSTS = ["127.0.0.1", "localhost"]
    settings.WEBSUB_HUB_URL = ""
    make_article("Already out")
    subscription = feed_subscription_add(url=f"{live_server.url}/feed/rss/")
    assert feed_poll(subscription=subscription).new_items == 1
    subscription.refresh_from_db()
    assert subscription.hub == f"{live_server.url}/websub/hub"
    assert subscription.push_lease_until is not None  # the hub's challenge reached our callback

    article = make_article("Pushed, not polled")
    item = InboxItem.objects.get(url=f"{live_server.url}{article.url}")
    assert item.title == "Pushed, not polled"
    subscription.refresh_from_db()
    assert subscription.last_pushed_at is not None
