"""Outgoing webhooks: one signed delivery per endpoint and event, sent by the task workers through
the coordination layer (crosspost/lib/leases.py) and the safe client, retried with backoff.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from wagtail.admin.auth import permission_required
from wagtail.rich_text import expand_db_html

from crosspost.lib import leases, safe_fetch
from engagement.models import WebhookDelivery, WebhookEndpoint
from newsroom.models import ArticlePage

EVENT_PUBLISHED = "article.published"
EVENT_CORRECTED = "article.corrected"
# The permission the deliveries screen needs; wagtail_hooks shows its menu item only to holders.
VIEW_WEBHOOK_DELIVERIES = "engagement.view_webhookdelivery"


def webhook_payload(article) -> dict[str, Any]:
    published = article.first_published_at or article.last_published_at or timezone.now()
    return {
        "event": EVENT_PUBLISHED,
        "id": article.pk,
        "title": article.title,
        "url": article.canonical_url(),
        "dek": article.dek,
        "authors": [author.title for author in article.authors],
        "published_at": published.isoformat(),
    }


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>": signing the time too stops old deliveries being replayed."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def webhook_enqueue_for_page(*, page) -> list[WebhookDelivery]:
    """Queue one delivery per active endpoint the first time an article is published."""
    article = page.specific
    if not isinstance(article, ArticlePage):
        return []
    body = json.dumps(webhook_payload(article), separators=(",", ":"), ensure_ascii=False)
    created = _webhooks_queue(article=article, event=EVENT_PUBLISHED, body=body)
    _webhooks_schedule_on_commit(created)
    return created


def _webhooks_queue(*, article, event: str, body: str) -> list[WebhookDelivery]:
    """One delivery per active endpoint; the (endpoint, article, event) key makes re-runs add none."""
    created = []
    for endpoint in WebhookEndpoint.objects.filter(active=True):
        delivery, is_new = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint, article=article, event=event,
            defaults={"payload": body, "next_attempt_at": timezone.now()},
        )
        if is_new:
            created.append(delivery)
    return created


def _webhooks_schedule_on_commit(created: list[WebhookDelivery]) -> None:
    if created:
        ids = [d.pk for d in created]
        transaction.on_commit(lambda: _webhook_schedule(ids))


def webhook_enqueue_corrections(*, page) -> list[WebhookDelivery]:
    """Queue `article.corrected` once per endpoint for each live correction of the article.

    The delivery's event column names the note ("article.corrected:<uid>"), so its uniqueness
    sends every correction once however often the article is published again.
    """
    article = page.specific
    created = []
    for note in article.corrections.all():
        payload = {**webhook_payload(article), "event": EVENT_CORRECTED,
                   "correction": {"kind": note.kind, "date": note.date.isoformat(), "text": expand_db_html(note.text)}}
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        created += _webhooks_queue(article=article, event=f"{EVENT_CORRECTED}:{note.uid.hex}", body=body)
    _webhooks_schedule_on_commit(created)
    return created


def _webhook_schedule(ids: list[int], run_after: datetime.datetime | None = None) -> None:
    from engagement.tasks import deliver_webhook  # engagement.tasks imports this module

    task = deliver_webhook
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # `crosspost webhooks retry` picks it up when it is due
        task = task.using(run_after=run_after)
    for delivery_id in ids:
        task.enqueue(delivery_id)


def webhook_deliver(*, delivery_id: int, now: datetime.datetime | None = None) -> str:
    """POST one delivery if it is due; returns its status afterwards ("skipped" if not ours to send).

    A delivery left "sending" by a worker that died is taken over once its lease lapsed.
    """
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING],
        next_attempt_at__lte=now,
    )
    if not leases.claim_free(due, now=now, status=WebhookDelivery.Status.SENDING, attempts=F("attempts") + 1):
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    ours = WebhookDelivery.objects.filter(pk=delivery_id)
    error, retry = _webhook_post(delivery.endpoint, delivery)
    if not error:
        leases.release(ours, status=WebhookDelivery.Status.DELIVERED, delivered_at=timezone.now(), last_error="",
                       next_attempt_at=None)
        return str(WebhookDelivery.Status.DELIVERED)
    if not retry or delivery.attempts >= settings.ENGAGEMENT_WEBHOOK_ATTEMPTS:
        leases.release(ours, status=WebhookDelivery.Status.FAILED, last_error=error[:500], next_attempt_at=None)
        return str(WebhookDelivery.Status.FAILED)
    retry_at = timezone.now() + leases.backoff(delivery.attempts)
    leases.release(ours, status=WebhookDelivery.Status.PENDING, last_error=error[:500], next_attempt_at=retry_at)
    _webhook_schedule([delivery_id], run_after=retry_at)
    return str(WebhookDelivery.Status.PENDING)


def _webhook_post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[str, bool]:
    """('', _) on a 2xx answer, else (what went wrong, whether trying again may help).

    Through the safe client, like every user-given URL: an endpoint that points into our own
    network is refused, and a redirect is not followed (the signed body is for this URL only).
    """
    if not endpoint.active:
        return "endpoint disabled", False
    body = delivery.payload.encode()
    timestamp = str(int(time.time()))
    headers = {
        "User-Agent": f"Crosspost webhooks ({settings.SITE_URL})",
        "X-Crosspost-Event": delivery.event.partition(":")[0],  # "article.corrected:<note>" → the event
        "X-Crosspost-Delivery": str(delivery.pk),
        "X-Crosspost-Timestamp": timestamp,
        "X-Crosspost-Signature": webhook_signature(endpoint.secret, timestamp, body),
    }
    try:
        safe_fetch.post(endpoint.url, body, content_type="application/json", headers=headers)
    except (safe_fetch.BadURL, safe_fetch.AddressNotAllowed) as exc:
        return str(exc), False
    except safe_fetch.FetchError as exc:
        return str(exc), True
    return "", False


def webhooks_retry_due(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Deliver everything due now (for backends that cannot defer, and after a crash)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING], next_attempt_at__lte=now
    ).values_list("pk", flat=True)
    outcome: dict[str, int] = {}
    for delivery_id in list(due):
        status = webhook_deliver(delivery_id=delivery_id, now=now)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


@permission_required(VIEW_WEBHOOK_DELIVERIES)
def admin_deliveries(request: HttpRequest) -> HttpResponse:
    rows = WebhookDelivery.objects.select_related("endpoint", "article")[:200]
    return TemplateResponse(request, "engagement/admin/webhook_deliveries.html", {"rows": rows})
