"""WebSub (W3C Recommendation): we are the hub for our own feeds, unless WEBSUB_HUB_URL names another.

Subscribing: a subscriber POSTs `hub.mode`, `hub.topic` (one of our feed URLs), `hub.callback`,
optionally `hub.secret` and `hub.lease_seconds`; we answer 202 and verify the intent on a worker
by GETting the callback with a random `hub.challenge`, which it must echo. A subscription lasts
its lease; the subscriber renews by subscribing again.

Publishing: every feed an article appears in (the site's, each author's, each section's) gets
one push per live subscriber, claimed and retried like ActivityPub deliveries, carrying the
feed's current content and `X-Hub-Signature: sha256=…` (HMAC of the body with the subscriber's
secret). With an external hub we only ping it (`hub.mode=publish`).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.test import RequestFactory
from django.utils import timezone

from crosspost.lib import safe_fetch
from crosspost.lib.leases import backoff, claim_batch, claims_reclaim, holder
from federation.models import WebSubPush, WebSubSubscription

log = logging.getLogger(__name__)

DEFAULT_LEASE = 10 * 24 * 3600
MAX_LEASE = 30 * 24 * 3600
GIVE_UP_AFTER = datetime.timedelta(days=2)
FEED_KINDS = ("rss", "atom")


class HubRefused(Exception):
    """A subscription request we cannot take; str() says why (the 400's body)."""


def hub_url() -> str:
    from newsroom.feeds import hub_url as feeds_hub

    return feeds_hub()


# --- topics -------------------------------------------------------------------------------------

def feed_topics(page) -> list[str]:
    from newsroom.feeds import absolute

    return [absolute(url) for url in page.feed_urls().values()]


def article_topics(article) -> list[str]:
    """Every feed URL the article appears in."""
    from newsroom.models import HomePage

    pages = [*HomePage.objects.live(), *article.authors, *article.regions.live(), *article.themes.live(),
             *article.dossiers.live()]
    return [topic for page in pages for topic in feed_topics(page)]


def _topic_page(topic: str):
    """(page, kind) of one of our feed URLs, or None."""
    from federation.services import page_for_path

    parts = urlsplit(topic)
    if f"{parts.scheme}://{parts.netloc}" != settings.SITE_URL or parts.query:
        return None
    for kind in FEED_KINDS:
        suffix = f"feed/{kind}/"
        if parts.path.endswith(suffix):
            page = page_for_path(parts.path.removesuffix(suffix))
            if page is not None and hasattr(page, "feed_urls"):
                return page, kind
    return None


# --- the hub: subscriptions ---------------------------------------------------------------------

def subscription_request(*, mode: str, topic: str, callback: str, secret: str = "", lease_seconds: str = "") -> None:
    """Check a (un)subscription request and queue its intent verification."""
    if mode not in ("subscribe", "unsubscribe"):
        raise HubRefused("hub.mode must be subscribe or unsubscribe")
    if _topic_page(topic) is None:
        raise HubRefused("hub.topic is not one of this site's feeds")
    try:
        safe_fetch.check_url(callback)
    except safe_fetch.BadURL as exc:
        raise HubRefused(f"hub.callback: {exc}") from None
    if len(secret.encode()) >= 200:
        raise HubRefused("hub.secret must be shorter than 200 bytes")
    try:
        lease = int(lease_seconds) if lease_seconds else DEFAULT_LEASE
    except ValueError:
        raise HubRefused("hub.lease_seconds must be a number of seconds") from None
    lease = max(60, min(lease, MAX_LEASE))
    from federation.tasks import websub_verify_intent

    transaction.on_commit(lambda: websub_verify_intent.enqueue(mode, topic, callback, secret, lease))


def intent_verify(*, mode: str, topic: str, callback: str, secret: str, lease: int) -> bool:
    """GET the callback with a challenge; on an echo, record (or end) the subscription."""
    challenge = secrets.token_urlsafe(24)
    query = urlencode({"hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge,
                       "hub.lease_seconds": str(lease)})
    url = callback + ("&" if "?" in callback else "?") + query
    try:
        answer = safe_fetch.fetch(url, accept=(), max_bytes=4096)
    except safe_fetch.FetchError as exc:
        log.info("WebSub intent not verified for %s: %s", callback, exc)
        return False
    if answer.status != 200 or answer.text().strip() != challenge:
        log.info("WebSub intent refused by %s", callback)
        return False
    if mode == "unsubscribe":
        WebSubSubscription.objects.filter(topic=topic, callback=callback).delete()
        return True
    WebSubSubscription.objects.update_or_create(
        topic=topic, callback=callback,
        defaults={"secret": secret, "lease_expires_at": timezone.now() + datetime.timedelta(seconds=lease)},
    )
    return True


# --- the hub: distribution ----------------------------------------------------------------------

def article_notify(*, article) -> int:
    """Queue one push per live subscriber of each feed the article is in (or ping an external hub)."""
    topics = article_topics(article)
    if settings.WEBSUB_HUB_URL:
        transaction.on_commit(lambda: _ping_external(topics))
        return 0
    event = f"article:{article.pk}:{article.latest_revision_id or 0}:{article.live}"
    now = timezone.now()
    subscriptions = WebSubSubscription.objects.filter(topic__in=topics, lease_expires_at__gt=now)
    pushes = [WebSubPush(subscription_id=pk, event=event, next_attempt_at=now)
              for pk in subscriptions.values_list("pk", flat=True)]
    WebSubPush.objects.bulk_create(pushes, batch_size=1000, ignore_conflicts=True)
    if pushes:
        from federation.tasks import websub_push_pending

        transaction.on_commit(lambda: [websub_push_pending.enqueue() for _ in range(settings.FEDERATION_DELIVERY_WORKERS)])
    return len(pushes)


def _ping_external(topics: list[str]) -> None:
    for topic in topics:
        try:
            safe_fetch.post(settings.WEBSUB_HUB_URL, urlencode({"hub.mode": "publish", "hub.url": topic}).encode(),
                            content_type="application/x-www-form-urlencoded")
        except safe_fetch.FetchError as exc:
            log.warning("WebSub hub %s refused a ping for %s: %s", settings.WEBSUB_HUB_URL, topic, exc)


def feed_render(topic: str) -> tuple[bytes, str] | None:
    """The current content of one of our feeds, as a reader fetching it would get it."""
    from newsroom.feeds import feed_response

    found = _topic_page(topic)
    if found is None:
        return None
    page, kind = found
    request = RequestFactory().get(urlsplit(topic).path, SERVER_NAME=urlsplit(settings.SITE_URL).hostname)
    response = feed_response(request, page=page, kind=kind)
    return response.content, response["Content-Type"]


def push_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _push(push: WebSubPush, body: bytes, content_type: str) -> tuple[int, str]:
    sub = push.subscription
    headers = {"Link": f'<{hub_url()}>; rel="hub", <{sub.topic}>; rel="self"'}
    if sub.secret:
        headers["X-Hub-Signature"] = push_signature(sub.secret, body)
    try:
        return safe_fetch.post(sub.callback, body, content_type=content_type, headers=headers).status, ""
    except safe_fetch.HTTPStatusError as exc:
        return exc.status, str(exc)[:300]
    except safe_fetch.FetchError as exc:
        return 0, str(exc)[:300]


def _push_rendered(push: WebSubPush, feed: tuple[bytes, str] | None) -> tuple[int, str]:
    return _push(push, *feed) if feed else (404, "the feed is gone")


def pushes_run(*, batch_size: int = 100, max_seconds: float = 60.0) -> dict[str, int]:
    """Claim and send due pushes; a subscriber answering 410 is unsubscribed."""
    counts = {"delivered": 0, "failed": 0, "retry": 0}
    claims_reclaim(WebSubPush.objects.filter(status=WebSubPush.Status.SENDING),
                   reset={"status": WebSubPush.Status.PENDING, "claimed_by": ""})
    feeds: dict[str, tuple[bytes, str] | None] = {}
    deadline = time.monotonic() + max_seconds
    with ThreadPoolExecutor(max_workers=max(1, settings.FEDERATION_DELIVERY_CONCURRENCY)) as pool:
        while time.monotonic() < deadline:
            now = timezone.now()
            due = WebSubPush.objects.filter(status=WebSubPush.Status.PENDING, next_attempt_at__lte=now)
            ids = claim_batch(due, size=batch_size,
                              changes={"status": WebSubPush.Status.SENDING, "claimed_by": holder(), "claimed_at": now})
            if not ids:
                break
            batch = list(WebSubPush.objects.filter(pk__in=ids).select_related("subscription"))
            for push in batch:
                if push.subscription.topic not in feeds:
                    feeds[push.subscription.topic] = feed_render(push.subscription.topic)
            results = list(pool.map(lambda p: _push_rendered(p, feeds[p.subscription.topic]), batch))
            for push, (status, error) in zip(batch, results, strict=True):
                counts[_record(push, status, error)] += 1
    return counts


def _record(push: WebSubPush, status: int, error: str) -> str:
    now = timezone.now()
    mine = WebSubPush.objects.filter(pk=push.pk, status=WebSubPush.Status.SENDING, claimed_by=holder())
    if 200 <= status < 300:
        mine.update(status=WebSubPush.Status.DONE, attempts=F("attempts") + 1, last_error="")
        return "delivered"
    if status == 410:
        WebSubSubscription.objects.filter(pk=push.subscription_id).delete()
        return "failed"
    attempts = push.attempts + 1
    if 400 <= status < 500 and status not in (408, 429) or now - push.created_at > GIVE_UP_AFTER:
        mine.update(status=WebSubPush.Status.FAILED, attempts=attempts, last_error=error or f"HTTP {status}")
        return "failed"
    mine.update(status=WebSubPush.Status.PENDING, attempts=attempts, last_error=error or f"HTTP {status}",
                next_attempt_at=now + backoff(attempts, base=30, cap=3600), claimed_by="")
    return "retry"
