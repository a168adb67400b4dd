"""Republication of our articles by others: the views their copies' pixels count, and the requests
for permission to republish that editors answer.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crosspost.lib import email as mail
from crosspost.lib.ratelimit import ratelimit_hit_all
from crosspost.lib.upsert import rows_add
from engagement import pixel
from engagement.models import DailyRepublicationViews, Partner, PermissionRequest, Republication
from engagement.services import (
    HOUR,
    RateLimited,
    Refused,
    admin_url,
    editors_notify,
    engagement_settings,
    media_inquiries_email,
)

log = logging.getLogger(__name__)

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
        day_key = (datetime.date.fromisoformat(day), article_id, domain, partner_id)
        daily[day_key] = daily.get(day_key, 0) + views
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
        editors_notify(template="engagement/email/permission_request", to=[to], reply_to=request.email,
                      context={"request": request, "admin_url": admin_url("engagement_permission", request.pk)})
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
