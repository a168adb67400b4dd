"""WebSub: feeds name their hub; the hub verifies intent, keeps leases, and pushes signed content on publish."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from federation.models import WebSubPush, WebSubSubscription
from ingest.tests.conftest import Reply

pytestmark = pytest.mark.django_db
TOPIC = "http://testserver/feed/rss/"


def _echo(handler) -> Reply:
    if handler.command == "POST":  # content distribution
        return Reply("", status=202)
    query = parse_qs(urlsplit(handler.path).query)
    return Reply(query["hub.challenge"][0], content_type="text/plain")


@pytest.fixture
def subscriber(remote_server):
    remote_server.route("/callback", _echo)
    return remote_server


def _subscribe(client, committed, callback: str, *, topic: str = TOPIC, mode: str = "subscribe", **extra):
    data = {"hub.mode": mode, "hub.topic": topic, "hub.callback": callback, **extra}
    return committed(client.post, "/websub/hub", data)


@pytest.mark.parametrize("path", ["/feed/rss/", "/feed/atom/"])
def test_every_feed_names_its_hub_and_itself(client, path):
    answer = client.get(path)
    body = answer.content.decode()
    assert 'rel="hub"' in body and "http://testserver/websub/hub" in body
    assert f'href="http://testserver{path}"' in body and 'rel="self"' in body
    assert answer["Link"] == f'<http://testserver/websub/hub>; rel="hub", <http://testserver{path}>; rel="self"'


def test_a_subscription_is_verified_by_challenge_then_kept_for_its_lease(client, committed, subscriber):
    answer = _subscribe(client, committed, subscriber.url("/callback"), **{"hub.secret": "s3cret",
                                                                          "hub.lease_seconds": "3600"})
    assert answer.status_code == 202
    (path, _), = subscriber.requests
    query = parse_qs(urlsplit(path).query)
    assert query["hub.mode"] == ["subscribe"] and query["hub.topic"] == [TOPIC]
    sub = WebSubSubscription.objects.get()
    assert sub.secret == "s3cret"
    assert abs((sub.lease_expires_at - timezone.now()).total_seconds() - 3600) < 60


def test_a_callback_that_does_not_echo_the_challenge_is_not_subscribed(client, committed, remote_server):
    remote_server.route("/callback", Reply("no thanks", content_type="text/plain"))
    _subscribe(client, committed, remote_server.url("/callback"))
    assert not WebSubSubscription.objects.exists()


@pytest.mark.parametrize("data", [{"hub.topic": "https://elsewhere.example/feed/"}, {"hub.mode": "publish"},
                                  {"hub.callback": "ftp://x.example/"}, {"hub.lease_seconds": "soon"}])
def test_bad_requests_are_refused_with_a_reason(client, committed, subscriber, data):
    fields = {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": subscriber.url("/callback"), **data}
    answer = committed(client.post, "/websub/hub", fields)
    assert answer.status_code == 400 and answer.content
    assert not WebSubSubscription.objects.exists()


def test_publishing_pushes_the_feed_signed_with_the_subscribers_secret(client, committed, subscriber, make_article):
    _subscribe(client, committed, subscriber.url("/callback"), **{"hub.secret": "s3cret"})
    committed(make_article, "Pushed at once")
    (path, headers, body), = subscriber.posted
    assert path == "/callback" and b"Pushed at once" in body
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Hub-Signature"] == expected
    assert f'<{TOPIC}>; rel="self"' in headers["Link"]
    assert WebSubPush.objects.get().status == "done"


def test_an_author_feed_is_pushed_too_and_an_expired_lease_is_not(client, committed, subscriber, make_article):
    from newsroom.services import author_get_or_create

    author = author_get_or_create(name="Ada Reporter")
    _subscribe(client, committed, subscriber.url("/callback"), topic=f"http://testserver{author.url}feed/atom/")
    _subscribe(client, committed, subscriber.url("/callback"))
    WebSubSubscription.objects.filter(topic=TOPIC).update(lease_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    committed(make_article, "Only for Ada's readers", authors=("Ada Reporter",))
    assert [p for p, _, _ in subscriber.posted] == ["/callback"]
    assert b"<feed" in subscriber.posted[0][2]


def test_unsubscribing_is_verified_too(client, committed, subscriber, make_article):
    _subscribe(client, committed, subscriber.url("/callback"))
    _subscribe(client, committed, subscriber.url("/callback"), mode="unsubscribe")
    assert not WebSubSubscription.objects.exists()
    committed(make_article)
    assert not subscriber.posted


def test_a_failing_subscriber_is_retried_later(client, committed, remote_server, make_article):
    remote_server.route("/callback", lambda handler: _echo(handler) if handler.command == "GET" else Reply("", status=503))
    _subscribe(client, committed, remote_server.url("/callback"))
    committed(make_article)
    push = WebSubPush.objects.get()
    assert push.status == "pending" and push.attempts == 1 and push.next_attempt_at > timezone.now()


def test_subscribing_again_renews_the_lease(client, committed, subscriber):
    _subscribe(client, committed, subscriber.url("/callback"), **{"hub.lease_seconds": "3600"})
    WebSubSubscription.objects.update(lease_expires_at=timezone.now() + datetime.timedelta(seconds=60))
    _subscribe(client, committed, subscriber.url("/callback"), **{"hub.lease_seconds": "7200"})
    sub = WebSubSubscription.objects.get()
    assert abs((sub.lease_expires_at - timezone.now()).total_seconds() - 7200) < 60


def test_with_another_hub_the_feeds_name_it_and_publishing_pings_it(client, committed, remote_server, make_article,
                                                                    settings):
    remote_server.route("/hub", Reply("", status=204))
    settings.WEBSUB_HUB_URL = remote_server.url("/hub")
    feed = client.get("/feed/rss/")
    assert remote_server.url("/hub") in feed.content.decode() and remote_server.url("/hub") in feed["Link"]
    committed(make_article, "Pinged")
    pings = [parse_qs(body.decode()) for path, _headers, body in remote_server.posted if path == "/hub"]
    assert {"hub.mode": ["publish"], "hub.url": [TOPIC]} in pings
