"""WebSub subscriber: followed feeds that name a hub are pushed to us, polling stays the fallback.

A poll that finds `<link rel="hub">` (and `rel="self"`, the topic) in a feed asks the hub to
subscribe our callback, `/websub/callback/<id>`, with a fresh secret. The hub confirms by GETting
the callback with a challenge that we echo only for the topic we asked about, while the request
is outstanding; the lease it grants is renewed by the poll that finds it within a day of ending.
A push is read only if its `X-Hub-Signature` is the HMAC of the body with our secret; a push
without one, or with a wrong one, is acknowledged (the spec asks for a 2xx so the hub does not
retry) and dropped.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
from urllib.parse import urlencode

import feedparser
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from crosspost.lib import safe_fetch
from ingest.models import FeedSubscription

log = logging.getLogger(__name__)

LEASE_SECONDS = 7 * 24 * 3600
RENEW_BEFORE = datetime.timedelta(days=1)
# A hub verifies within seconds to minutes; an intent older than this is not ours any more.
INTENT_VALID_FOR = datetime.timedelta(hours=1)
ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


class PushRefused(Exception):
    """A verification or push we do not accept; str() says why."""


def callback_url(subscription: FeedSubscription) -> str:
    return settings.SITE_URL + reverse("federation:websub_callback", args=[subscription.pk])


def hub_links(parsed, headers: dict[str, str]) -> tuple[str, str]:
    """(hub, self) the feed announces, in its own links or its `Link` header; blanks if none."""
    found = {link.get("rel"): link.get("href", "") for link in parsed.feed.get("links", [])}
    for part in headers.get("link", "").split(","):
        url, _, params = part.partition(";")
        for rel in ("hub", "self"):
            if f'rel="{rel}"' in params.replace("'", '"') and rel not in found:
                found[rel] = url.strip().strip("<>")
    return found.get("hub", ""), found.get("self", "")


def feed_websub_check(*, subscription: FeedSubscription, hub: str, topic: str) -> bool:
    """After a poll: subscribe at the feed's hub when we have no lease there or it ends soon.
    Returns True when a request was sent."""
    now = timezone.now()
    topic = topic or subscription.url
    same = hub == subscription.hub and topic == subscription.topic
    if not hub or (same and subscription.push_lease_until and subscription.push_lease_until - now > RENEW_BEFORE):
        return False
    if same and subscription.push_requested_at and now - subscription.push_requested_at < INTENT_VALID_FOR:
        return False  # asked already; the hub has not confirmed yet
    return feed_websub_subscribe(subscription=subscription, hub=hub, topic=topic)


def feed_websub_subscribe(*, subscription: FeedSubscription, hub: str, topic: str) -> bool:
    secret = subscription.push_secret if topic == subscription.topic and subscription.push_secret \
        else secrets.token_hex(32)
    FeedSubscription.objects.filter(pk=subscription.pk).update(hub=hub[:1000], topic=topic[:1000],
                                                             push_secret=secret, push_requested_at=timezone.now())
    subscription.refresh_from_db()
    body = urlencode({"hub.mode": "subscribe", "hub.topic": topic, "hub.callback": callback_url(subscription),
                      "hub.secret": secret, "hub.lease_seconds": str(LEASE_SECONDS)}).encode()
    try:
        safe_fetch.post(hub, body, content_type="application/x-www-form-urlencoded")
    except safe_fetch.FetchError as exc:  # polling goes on; the next poll asks again
        log.info("WebSub hub %s refused a subscription to %s: %s", hub, topic, exc)
        FeedSubscription.objects.filter(pk=subscription.pk).update(push_requested_at=None)
        return False
    return True


def intent_confirm(*, subscription: FeedSubscription, mode: str, topic: str, challenge: str,
                   lease_seconds: str) -> str:
    """The hub's verification GET: the challenge to echo, or PushRefused."""
    if not challenge:
        raise PushRefused("hub.challenge is missing")
    if not subscription.topic or topic != subscription.topic:
        raise PushRefused("not a topic we asked about")
    if mode == "denied":
        FeedSubscription.objects.filter(pk=subscription.pk).update(push_requested_at=None, push_lease_until=None)
        raise PushRefused("denied")
    if mode != "subscribe":
        # We never unsubscribe while following; a deleted feed's callback is a 404 before this.
        raise PushRefused(f"we did not ask to {mode}")
    asked = subscription.push_requested_at
    if asked is None or timezone.now() - asked > INTENT_VALID_FOR:
        raise PushRefused("no subscription request is outstanding")
    try:
        lease = int(lease_seconds)
    except ValueError:
        raise PushRefused("hub.lease_seconds must be a number of seconds") from None
    FeedSubscription.objects.filter(pk=subscription.pk).update(
        push_requested_at=None, push_lease_until=timezone.now() + datetime.timedelta(seconds=lease))
    return challenge


def signature_valid(secret: str, body: bytes, header: str) -> bool:
    method, _, digest = header.partition("=")
    algorithm = ALGORITHMS.get(method.strip().lower())
    if not secret or algorithm is None or not digest:
        return False
    return hmac.compare_digest(hmac.new(secret.encode(), body, algorithm).hexdigest(), digest.strip().lower())


def push_receive(*, subscription: FeedSubscription, body: bytes, signature: str) -> int:
    """A hub's content distribution: its entries into the inbox (new ones counted), if signed by us."""
    from ingest.services import inbox_items_add  # ingest.services imports this module

    if not signature_valid(subscription.push_secret, body, signature):
        raise PushRefused("X-Hub-Signature is missing or does not match")
    parsed = feedparser.parse(body, response_headers={"content-location": subscription.topic or subscription.url})
    if not parsed.entries and (parsed.bozo or not parsed.feed):
        raise PushRefused("the push is not an RSS or Atom feed")
    FeedSubscription.objects.filter(pk=subscription.pk).update(last_pushed_at=timezone.now())
    return inbox_items_add(subscription, parsed.entries)
