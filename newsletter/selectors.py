"""Reads for the newsletter's public pages and the editors' stats: the archive, per-digest figures."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from newsletter import rendering
from newsletter.models import Delivery, Digest, DigestClick, Newsletter


def archive_sent() -> QuerySet[Digest]:
    """Issues of public lists that went out with at least one article, newest first.

    Round-ups are not in the archive: each repeats issues already there, and an archive page is
    addressed by list and day, which on a round-up's day is that day's issue.
    """
    return (Digest.objects.filter(newsletter__public=True, kind=Digest.Kind.ISSUE, recipients_ready_at__isnull=False,
                                  items__isnull=False).distinct().select_related("newsletter").order_by("-date", "-pk"))


def archive_latest(limit: int = 5) -> list[Digest]:
    return list(archive_sent()[:limit])


def archive_lists() -> list[tuple[Newsletter, list[Digest]]]:
    return [(n, list(archive_sent().filter(newsletter=n)[:10])) for n in Newsletter.objects.filter(public=True)]


def archive_newsletter(slug: str) -> Newsletter:
    newsletter = Newsletter.objects.filter(slug=slug, public=True).first()
    if newsletter is None:
        raise Http404("no such newsletter")
    return newsletter


def archive_digests(newsletter: Newsletter, *, language: str = "", limit: int = 100) -> list[Digest]:
    digests = list(archive_sent().filter(newsletter=newsletter)[:limit])
    return [d for d in digests if language in d.languages] if language else digests


def archive_digest(slug: str, date: str, *, language: str) -> Digest:
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        raise Http404("not a date") from None
    digest = archive_sent().filter(newsletter=archive_newsletter(slug), date=day).first()
    if digest is None or language not in digest.languages:
        raise Http404("no issue of that day in this language")
    return digest


def archive_digest_context(digest: Digest, *, language: str) -> dict[str, Any]:
    context = rendering.digest_context(
        articles=rendering.digest_articles(digest), date=digest.date, language=language, unsubscribe="",
        newsletter=digest.newsletter, digest=digest, web=True)
    return {**context, "digest": digest, "newsletter": digest.newsletter,
            "other_languages": [code for code in digest.languages if code != language]}


def archive_digest_url(digest: Digest, language: str) -> str:
    with translation.override(language):
        return reverse("newsletter:archive_digest", kwargs={"slug": digest.newsletter.slug,
                                                            "date": digest.date.isoformat()})


# ---- stats --------------------------------------------------------------------------------------


def digests_stats(*, newsletter: Newsletter | None = None, limit: int = 30) -> list[dict[str, Any]]:
    """Per sent digest: delivered, bounced, complaints, unsubscribes, clicks (and opens when
    tracked), newest first. A bounded number of queries whatever the list's size."""
    digests = Digest.objects.filter(recipients_ready_at__isnull=False).select_related("newsletter")
    if newsletter is not None:
        digests = digests.filter(newsletter=newsletter)
    sent = Q(deliveries__status=Delivery.Status.SENT)
    rows = list(digests.order_by("-date", "-pk").annotate(
        delivered=Count("deliveries", filter=sent),
        failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
        waiting=Count("deliveries", filter=Q(deliveries__status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])),
        bounced=Count("deliveries", filter=Q(deliveries__bounced=True)),
        complaints=Count("deliveries", filter=Q(deliveries__complained=True)),
        opens=Count("deliveries", filter=Q(deliveries__opened_at__isnull=False)),
    )[:limit])
    ids = [d.pk for d in rows]
    unsubscribes = dict(Digest.objects.filter(pk__in=ids).annotate(n=Count("unsubscribes")).values_list("pk", "n"))
    clicks = dict(DigestClick.objects.filter(digest_id__in=ids).values("digest_id").annotate(n=Sum("clicks"))
                  .values_list("digest_id", "n"))
    return [{
        "digest": d, "newsletter": d.newsletter, "date": d.date, "delivered": d.delivered, "failed": d.failed,
        "waiting": d.waiting, "bounced": d.bounced, "complaints": d.complaints,
        "unsubscribes": unsubscribes.get(d.pk, 0), "clicks": clicks.get(d.pk, 0),
        "opens": d.opens if d.newsletter.open_tracking else None,
    } for d in rows]


def digest_clicks(digest: Digest) -> list[tuple[Any, int]]:
    """Clicks per article of one digest, in the digest's order (articles never clicked: 0)."""
    counts = dict(DigestClick.objects.filter(digest=digest).values_list("article_id", "clicks"))
    return [(item.article, counts.get(item.article_id, 0))
            for item in digest.items.select_related("article").order_by("position")]


def stats_chart(rows: list[dict[str, Any]], *, width: int = 600, height: int = 160) -> dict[str, Any]:
    """Bars of delivered copies and a line of clicks per digest, oldest on the left, as SVG numbers."""
    rows = list(reversed(rows))
    if not rows:
        return {"bars": [], "points": "", "width": width, "height": height}
    top = max(max(r["delivered"] for r in rows), 1)
    top_clicks = max(max(r["clicks"] for r in rows), 1)
    step = width / len(rows)
    bars, points = [], []
    for n, row in enumerate(rows):
        bar = row["delivered"] / top * (height - 20)
        bars.append({"x": round(n * step + step * 0.15, 1), "y": round(height - bar, 1), "w": round(step * 0.7, 1),
                     "h": round(bar, 1), "label": f"{row['newsletter'].name} {row['date']:%Y-%m-%d}: "
                                                   f"{row['delivered']} delivered, {row['clicks']} clicks"})
        y = height - row["clicks"] / top_clicks * (height - 20)
        points.append(f"{n * step + step / 2:.1f},{y:.1f}")
    return {"bars": bars, "points": " ".join(points), "width": width, "height": height,
            "top": top, "top_clicks": top_clicks}


def archive_languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]
