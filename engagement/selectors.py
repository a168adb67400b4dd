"""Reads for engagement: what an article page shows, and the republication listing."""

from __future__ import annotations

import datetime
from urllib.parse import quote, urlencode

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from engagement.models import Comment, DailyRepublicationViews, Partner, Republication
from newsroom.models import ArticlePage


def share_links(article) -> list[tuple[str, str, str]]:
    """(key, label, URL) for each network's own share page; no third-party script involved."""
    url = article.canonical_url()
    title = article.title
    text = f"{title} {url}"
    return [
        ("email", "Email", f"mailto:?subject={quote(title)}&body={quote(text)}"),
        ("x", "X", "https://x.com/intent/post?" + urlencode({"text": title, "url": url})),
        ("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("telegram", "Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
        ("whatsapp", "WhatsApp", "https://wa.me/?" + urlencode({"text": text})),
        ("bluesky", "Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": text})),
        ("linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
    ]


def comments_for_article(article) -> list[Comment]:
    """Approved top-level comments, oldest first, each with its approved replies prefetched.

    `fediverse_reply` (federation's record of a reply that came from Mastodon and its kin) is
    joined in, so marking those comments costs no query per comment.
    """
    approved = Comment.objects.filter(status=Comment.Status.APPROVED).select_related("fediverse_reply")
    return list(
        approved.filter(article=article, parent=None).prefetch_related(
            Prefetch("replies", queryset=approved.order_by("created_at", "pk"), to_attr="approved_replies")
        )
    )


def republications(*, article_id: int | None = None) -> QuerySet[Republication]:
    rows = Republication.objects.select_related("article", "partner").order_by("-views", "-last_seen")
    if article_id is not None:
        rows = rows.filter(article_id=article_id)
    return rows


def republication_rows(*, article_id: int | None = None) -> list[dict]:
    return [
        {
            "article_id": r.article_id,
            "article": r.article.title,
            "domain": r.domain,
            "page_url": r.page_url,
            "partner": r.partner.name if r.partner else None,
            "views": r.views,
            "first_seen": r.first_seen.isoformat(),
            "last_seen": r.last_seen.isoformat(),
        }
        for r in republications(article_id=article_id)
    ]


def republication_report(*, days: int = 30, article_id: int | None = None,
                         today: datetime.date | None = None) -> dict:
    """Views of republished copies per day, and the top articles, sites and partners, from daily rows."""
    end = today or timezone.localdate()
    start = end - datetime.timedelta(days=max(days, 1) - 1)
    rows = DailyRepublicationViews.objects.filter(day__range=(start, end))
    if article_id is not None:
        rows = rows.filter(article_id=article_id)
    per_day = dict(rows.values_list("day").annotate(views=Sum("views")).order_by())
    series = [{"day": (start + datetime.timedelta(days=n)).isoformat(),
               "views": per_day.get(start + datetime.timedelta(days=n), 0)} for n in range((end - start).days + 1)]
    articles = list(rows.values("article_id").annotate(views=Sum("views")).order_by("-views", "article_id")[:20])
    titles = dict(ArticlePage.objects.filter(pk__in=[a["article_id"] for a in articles]).values_list("pk", "title"))
    partners_rows = list(rows.exclude(partner_pk=0).values("partner_pk").annotate(views=Sum("views"))
                         .order_by("-views")[:20])
    names = dict(Partner.objects.filter(pk__in=[p["partner_pk"] for p in partners_rows]).values_list("pk", "name"))
    return {
        "from": start.isoformat(), "to": end.isoformat(),
        "views": sum(d["views"] for d in series),
        "days": series,
        "articles": [{"article_id": a["article_id"], "title": titles.get(a["article_id"], "(deleted article)"),
                      "views": a["views"]} for a in articles],
        "domains": [{"domain": d["domain"] or "(no referrer)", "views": d["views"]} for d in
                    rows.values("domain").annotate(views=Sum("views")).order_by("-views", "domain")[:20]],
        "partners": [{"partner": names.get(p["partner_pk"], "(deleted partner)"), "views": p["views"]}
                     for p in partners_rows],
    }
