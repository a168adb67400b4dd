"""Reads for audience: the report over a range of days, from the pre-aggregated rows only.

No per-view data exists; views per article, author, section and own/repost were added up at
flush time, so no figure joins the article tables. A top list over a long range (a year of an
archive read in a long tail) would add up millions of daily rows, so `top_values` reads the
range as whole months (MonthlyBreakdown) and the days at its edges, walks each period's rows
from the most read down by index only as far as a bound proves necessary, and adds up exactly
only the values that can still make the list (bench/audience_reports.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from audience.models import DailyBreakdown, DailySiteViews, MonthlyBreakdown

TOP = 20
MAX_ROWS = 20_000  # rows of one period read before adding everything up instead
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


@dataclass(frozen=True)
class Periods:
    """A range as rows to read: `months` (first days) whose monthly rows count, `days` whose daily
    rows count, and `minus`, days outside the range inside a month of `months` (its `partial` ones),
    whose daily rows are taken off again."""

    months: list[datetime.date]
    days: list[datetime.date]
    minus: list[datetime.date]

    @property
    def partial(self) -> set[datetime.date]:
        return {day.replace(day=1) for day in self.minus}


def _months(span: Range) -> list[tuple[list[datetime.date], list[datetime.date]]]:
    """Each month the range touches: its days inside the range, and those outside."""
    months = []
    first = span.start.replace(day=1)
    while first <= span.end:
        following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        month = [first + datetime.timedelta(days=n) for n in range((following - first).days)]
        months.append(([d for d in month if span.start <= d <= span.end],
                       [d for d in month if not span.start <= d <= span.end]))
        first = following
    return months


def _periods(span: Range) -> Periods:
    """Whole months from the monthly rows, other days from the daily rows; in a range holding a
    whole month, a month it covers all but a few days of is its monthly row less those days."""
    touched = _months(span)
    whole = any(not outside for _, outside in touched)
    months, days, minus = [], [], []
    for inside, outside in touched:
        if not outside or (whole and len(outside) < min(len(inside), 8)):
            months.append(inside[0].replace(day=1))
            minus += outside
        else:
            days += inside
    return Periods(months, days, minus)


def _tables(periods: Periods) -> list[tuple[str, str, datetime.date]]:
    """Each period as (table, date column, date): the months' rows, then the days'."""
    from django.db import connection

    quote = connection.ops.quote_name
    return [(quote(model._meta.db_table), column, period)
            for model, column, dates in ((MonthlyBreakdown, "month", periods.months),
                                         (DailyBreakdown, "day", periods.days))
            for period in dates]


def _rows(dimension: str, tables: list[tuple[str, str, datetime.date]], *, least: list[int] | None = None,
          limit: int) -> list[list[tuple[str, int]]]:
    """Each period's (value, views) rows, most views first: at most `limit`, and only those with at
    least `least[i]` views if given. One statement per 400 periods, an index walk each."""
    from django.db import connection

    parts, params = [], []
    for n, (table, column, period) in enumerate(tables):
        floor = " AND views >= %s" if least else ""
        parts.append(f"SELECT * FROM (SELECT {n} AS p, value, views FROM {table} WHERE dimension = %s "
                     f"AND {column} = %s{floor} ORDER BY views DESC LIMIT {int(limit)}) AS h{n}")
        params.append([dimension, period, *([least[n]] if least else [])])
    found: list[list[tuple[str, int]]] = [[] for _ in parts]
    with connection.cursor() as cursor:
        for start in range(0, len(parts), 400):  # SQLite allows 500 SELECTs in one compound statement
            cursor.execute(" UNION ALL ".join(parts[start:start + 400]),
                           [v for chunk in params[start:start + 400] for v in chunk])
            for period, value, views in cursor.fetchall():
                found[period].append((value, views))
    return found


def _sums(dimension: str, periods: Periods, *, values: set[str] | None = None) -> dict[str, int]:
    """Each value's views over the range: its monthly rows and days' rows, less the days outside.
    Plain SQL: the ORM would spend longer compiling thousands of values than the database reading them."""
    from django.db import connection

    quote = connection.ops.quote_name
    totals: dict[str, int] = {}
    chunks = [None] if values is None else [sorted(values)[n:n + MAX_CANDIDATES]
                                            for n in range(0, len(values), MAX_CANDIDATES)]
    for chunk in chunks:
        parts, params = [], []
        for model, column, dates, sign in ((MonthlyBreakdown, "month", periods.months, ""),
                                           (DailyBreakdown, "day", periods.days, ""),
                                           (DailyBreakdown, "day", periods.minus, "-")):
            if not dates:
                continue
            # A VALUES list, which PostgreSQL joins to (dimension, value, month) by index where it
            # would scan the table for a long IN list; the months are one run, so a range.
            named = f" AND value IN (VALUES {', '.join(['(%s)'] * len(chunk))})" if chunk is not None else ""
            within = (f"{column} BETWEEN %s AND %s" if column == "month" else
                      f"{column} IN ({', '.join(['%s'] * len(dates))})")
            parts.append(f"SELECT value, {sign}views AS views FROM {quote(model._meta.db_table)} WHERE dimension = %s "
                         f"AND {within}{named}")
            params += [dimension, *([min(dates), max(dates)] if column == "month" else dates), *(chunk or [])]
        if not parts:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value, SUM(views) FROM ({' UNION ALL '.join(parts)}) AS r GROUP BY value", params)
            for value, views in cursor.fetchall():
                totals[value] = totals.get(value, 0) + int(views)
    return {value: views for value, views in totals.items() if views}


def _ranked(totals: dict[str, int], limit: int) -> list[dict]:
    return [{"value": v, "views": n} for v, n in sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]]


def _cuts(heads: list[list[tuple[str, int]]], open_: list[int], budget: int, limit: int) -> dict[int, int]:
    """Each open period's cut, with Σ(cut − 1) ≤ budget. A day's rows fall off steeply to a flat
    tail (the archive read a few times a day) that a low cut would read whole, so such periods
    keep cuts above their first rows' last while that takes at most half the budget; the others
    (months, whose tails add up to more) share the rest by their `limit`-th row."""
    days = sorted((i for i in open_ if heads[i][-1][1] * 8 < heads[i][0][1]), key=lambda i: heads[i][-1][1])
    cut: dict[int, int] = {}
    spent = 0
    for i in days:
        if spent + heads[i][-1][1] > budget // 2:
            break
        cut[i] = heads[i][-1][1] + 1
        spent += heads[i][-1][1]
    rest = [i for i in open_ if i not in cut]
    weights = {i: heads[i][min(limit, len(heads[i])) - 1][1] for i in rest}
    total = sum(weights.values()) or 1
    cut.update({i: 1 + (budget - spent) * weights[i] // total for i in rest})
    return cut


def top_values(span: Range, dimension: str, *, limit: int = TOP) -> list[dict]:
    """The `limit` values with the most views over the range, exactly as a sum of every daily row
    would rank them (most views first, then by value).

    The first rows of every period (a month or a day) give each value a part of its total, so
    the `limit`-th largest part, `floor`, is at most the `limit`-th total (a partial month's row
    may hold views from outside the range, so it gives no part). Then each period's rows with at
    least `cut[i]` views are read, the cuts chosen so that Σ(cut − 1) stays below `floor`: a value
    never read has less than `floor` in all and cannot make the list. A value read in some periods
    has at most `cut − 1` in each of the others; only those whose best case reaches the
    `limit`-th largest known part are added up exactly.
    """
    periods = _periods(span)
    tables = _tables(periods)
    partial = {i for i, (_, column, date) in enumerate(tables) if column == "month" and date in periods.partial}
    depth = max(4 * limit, 50)
    heads = _rows(dimension, tables, limit=depth)
    open_ = [i for i, rows in enumerate(heads) if len(rows) == depth]  # periods with rows not read yet
    if not open_ and not partial:
        return _ranked(_parts(heads, exclude=set()), limit)  # every row is read
    known = _parts(heads, exclude=partial)
    if len(known) < limit:
        return _ranked(_sums(dimension, periods), limit)
    floor = sorted(known.values(), reverse=True)[limit - 1]
    # Half of `floor` is shared out, so that a value read in one period only stays, in its best
    # case, well below the list, and most are never added up.
    cut = _cuts(heads, open_, floor // 2, limit)
    deeper = [i for i in open_ if cut[i] <= heads[i][-1][1]]  # the first rows hold all rows above the others' cuts
    if deeper:
        more = _rows(dimension, [tables[i] for i in deeper], least=[cut[i] for i in deeper], limit=MAX_ROWS + 1)
        if any(len(rows) > MAX_ROWS for rows in more):
            return _ranked(_sums(dimension, periods), limit)
        for i, rows in zip(deeper, more, strict=True):
            heads[i] = rows
    read = [[(v, n) for v, n in rows if n >= cut.get(i, 0)] for i, rows in enumerate(heads)]
    slack = sum(cut[i] - 1 for i in open_)
    best = _parts(read, exclude=set())
    for i in open_:
        for value, _ in read[i]:
            best[value] -= cut[i] - 1
    parts = _parts(read, exclude=partial)
    # Both are at most the list's last total: `limit` values have at least that much.
    least = max(floor, sorted(parts.values(), reverse=True)[min(limit, len(parts)) - 1] if parts else 0)
    survivors = {value for value, views in best.items() if views + slack >= least}
    return _ranked(_sums(dimension, periods, values=survivors), limit)


def _parts(heads: list[list[tuple[str, int]]], *, exclude: set[int]) -> dict[str, int]:
    parts: dict[str, int] = {}
    for i, rows in enumerate(heads):
        if i not in exclude:
            for value, views in rows:
                parts[value] = parts.get(value, 0) + views
    return parts


def top_articles(span: Range, *, limit: int = TOP) -> list[dict]:
    from newsroom.models import ArticlePage

    rows = [{"article_id": int(r["value"]), "views": r["views"]}
            for r in top_values(span, str(DailyBreakdown.Dimension.ARTICLE), limit=limit) if r["value"].isdigit()]
    pages = ArticlePage.objects.filter(pk__in=[r["article_id"] for r in rows]).select_related("publication")
    found = {page.pk: page for page in pages.only("id", "title", "url_path", "publication__name")}
    return [{"article_id": r["article_id"], "title": found[r["article_id"]].title if r["article_id"] in found
             else "(deleted article)", "url": found[r["article_id"]].url if r["article_id"] in found else "",
             "repost": bool(found.get(r["article_id"]) and found[r["article_id"]].publication_id),
             "views": r["views"]} for r in rows]


def breakdown(span: Range, dimension: str, *, limit: int = TOP) -> list[dict]:
    return top_values(span, dimension, limit=limit)


def own_and_reposts(span: Range) -> list[dict]:
    return [{"kind": r["value"], "views": r["views"]} for r in breakdown(span, str(DailyBreakdown.Dimension.KIND))]


def _titled(span: Range, dimension: str, *, key: str, label: str, limit: int = TOP) -> list[dict]:
    """A page-id breakdown (author, region, ...) with the pages' titles, in one more query."""
    from wagtail.models import Page

    rows = breakdown(span, dimension, limit=limit)
    ids = [int(r["value"]) for r in rows if r["value"].isdigit()]
    titles = dict(Page.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [{key: int(r["value"]), label: titles.get(int(r["value"]), "(deleted page)"), "views": r["views"]}
            for r in rows if r["value"].isdigit()]


def per_author(span: Range, *, limit: int = TOP) -> list[dict]:
    return _titled(span, str(DailyBreakdown.Dimension.AUTHOR), key="author_id", label="author", limit=limit)


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
        "referrers": breakdown(span, str(DailyBreakdown.Dimension.REFERRER)),
        "referring_sites": breakdown(span, str(DailyBreakdown.Dimension.DOMAIN)),
        "languages": breakdown(span, str(DailyBreakdown.Dimension.LANGUAGE)),
        "devices": breakdown(span, str(DailyBreakdown.Dimension.DEVICE)),
        "countries": breakdown(span, str(DailyBreakdown.Dimension.COUNTRY)),
        "own_and_reposts": own_and_reposts(span),
        "authors": per_author(span),
        "regions": per_section(span, str(DailyBreakdown.Dimension.REGION)),
        "themes": per_section(span, str(DailyBreakdown.Dimension.THEME)),
        "dossiers": per_section(span, str(DailyBreakdown.Dimension.DOSSIER)),
    }
