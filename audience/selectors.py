"""Reads for audience: the report over a range of days, from the daily rows only.

Every figure is one aggregate query over an indexed range of daily rows (no per-view data
exists); views per author, section and own/repost were added up at flush time, so no figure
joins the article tables (bench/audience_reports.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.utils import timezone

from audience.models import DailyArticleViews, DailyBreakdown, DailySiteViews

TOP = 20


@dataclass(frozen=True)
class Range:
    start: datetime.date
    end: datetime.date

    @classmethod
    def last(cls, days: int, *, today: datetime.date | None = None) -> Range:
        end = today or timezone.localdate()
        return cls(end - datetime.timedelta(days=max(days, 1) - 1), end)

    @property
    def days(self) -> list[datetime.date]:
        return [self.start + datetime.timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def site_series(span: Range) -> list[dict]:
    """Views and visitors per day, every day of the range (days without views show 0)."""
    rows = {r.day: r for r in DailySiteViews.objects.filter(day__range=(span.start, span.end))}
    return [{"day": day.isoformat(), "views": rows[day].views if day in rows else 0,
             "visitors": rows[day].visitors if day in rows else 0} for day in span.days]


def _articles(span: Range) -> QuerySet:
    return DailyArticleViews.objects.filter(day__range=(span.start, span.end))


def top_articles(span: Range, *, limit: int = TOP) -> list[dict]:
    from newsroom.models import ArticlePage

    rows = list(_articles(span).values("article_id").annotate(views=Sum("views")).order_by("-views", "article_id")[:limit])
    pages = ArticlePage.objects.filter(pk__in=[r["article_id"] for r in rows]).select_related("publication")
    found = {page.pk: page for page in pages.only("id", "title", "url_path", "publication__name")}
    return [{"article_id": r["article_id"], "title": found[r["article_id"]].title if r["article_id"] in found
             else "(deleted article)", "url": found[r["article_id"]].url if r["article_id"] in found else "",
             "repost": bool(found.get(r["article_id"]) and found[r["article_id"]].publication_id),
             "views": r["views"]} for r in rows]


def breakdown(span: Range, dimension: str, *, limit: int = TOP) -> list[dict]:
    rows = (DailyBreakdown.objects.filter(dimension=dimension, day__range=(span.start, span.end))
            .values("value").annotate(views=Sum("views")).order_by("-views", "value")[:limit])
    return [{"value": r["value"], "views": r["views"]} for r in rows]


def own_and_reposts(span: Range) -> list[dict]:
    return [{"kind": r["value"], "views": r["views"]} for r in breakdown(span, DailyBreakdown.Dimension.KIND)]


def _titled(span: Range, dimension: str, *, key: str, label: str, limit: int = TOP) -> list[dict]:
    """A page-id breakdown (author, region, ...) with the pages' titles, in one more query."""
    from wagtail.models import Page

    rows = breakdown(span, dimension, limit=limit)
    ids = [int(r["value"]) for r in rows if r["value"].isdigit()]
    titles = dict(Page.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [{key: int(r["value"]), label: titles.get(int(r["value"]), "(deleted page)"), "views": r["views"]}
            for r in rows if r["value"].isdigit()]


def per_author(span: Range, *, limit: int = TOP) -> list[dict]:
    return _titled(span, DailyBreakdown.Dimension.AUTHOR, key="author_id", label="author", limit=limit)


def per_section(span: Range, dimension: str, *, limit: int = TOP) -> list[dict]:
    """Views per region, theme or dossier (`dimension` is the breakdown's name for it)."""
    return _titled(span, dimension, key="section_id", label="section", limit=limit)


def audience_report(*, days: int = 30, today: datetime.date | None = None) -> dict:
    """Everything the report screen, its CSV and `crosspost stats --json` show."""
    span = Range.last(days, today=today)
    series = site_series(span)
    return {
        "from": span.start.isoformat(),
        "to": span.end.isoformat(),
        "views": sum(d["views"] for d in series),
        # Visitors are unique per day; over several days the same reader counts once a day.
        "visitor_days": sum(d["visitors"] for d in series),
        "days": series,
        "top_articles": top_articles(span),
        "referrers": breakdown(span, DailyBreakdown.Dimension.REFERRER),
        "referring_sites": breakdown(span, DailyBreakdown.Dimension.DOMAIN),
        "languages": breakdown(span, DailyBreakdown.Dimension.LANGUAGE),
        "devices": breakdown(span, DailyBreakdown.Dimension.DEVICE),
        "countries": breakdown(span, DailyBreakdown.Dimension.COUNTRY),
        "own_and_reposts": own_and_reposts(span),
        "authors": per_author(span),
        "regions": per_section(span, DailyBreakdown.Dimension.REGION),
        "themes": per_section(span, DailyBreakdown.Dimension.THEME),
        "dossiers": per_section(span, DailyBreakdown.Dimension.DOSSIER),
    }
