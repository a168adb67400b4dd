"""Writes for engagement: republication counts, shared mail, comments, requests, messages, webhooks.

Anything a reader can trigger is rate-limited here (not in the views), so every way in is
covered. A refusal raises `Refused` with a sentence fit to show the reader.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import re
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Site

from crosspost import pagecache
from crosspost.lib import email as mail
from crosspost.lib import leases, safe_fetch
from crosspost.lib.ratelimit import ratelimit_hit_all
from crosspost.lib.upsert import rows_add
from engagement import pixel
from engagement.models import (
    BannedAddress,
    Comment,
    ContactMessage,
    DailyRepublicationViews,
    EngagementSettings,
    Partner,
    PermissionRequest,
    Republication,
    WebhookDelivery,
    WebhookEndpoint,
    email_key,
)

log = logging.getLogger(__name__)

HOUR = 3600
MAX_LINKS = 2
EVENT_PUBLISHED = "article.published"
EVENT_CORRECTED = "article.corrected"

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


class Refused(Exception):
    """The request was understood and turned down; str(exc) is the reader-facing reason."""


class RateLimited(Refused):
    pass


def link_count(text: str) -> int:
    return len(_URL.findall(text))


# "bank.example/verify", "www.x.io": what a phisher puts in a name to make it a link.
_DOMAIN_LIKE = re.compile(r"[a-z0-9-]+\.[a-z]{2,}\b", re.IGNORECASE)


def name_has_address(name: str) -> bool:
    """Whether a name typed by a reader carries a web address (it is shown in mails we send)."""
    return bool(link_count(name) or _DOMAIN_LIKE.search(name) or "://" in name)


def has_line_break(*values: str) -> bool:
    return any("\r" in value or "\n" in value for value in values)


def _default_site() -> Site | None:
    return Site.objects.filter(is_default_site=True).first() or Site.objects.first()


def engagement_settings() -> EngagementSettings:
    return EngagementSettings.for_site(_default_site())


def media_inquiries_email() -> str:
    """The one media address: the site settings' public one, which articles and the footer show."""
    from newsroom.models import SiteSettings

    return SiteSettings.for_site(_default_site()).media_inquiries_email


# --- page cache --------------------------------------------------------------------------------

def pagecache_purge_article(article) -> None:
    """The article's cached copies show its comments; drop them once the change is committed."""
    from newsroom.services import pagecache_purge_pages

    transaction.on_commit(lambda: pagecache_purge_pages([article]))


def pagecache_purge_everything() -> None:
    transaction.on_commit(pagecache.pagecache_purge_all)


# --- republications ----------------------------------------------------------------------------

def republication_counts_add(*, counts: dict[tuple, int], first_seen: datetime.datetime,
                             last_seen: datetime.datetime) -> int:
    """Add pixel counts to Republication rows and daily rows; returns the views written.

    `counts` maps (day, article id, partner id or 0, page URL, domain) to views, as the counter
    store hands them over (audience.services.counters_flush calls this inside its transaction).
    Hits for articles deleted meanwhile, for partners that no longer exist, and for new pages
    beyond `MAX_NEW_PAGES` in one go are dropped.
    """
    from newsroom.models import ArticlePage

    if not counts:
        return 0
    articles = set(ArticlePage.objects.filter(pk__in={k[1] for k in counts}).values_list("pk", flat=True))
    partners = set(Partner.objects.filter(pk__in={k[2] for k in counts if k[2]}).values_list("pk", flat=True))
    pages: dict[tuple[int, str], dict] = {}
    daily: dict[tuple, int] = {}
    for (day, article_id, partner_id, page_url, domain), views in counts.items():
        if article_id not in articles:
            continue
        partner_id = partner_id if partner_id in partners else 0
        row = pages.setdefault((article_id, page_url), {
            "article": article_id, "page_url": page_url, "domain": domain, "views": 0,
            "first_seen": first_seen, "last_seen": last_seen, "partner": partner_id or None})
        row["views"] += views
        row["partner"] = row["partner"] or partner_id or None
        key = (datetime.date.fromisoformat(day), article_id, domain, partner_id)
        daily[key] = daily.get(key, 0) + views
    existing = set(Republication.objects.filter(article_id__in={a for a, _ in pages}, page_url__in={u for _, u in pages})
                   .values_list("article_id", "page_url"))
    new = [key for key in pages if key not in existing]
    for key in new[pixel.MAX_NEW_PAGES:]:
        dropped = pages.pop(key)
        for daily_key in [k for k in daily if k[1] == dropped["article"] and k[2] == dropped["domain"]]:
            daily[daily_key] -= dropped["views"]
    rows_add(Republication, pages.values(), unique=["article", "page_url"], add=["views"], replace=["last_seen"])
    rows_add(DailyRepublicationViews,
             [{"day": d, "article": a, "domain": dom, "partner_pk": p, "views": n}
              for (d, a, dom, p), n in daily.items() if n > 0],
             unique=["day", "article", "domain", "partner_pk"], add=["views"])
    return sum(row["views"] for row in pages.values())


# --- sharing -----------------------------------------------------------------------------------

def share_email_send(*, article, recipient: str, sender_name: str, note: str = "", ip: str = "") -> None:
    """Send the fixed "a friend shared an article" mail to one address."""
    if has_line_break(recipient, sender_name, note):
        raise Refused("Line breaks are not allowed in these fields.")
    recipient, sender_name, note = recipient.strip(), sender_name.strip()[:80], note.strip()[:300]
    if name_has_address(sender_name):
        raise Refused("Web addresses are not allowed in your name.")
    keys = [f"share:ip:{ip}", f"share:from:{sender_name.casefold()}", f"share:to:{email_key(recipient)}"]
    if not ratelimit_hit_all(keys, settings.ENGAGEMENT_SHARE_LIMIT, HOUR):
        raise RateLimited("You have shared a lot of articles in the last hour. Please try again later.")
    try:
        mail.send(
            template="engagement/email/share",
            context={"article": article, "url": article.canonical_url(), "sender_name": sender_name,
                     "note": note, "site_name": settings.SITE_NAME},
            to=[recipient],
        )
    except Exception as exc:  # noqa: BLE001 - the reader sees a polite failure, we see the log
        log.warning("share mail to %s failed: %s", recipient, exc)
        raise Refused("We could not send the email just now. Please try again later.") from exc


# --- comments ----------------------------------------------------------------------------------

def comment_submit(*, article, name: str, email: str, text: str, parent_id: int | None = None,
                   ip: str | None = None, vouched_comment_id: int | None = None) -> Comment:
    """Store a comment: at once visible when the reader proves an approved comment is theirs, else
    held for moderation.

    The typed address proves nothing (anyone can type anyone's), so trust comes from
    `vouched_comment_id`: the id in the signed cookie given to the browser that wrote it.
    """
    if not article.comments_open:
        raise Refused("Comments are closed for this article.")
    key = email_key(email)
    if BannedAddress.objects.filter(email=key).exists():
        raise Refused("Comments from this address are not accepted.")
    if link_count(text) > MAX_LINKS:
        raise Refused(f"A comment may contain at most {MAX_LINKS} links.")
    if not ratelimit_hit_all([f"comment:ip:{ip}", f"comment:from:{key}"], settings.ENGAGEMENT_COMMENT_LIMIT, HOUR):
        raise RateLimited("You have posted several comments in a short time. Please try again later.")
    parent = None
    if parent_id:
        parent = Comment.objects.filter(pk=parent_id, article=article, status=Comment.Status.APPROVED).first()
        if parent is None:
            raise Refused("The comment you replied to is not there any more.")
        if parent.parent_id:  # replies stay one level deep
            parent = parent.parent
    trusted = vouched_comment_id is not None and Comment.objects.filter(
        pk=vouched_comment_id, email_key=key, status=Comment.Status.APPROVED).exists()
    comment = Comment.objects.create(
        article=article, parent=parent, name=name.strip()[:80], email=email.strip(), text=text.strip(),
        ip=ip or None, status=Comment.Status.APPROVED if trusted else Comment.Status.PENDING,
    )
    if trusted:
        pagecache_purge_article(article)
    return comment


def _comments_moderate(comment_ids: list[int], *, status: str, user=None) -> int:
    comments = Comment.objects.filter(pk__in=comment_ids).exclude(status=status)
    articles = {c.article for c in comments.select_related("article")}
    count = comments.update(status=status, moderated_at=timezone.now(), moderated_by=user)
    for article in articles:
        pagecache_purge_article(article)
    return count


def comment_approve(*, comment_ids: list[int], user=None) -> int:
    return _comments_moderate(comment_ids, status=Comment.Status.APPROVED, user=user)


def comment_reject(*, comment_ids: list[int], user=None) -> int:
    return _comments_moderate(comment_ids, status=Comment.Status.REJECTED, user=user)


def address_ban(*, email: str, reason: str = "", user=None) -> BannedAddress:
    """Refuse future comments from an address and take down all it has posted."""
    banned, _ = BannedAddress.objects.get_or_create(email=email_key(email), defaults={"reason": reason[:300]})
    ids = list(Comment.objects.filter(email_key=email_key(email)).values_list("pk", flat=True))
    comment_reject(comment_ids=ids, user=user)
    return banned


# --- permission requests -----------------------------------------------------------------------

def permission_request_submit(*, article=None, name: str, email: str, organisation: str, use: str,
                              message: str, ip: str = "") -> PermissionRequest:
    if not ratelimit_hit_all([f"permission:ip:{ip}"], settings.ENGAGEMENT_FORM_LIMIT, HOUR):
        raise RateLimited("You have sent several requests in the last hour. Please try again later.")
    request = PermissionRequest.objects.create(
        article=article, name=name.strip(), email=email.strip(), organisation=organisation.strip(),
        use=use, message=message.strip(),
    )
    config = engagement_settings()
    to = config.permissions_email or media_inquiries_email()
    if to:
        _send_quietly(template="engagement/email/permission_request", to=[to], reply_to=request.email,
                      context={"request": request, "admin_url": _admin_url("engagement_permission", request.pk)})
    return request


def permission_request_answer(*, request_id: int, approve: bool, message: str = "", user=None) -> bool:
    """Approve or deny a pending request and mail the requester. False if it was already answered."""
    status = PermissionRequest.Status.APPROVED if approve else PermissionRequest.Status.DENIED
    try:
        # Recorded only once the answer is mailed: an answer the requester never received must
        # stay open for the editor to send again.
        with transaction.atomic():
            answered = PermissionRequest.objects.filter(pk=request_id, status=PermissionRequest.Status.PENDING).update(
                status=status, answer=message.strip(), answered_at=timezone.now(), answered_by=user
            )
            if not answered:
                return False
            request = PermissionRequest.objects.select_related("article").get(pk=request_id)
            mail.send(
                template="engagement/email/permission_answer",
                context={"request": request, "approved": approve, "site_name": settings.SITE_NAME,
                         "article_url": request.article.canonical_url() if request.article else ""},
                to=[request.email],
            )
    except (OSError, UnicodeError) as exc:  # smtplib's errors are OSErrors
        log.warning("permission answer %s not mailed: %s", request_id, exc)
        raise Refused(f"The answer could not be mailed ({exc}); nothing was recorded. Please try again.") from exc
    return True


# --- contact forms -----------------------------------------------------------------------------

def contact_message_submit(*, kind: str, name: str, email: str, subject: str, message: str,
                           organisation: str = "", ip: str = "") -> ContactMessage:
    if not ratelimit_hit_all([f"contact:ip:{ip}"], settings.ENGAGEMENT_FORM_LIMIT, HOUR):
        raise RateLimited("You have sent several messages in the last hour. Please try again later.")
    if has_line_break(name, subject, organisation):
        raise Refused("Line breaks are not allowed in the name, organisation or subject.")
    saved = ContactMessage.objects.create(
        kind=kind, name=name.strip(), email=email.strip(), organisation=organisation.strip(),
        subject=subject.strip(), message=message.strip(),
    )
    config = engagement_settings()
    to = media_inquiries_email() if kind == ContactMessage.Kind.MEDIA else config.feedback_email
    if to:
        _send_quietly(template="engagement/email/contact", to=[to], reply_to=saved.email,
                      context={"message": saved, "admin_url": _admin_url("engagement_messages", None)})
    return saved


def _admin_url(name: str, pk: int | None) -> str:
    from django.urls import reverse

    return settings.WAGTAILADMIN_BASE_URL + reverse(name, args=[pk] if pk else [])


def _send_quietly(*, template: str, to: list[str], reply_to: str, context: dict[str, Any]) -> None:
    """Tell editors; the message is stored already, so a mail outage must not lose the reader's work."""
    try:
        mail.send(template=template, context={**context, "site_name": settings.SITE_NAME}, to=to,
                  headers={"Reply-To": reply_to})
    except Exception as exc:  # noqa: BLE001
        log.warning("mail to editors (%s) failed: %s", template, exc)


# --- webhooks ----------------------------------------------------------------------------------

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
    from newsroom.models import ArticlePage

    article = page.specific
    if not isinstance(article, ArticlePage):
        return []
    body = json.dumps(webhook_payload(article), separators=(",", ":"), ensure_ascii=False)
    created = []
    for endpoint in WebhookEndpoint.objects.filter(active=True):
        delivery, is_new = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint, article=article, event=EVENT_PUBLISHED,
            defaults={"payload": body, "next_attempt_at": timezone.now()},
        )
        if is_new:
            created.append(delivery)
    if created:
        ids = [d.pk for d in created]
        transaction.on_commit(lambda: _webhook_schedule(ids))
    return created


def webhook_enqueue_corrections(*, page) -> list[WebhookDelivery]:
    """Queue `article.corrected` once per endpoint for each live correction of the article.

    The delivery's event column names the note ("article.corrected:<uid>"), so its uniqueness
    sends every correction once however often the article is published again.
    """
    from wagtail.rich_text import expand_db_html

    article = page.specific
    created = []
    for note in article.corrections.all():
        payload = {**webhook_payload(article), "event": EVENT_CORRECTED,
                   "correction": {"kind": note.kind, "date": note.date.isoformat(), "text": expand_db_html(note.text)}}
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        for endpoint in WebhookEndpoint.objects.filter(active=True):
            delivery, is_new = WebhookDelivery.objects.get_or_create(
                endpoint=endpoint, article=article, event=f"{EVENT_CORRECTED}:{note.uid.hex}",
                defaults={"payload": body, "next_attempt_at": timezone.now()},
            )
            if is_new:
                created.append(delivery)
    if created:
        ids = [d.pk for d in created]
        transaction.on_commit(lambda: _webhook_schedule(ids))
    return created


def _webhook_schedule(ids: list[int], run_after: datetime.datetime | None = None) -> None:
    from engagement.tasks import deliver_webhook

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
        return WebhookDelivery.Status.DELIVERED
    if not retry or delivery.attempts >= settings.ENGAGEMENT_WEBHOOK_ATTEMPTS:
        leases.release(ours, status=WebhookDelivery.Status.FAILED, last_error=error[:500], next_attempt_at=None)
        return WebhookDelivery.Status.FAILED
    retry_at = timezone.now() + leases.backoff(delivery.attempts)
    leases.release(ours, status=WebhookDelivery.Status.PENDING, last_error=error[:500], next_attempt_at=retry_at)
    _webhook_schedule([delivery_id], run_after=retry_at)
    return WebhookDelivery.Status.PENDING


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
