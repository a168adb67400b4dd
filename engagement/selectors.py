"""Reads for engagement: what an article page shows, and the republication listing."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.db.models import Prefetch, QuerySet

from engagement.models import Comment, Republication


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
    """Approved top-level comments, oldest first, each with its approved replies prefetched."""
    approved = Comment.objects.filter(status=Comment.Status.APPROVED)
    return list(
        approved.filter(article=article, parent=None).prefetch_related(
            Prefetch("replies", queryset=approved.order_by("created_at", "pk"), to_attr="approved_replies")
        )
    )


def republications(*, article_id: int | None = None) -> QuerySet[Republication]:
    rows = Republication.objects.select_related("article").order_by("-views", "-last_seen")
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
            "views": r.views,
            "first_seen": r.first_seen.isoformat(),
            "last_seen": r.last_seen.isoformat(),
        }
        for r in republications(article_id=article_id)
    ]
