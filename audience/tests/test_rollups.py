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
    months, days = selectors._periods(Range(datetime.date(2026, 1, 20), datetime.date(2026, 4, 2)))
    assert months == [datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)]
    assert days == [datetime.date(2026, 1, d) for d in range(20, 32)] + [datetime.date(2026, 4, d) for d in (1, 2)]


def test_ties_and_a_flat_tail_make_it_look_deeper_and_still_answer_exactly(monkeypatch):
    flat = Counter({(TODAY - datetime.timedelta(days=back), pk, "en"): 1 for back in range(70) for pk in range(1, 120)})
    counts_write(site={}, articles=dict(flat), breakdown={})
    span = Range.last(70, today=TODAY)
    assert top_values(span, "article", limit=3) == summed(flat, span, 3)
    monkeypatch.setattr(selectors, "MAX_DEPTH", 10)  # no depth proves it: everything is added up
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
