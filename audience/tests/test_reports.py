import csv
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from audience.services import counters_flush
from audience.tests.test_beacon import FIREFOX, beacon
from crosspost.lib import counters
from newsroom.models import RegionPage


@pytest.fixture
def readership(client, make_article, make_section, publication):
    """Views sent through the beacon, as readers' browsers send them."""
    harbour = make_section(RegionPage, "Harbour")
    own = make_article("Harbour strike ends", authors=("Ada Reporter",), regions=[harbour])
    repost = make_article("Ledger story", authors=("Ben Writer",), publication=publication,
                          original_url="https://ledger.example.org/story")
    sent = [(own, "en", "https://www.google.com/"), (own, "en", ""), (own, "fr", "https://t.co/x"),
            (repost, "en", "https://mastodon.social/@a"), (own, "en", "https://www.google.com/")]
    for n, (article, language, referrer) in enumerate(sent):
        beacon(client, article, language=language, referrer=referrer, ip=f"203.0.113.{n % 3}")
    counters.counters_push()
    counters_flush()
    return {"own": own, "repost": repost, "sent": sent}


def stats_json(*args) -> dict:
    out = StringIO()
    call_command("stats", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_stats_json_agrees_with_what_was_sent(readership):
    report = stats_json("--days", "7")
    today = timezone.localdate().isoformat()
    assert report["views"] == 5
    assert report["days"][-1] == {"day": today, "views": 5, "visitors": 3}
    assert len(report["days"]) == 7
    assert [(r["title"], r["views"], r["repost"]) for r in report["top_articles"]] == [
        ("Harbour strike ends", 4, False), ("Ledger story", 1, True)]
    assert {r["value"]: r["views"] for r in report["referrers"]} == {"search": 2, "direct": 1, "social": 1,
                                                                    "fediverse": 1}
    assert {r["value"]: r["views"] for r in report["languages"]} == {"en": 4, "fr": 1}
    assert {r["kind"]: r["views"] for r in report["own_and_reposts"]} == {"own": 4, "repost": 1}
    assert {r["author"]: r["views"] for r in report["authors"]} == {"Ada Reporter": 4, "Ben Writer": 1}
    assert [(r["section"], r["views"]) for r in report["regions"]] == [("Harbour", 4)]


def test_stats_flush_writes_what_is_still_waiting(client, make_article):
    article = make_article("Late story")
    beacon(client, article)
    counters.counters_push()
    assert stats_json()["views"] == 0
    assert stats_json("--flush")["views"] == 1


def test_stats_prints_a_table_and_refuses_a_silly_range(readership):
    out = StringIO()
    call_command("stats", "--days", "2", stdout=out)
    assert "5 views" in out.getvalue() and "Harbour strike ends" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("stats", "--days", "0")


def test_the_audience_report_shows_the_same_figures_with_a_chart(client, readership, editor):
    client.force_login(editor)
    page = client.get("/admin/reports/audience/?days=7").content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "Harbour strike ends" in page and "Ledger story" in page
    assert "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_the_report_downloads_as_csv(client, readership, editor):
    client.force_login(editor)
    response = client.get("/admin/reports/audience/?days=7&format=csv&table=top_articles")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["title"], r["views"]) for r in rows] == [("Harbour strike ends", "4"), ("Ledger story", "1")]
    days = list(csv.DictReader(io.StringIO(client.get("/admin/reports/audience/?days=7&format=csv").content.decode())))
    assert len(days) == 7 and days[-1]["views"] == "5"


def test_article_titles_cannot_run_as_spreadsheet_formulas(client, make_article, editor):
    article = make_article("=HYPERLINK(\"https://evil.example\")")
    beacon(client, article)
    counters.counters_push()
    counters_flush()
    client.force_login(editor)
    text = client.get("/admin/reports/audience/?days=1&format=csv&table=top_articles").content.decode()
    assert "'=HYPERLINK" in text


def test_a_bad_range_or_table_falls_back_to_the_defaults(client, readership, editor):
    client.force_login(editor)
    assert client.get("/admin/reports/audience/?days=²").status_code == 200
    response = client.get("/admin/reports/audience/?days=999&format=csv&table=../../etc")
    assert response.status_code == 200 and "30d" in response["Content-Disposition"]


def test_only_staff_allowed_reports_see_them(client, readership, contributor):
    assert client.get("/admin/reports/audience/").status_code == 302  # to the login page
    client.force_login(contributor)
    assert client.get("/admin/reports/audience/").status_code in (302, 403)


def test_the_beacon_is_on_article_pages_and_off_when_counting_is(client, readership, settings):
    page = client.get(readership["own"].url, HTTP_USER_AGENT=FIREFOX).content.decode()
    assert f'data-article="{readership["own"].pk}"' in page and "/a/v.gif?a=" in page
    assert 'src="/static/audience/beacon.js"' in page
    settings.AUDIENCE_ENABLED = False
    from crosspost.pagecache import pagecache_purge_all

    pagecache_purge_all()
    assert "beacon.js" not in client.get(readership["own"].url + "?page=1").content.decode()
