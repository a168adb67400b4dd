"""Top lists over long ranges read monthly rows and prove themselves exact against the daily rows."""

import datetime
import random
from collections import Counter

import pytest

from audience import selectors
from audience.models import DailyBreakdown, MonthlyBreakdown
from audience.selectors import Range, top_articles, top_values
from audience.services import counts_write, rollups_rebuild

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 3)


def long_tail(days: int, *, values: int = 400, seed: int = 3) -> Counter:
    """A few articles read a lot for a while, and a long tail read a little at random, as archives are."""
    rng = random.Random(seed)
    views: Counter = Counter()
    for back in range(days):
        day = TODAY - datetime.timedelta(days=back)
        for rank in range(10):
            views[(day, 1000 + back // 5 * 10 + rank, "en")] += 500 // (rank + 1) + rng.randint(0, 9)
        for pk in rng.sample(range(1, values), 60):
            views[(day, pk, rng.choice(("en", "fr")))] += rng.randint(1, 12)
    counts_write(site={}, articles=dict(views), breakdown={})
    return views


def summed(views: Counter, span: Range, limit: int) -> list[dict]:
    """The top list as adding up every daily row would rank it."""
    totals: Counter = Counter()
    for (day, pk, _), n in views.items():
        if span.start <= day <= span.end:
            totals[str(pk)] += n
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [{"value": value, "views": n} for value, n in ranked]


@pytest.mark.parametrize("days", [1, 7, 30, 45, 90, 200])
def test_top_articles_over_any_range_are_those_the_daily_rows_add_up_to(days):
    views = long_tail(200)
    span = Range.last(days, today=TODAY)
    for limit in (1, 5, 20):
        assert top_values(span, "article", limit=limit) == summed(views, span, limit)


def test_a_long_range_reads_whole_months_and_only_the_days_at_its_edges():
    periods = selectors._periods(Range(datetime.date(2026, 1, 20), datetime.date(2026, 4, 2)))
    assert periods.months == [datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)]
    assert periods.days == [datetime.date(2026, 1, d) for d in range(20, 32)] + [datetime.date(2026, 4, d) for d in (1, 2)]
    assert periods.minus == []


def test_a_month_covered_but_for_a_few_days_is_its_monthly_row_less_those_days():
    periods = selectors._periods(Range(datetime.date(2026, 1, 5), datetime.date(2026, 4, 2)))
    assert periods.months == [datetime.date(2026, m, 1) for m in (1, 2, 3)]
    assert periods.minus == [datetime.date(2026, 1, d) for d in range(1, 5)]
    assert periods.days == [datetime.date(2026, 4, d) for d in (1, 2)]
    # Without a whole month the range is read from its days.
    assert selectors._periods(Range(datetime.date(2026, 1, 5), datetime.date(2026, 1, 31))).months == []


def test_ties_and_a_flat_tail_make_it_look_deeper_and_still_answer_exactly(monkeypatch):
    flat = Counter({(TODAY - datetime.timedelta(days=back), pk, "en"): 1 for back in range(70) for pk in range(1, 120)})
    counts_write(site={}, articles=dict(flat), breakdown={})
    span = Range.last(70, today=TODAY)
    assert top_values(span, "article", limit=3) == summed(flat, span, 3)
    monkeypatch.setattr(selectors, "MAX_ROWS", 10)  # too many rows above the cuts: everything is added up
    assert top_values(span, "article", limit=3) == summed(flat, span, 3)


def test_breakdowns_count_monthly_rows_as_their_days_do():
    day = datetime.date(2026, 10, 30)
    breakdown = {(day + datetime.timedelta(days=n), "referrer", kind): n + 1
                 for n in range(5) for kind in ("search", "social")}
    counts_write(site={}, articles={(day, 7, "en"): 3, (day, 7, "fr"): 2}, breakdown=breakdown)
    months = {(m.month.isoformat(), m.dimension, m.value): m.views for m in MonthlyBreakdown.objects.all()}
    assert months == {("2026-10-01", "referrer", "search"): 3, ("2026-10-01", "referrer", "social"): 3,
                      ("2026-11-01", "referrer", "search"): 12, ("2026-11-01", "referrer", "social"): 12,
                      ("2026-10-01", "article", "7"): 5}
    assert top_values(Range(day, day + datetime.timedelta(days=4)), "referrer") == [
        {"value": "search", "views": 15}, {"value": "social", "views": 15}]


def test_whole_months_and_edge_days_add_up_to_the_daily_rows_across_month_boundaries():
    rng = random.Random(5)
    breakdown = {(datetime.date(2026, 9, 25) + datetime.timedelta(days=n), "domain", f"site{k}.example"):
                 rng.randint(1, 40) for n in range(75) for k in range(rng.randint(60, 140))}
    counts_write(site={}, articles={}, breakdown=breakdown)
    # Sep 28-30 from days, Oct and Nov from months; then Dec 1-2 from days, and Oct 3 to Dec 2 as
    # October's row less Oct 1-2.
    for span in (Range(datetime.date(2026, 9, 28), datetime.date(2026, 12, 2)),
                 Range(datetime.date(2026, 10, 3), datetime.date(2026, 12, 2))):
        periods = selectors._periods(span)
        assert datetime.date(2026, 11, 1) in periods.months
        totals: Counter = Counter()
        for (day, _, value), n in breakdown.items():
            if span.start <= day <= span.end:
                totals[value] += n
        assert selectors._sums("domain", periods) == dict(totals)
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        assert top_values(span, "domain", limit=len(totals)) == [{"value": v, "views": n} for v, n in ranked]
        for limit in (1, 5, 20):
            assert top_values(span, "domain", limit=limit) == [{"value": v, "views": n} for v, n in ranked[:limit]]
    assert selectors._periods(span).minus == [datetime.date(2026, 10, 1), datetime.date(2026, 10, 2)]


def test_a_value_read_a_little_every_day_beats_one_read_a_lot_once():
    """The case the cuts exist for: the steady value is never near the top of any one period."""
    views: Counter = Counter()
    for back in range(120):
        day = TODAY - datetime.timedelta(days=back)
        views[(day, 1, "en")] += 30  # 3,600 over the range, never more than 30 a day
        views[(day, 2 + back, "en")] += 3000  # one big day each
        for pk in range(200, 400):
            views[(day, pk, "en")] += 40 + (pk + back) % 7  # a crowd above the steady one every day
    counts_write(site={}, articles=dict(views), breakdown={})
    span = Range.last(120, today=TODAY)
    assert top_values(span, "article", limit=3) == summed(views, span, 3)
    assert {"value": "1", "views": 3600} in top_values(span, "article", limit=330)
    assert top_values(span, "article", limit=330) == summed(views, span, 330)


def test_rebuilding_the_rollups_from_the_daily_rows_gives_what_the_flush_wrote(make_article):
    article = make_article("Kept")
    views = long_tail(40, values=100)
    counts_write(site={}, articles={(TODAY, article.pk, "en"): 9}, breakdown={(TODAY, "device", "mobile"): 4})
    written = sorted(MonthlyBreakdown.objects.values_list("month", "dimension", "value", "views"))
    articles = sorted(DailyBreakdown.objects.filter(dimension="article").values_list("day", "value", "views"))
    rollups_rebuild()
    assert sorted(MonthlyBreakdown.objects.values_list("month", "dimension", "value", "views")) == written
    assert sorted(DailyBreakdown.objects.filter(dimension="article").values_list("day", "value", "views")) == articles
    expected = 9 + sum(n for (day, pk, _), n in views.items() if day == TODAY and pk == article.pk)
    kept = [row for row in top_articles(Range.last(1, today=TODAY), limit=100) if row["article_id"] == article.pk]
    assert kept == [{"article_id": article.pk, "title": "Kept", "url": article.url, "repost": False, "views": expected}]
