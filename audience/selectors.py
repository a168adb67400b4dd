"""Reads for audience: the report over a range of days, from the pre-aggregated rows only.

No per-view data exists; views per article, author, section and own/repost were added up at
flush time, so no figure joins the article tables. A top list over a long range (a year of an
archive read in a long tail) would add up millions of daily rows, so `top_values` reads the
range as whole months (MonthlyBreakdown) and the days at its edges, takes the first rows of each
of those periods by index, and proves the result exact before answering (bench/audience_reports.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone

from audience.models import DailyBreakdown, DailySiteViews, MonthlyBreakdown

TOP = 20
MAX_DEPTH = 20_000  # rows per period looked at before adding everything up instead
MAX_CANDIDATES = 5_000  # values looked up by name in one query (SQLite's parameter limit is 32,766)


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


def _periods(span: Range) -> tuple[list[datetime.date], list[datetime.date]]:
    """The range as the whole months inside it (their first days) and the days left over."""
    months, days = [], []
    day = span.start
    while day <= span.end:
        following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        if day.day == 1 and following - datetime.timedelta(days=1) <= span.end:
            months.append(day)
            day = following
        else:
            days.append(day)
            day += datetime.timedelta(days=1)
    return months, days


def _heads(dimension: str, months: list[datetime.date], days: list[datetime.date], depth: int) -> list[list]:
    """The `depth` largest (value, views) of every period, in one statement (an index walk each)."""
    from django.db import connection

    quote = connection.ops.quote_name
    parts, params = [], []
    for model, column, periods in ((MonthlyBreakdown, "month", months), (DailyBreakdown, "day", days)):
        table = quote(model._meta.db_table)
        for period in periods:
            parts.append(f"SELECT * FROM (SELECT %s AS p, value, views FROM {table} WHERE dimension = %s "
                         f"AND {column} = %s ORDER BY views DESC LIMIT {int(depth)}) AS h{len(parts)}")
            params += [len(parts), dimension, period]
    heads: list[list] = [[] for _ in parts]
    with connection.cursor() as cursor:
        for start in range(0, len(parts), 400):  # SQLite allows 500 SELECTs in one compound statement
            cursor.execute(" UNION ALL ".join(parts[start:start + 400]), params[start * 3:(start + 400) * 3])
            for period, value, views in cursor.fetchall():
                heads[period - 1].append((value, views))
    return heads


def _sums(dimension: str, span: Range, *, months: list[datetime.date], days: list[datetime.date],
          values: set[str] | None = None) -> dict[str, int]:
    """Each value's views over the range, from the monthly rows and the edge days' rows."""
    totals: dict[str, int] = {}
    for model, column, periods in ((MonthlyBreakdown, "month", months), (DailyBreakdown, "day", days)):
        if not periods:
            continue
        rows = model.objects.filter(Q(dimension=dimension), **{f"{column}__in": periods})
        if values is not None:
            rows = rows.filter(value__in=values)
        for value, views in rows.values("value").annotate(n=Sum("views")).values_list("value", "n"):
            totals[value] = totals.get(value, 0) + views
    return totals


def top_values(span: Range, dimension: str, *, limit: int = TOP) -> list[dict]:
    """The `limit` values with the most views over the range, exactly as a sum of every daily row
    would rank them (most views first, then by value).

    A value missing from a period's first `depth` rows has at most that period's last row's views
    there, so no value outside the candidates can beat `bound`, the sum of those last rows. When the
    candidates' `limit`-th exact total is above it, the list is proven; otherwise look deeper, and
    in the end add everything up.
    """
    months, days = _periods(span)
    depth = max(4 * limit, 50)
    while depth <= MAX_DEPTH:
        heads = _heads(dimension, months, days, depth)
        complete = all(len(rows) < depth for rows in heads)
        bound = sum(rows[-1][1] for rows in heads if len(rows) == depth)
        candidates = {value for rows in heads for value, _ in rows}
        if len(candidates) > MAX_CANDIDATES:
            break
        totals = _sums(dimension, span, months=months, days=days, values=candidates) if candidates else {}
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]
        if complete or (len(ranked) == limit and ranked[-1][1] > bound):
            return [{"value": value, "views": views} for value, views in ranked]
        depth *= 8
    totals = _sums(dimension, span, months=months, days=days)
    return [{"value": v, "views": n} for v, n in sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]]


def top_articles(span: Range, *, limit: int = TOP) -> list[dict]:
    from newsroom.models import ArticlePage

    rows = [{"article_id": int(r["value"]), "views": r["views"]}
            for r in top_values(span, DailyBreakdown.Dimension.ARTICLE, limit=limit) if r["value"].isdigit()]
    pages = ArticlePage.objects.filter(pk__in=[r["article_id"] for r in rows]).select_related("publication")
    found = {page.pk: page for page in pages.only("id", "title", "url_path", "publication__name")}
    return [{"article_id": r["article_id"], "title": found[r["article_id"]].title if r["article_id"] in found
             else "(deleted article)", "url": found[r["article_id"]].url if r["article_id"] in found else "",
             "repost": bool(found.get(r["article_id"]) and found[r["article_id"]].publication_id),
             "views": r["views"]} for r in rows]


def breakdown(span: Range, dimension: str, *, limit: int = TOP) -> list[dict]:
    return top_values(span, dimension, limit=limit)


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
