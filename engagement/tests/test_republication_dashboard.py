"""The Republications dashboard's views per site over time: the top sites' lines, "other sites",
the table and CSV that say the same in text, and the `?domain=` filter."""

import csv
import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audience.services import counters_flush
from crosspost.lib.charts import line_chart
from crosspost.lib.counters import counters_push
from engagement.models import DailyRepublicationViews
from engagement.republication import OTHER_DOMAINS, republication_report
from engagement.republish import pixel_token

MONDAY = datetime.date(2026, 11, 30)
TUESDAY = MONDAY + datetime.timedelta(days=1)
URL = "/admin/engagement/republications/"


@pytest.fixture
def article(make_article):
    return make_article("Harbour strike ends")


def pixel_hits(client, monkeypatch, article, day, views_per_site):
    """Loads the article's pixel from each site's page on `day`, then flushes as the worker does."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: day)
    for site, views in views_per_site.items():
        for _ in range(views):
            client.get(f"/r/{pixel_token(article.pk)}.gif", HTTP_REFERER=f"https://{site}/story/")
    counters_push()
    counters_flush()
    monkeypatch.undo()


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_busiest_sites_get_a_line_each_and_the_rest_add_up_to_other(client, monkeypatch, article):
    pixel_hits(client, monkeypatch, article, MONDAY, {"a.example": 5, "b.example": 4, "c.example": 1, "d.example": 1})
    pixel_hits(client, monkeypatch, article, TUESDAY, {"a.example": 2, "c.example": 3, "e.example": 2, "f.example": 1})

    per_site = republication_report(days=3, today=TUESDAY)["domain_days"]

    assert per_site["names"] == ["a.example", "b.example", "c.example", OTHER_DOMAINS]
    assert per_site["rows"] == [
        {"day": "2026-11-29", "a.example": 0, "b.example": 0, "c.example": 0, OTHER_DOMAINS: 0},
        {"day": "2026-11-30", "a.example": 5, "b.example": 4, "c.example": 1, OTHER_DOMAINS: 1},
        {"day": "2026-12-01", "a.example": 2, "b.example": 0, "c.example": 3, OTHER_DOMAINS: 3},
    ]


def test_with_few_sites_there_is_no_other_line(client, monkeypatch, article):
    pixel_hits(client, monkeypatch, article, MONDAY, {"a.example": 2, "b.example": 1})

    per_site = republication_report(days=1, today=MONDAY)["domain_days"]

    assert per_site["names"] == ["a.example", "b.example"]
    assert per_site["rows"] == [{"day": "2026-11-30", "a.example": 2, "b.example": 1}]


def report_queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        republication_report(**kwargs)
    return len(queries)


def test_the_report_costs_the_same_queries_for_three_sites_or_three_hundred(article, make_article):
    other = make_article("Second story")
    DailyRepublicationViews.objects.bulk_create(
        DailyRepublicationViews(day=MONDAY, article=article, domain=f"site{n}.example", views=n + 1) for n in range(3))
    few = report_queries(days=365, today=TUESDAY)
    DailyRepublicationViews.objects.bulk_create(
        DailyRepublicationViews(day=MONDAY - datetime.timedelta(days=n % 300), article=(article, other)[n % 2],
                                domain=f"many{n}.example", views=1) for n in range(300))
    assert report_queries(days=365, today=TUESDAY) == few <= 7


def test_the_screen_draws_the_sites_chart_with_a_table_and_csv_saying_the_same(client, monkeypatch, article, editor):
    today = timezone.localdate()
    pixel_hits(client, monkeypatch, article, today, {"a.example": 3, "b.example": 2, "c.example": 1, "d.example": 1})
    client.force_login(editor)

    page = client.get(URL, {"days": 7}).content.decode()

    assert page.count("<svg class=\"chart\"") == 2
    for name in ("a.example", "b.example", "c.example", OTHER_DOMAINS):
        assert f"<title>{name}</title></polyline>" in page, name
    assert '<th scope="col">a.example</th>' in page and "Views per day by site, as a table" in page
    last = csv_rows(client.get(URL, {"days": 7, "format": "csv", "table": "domain_days"}))[-1]
    assert last == {"day": today.isoformat(), "a.example": "3", "b.example": "2", "c.example": "1", OTHER_DOMAINS: "1"}


def test_the_domain_filter_narrows_every_figure_to_one_site(client, monkeypatch, article, make_article, editor):
    other = make_article("Second story")
    today = timezone.localdate()
    pixel_hits(client, monkeypatch, article, today, {"a.example": 3, "b.example": 2})
    pixel_hits(client, monkeypatch, other, today, {"b.example": 4})
    client.force_login(editor)

    page = client.get(URL, {"days": 7, "domain": "B.example "}).content.decode()

    assert "Showing one site: <strong>b.example</strong>" in page
    assert "<strong>6</strong> views" in page and "a.example" not in page
    assert page.count("<svg class=\"chart\"") == 1  # the day chart is that site's already
    assert csv_rows(client.get(URL, {"format": "csv", "table": "days", "domain": "b.example"}))[-1]["views"] == "6"
    pages = csv_rows(client.get(URL, {"format": "csv", "table": "pages", "domain": "b.example"}))
    assert sorted((r["article"], r["views"]) for r in pages) == [("Harbour strike ends", "2"), ("Second story", "4")]
    both = csv_rows(client.get(URL, {"format": "csv", "table": "articles", "domain": "b.example",
                                     "article": article.pk}))
    assert both == [{"article_id": str(article.pk), "title": "Harbour strike ends", "views": "2"}]


@pytest.mark.parametrize("value", ["", "   ", "a\x00b", "x" * 300])
def test_an_empty_or_impossible_domain_shows_every_site(client, monkeypatch, article, editor, value):
    pixel_hits(client, monkeypatch, article, timezone.localdate(), {"a.example": 1, "b.example": 1})
    client.force_login(editor)

    response = client.get(URL, {"domain": value})

    assert response.status_code == 200
    assert "<strong>2</strong> views" in response.content.decode()


def test_long_site_names_in_the_legend_do_not_run_into_each_other():
    names = ["community-news.example", "valley-post.example", "harbour-blog.example", OTHER_DOMAINS]
    svg = line_chart(["11-30", "12-01"], [(name, [1, 2]) for name in names], title="Views per site")
    starts = [float(x) for x, name in re.findall(r'<text x="([\d.]+)" y="24" font-size="12"[^>]*>([^<]+)<', svg)]
    assert len(starts) == len(names)
    for (start, name), following in zip(zip(starts, names, strict=False), starts[1:], strict=False):
        assert following - start >= 7 * len(name), name


def test_the_demo_shows_the_busiest_sites_and_the_rest_as_other(admin_client):
    call_command("demo")

    page = admin_client.get(URL, {"days": 30}).content.decode()

    assert "<title>community-news.example</title></polyline>" in page
    assert f"<title>{OTHER_DOMAINS}</title></polyline>" in page
