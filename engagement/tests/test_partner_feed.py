import csv
import io
import re

import feedparser
import pytest

from audience.services import counters_flush
from crosspost.lib.counters import counters_push
from engagement.models import Partner, Republication
from engagement.republish import pixel_ids
from newsroom.licences import Licence


@pytest.fixture
def articles(make_article, publication):
    return {
        "community": make_article("Harbour strike ends", paragraphs=("Dockers voted.", "Ships sail.")),
        "cc": make_article("Tide tables", licence=Licence.CC_BY),
        "reserved": make_article("Exclusive interview", licence=Licence.ALL_RIGHTS_RESERVED),
        "closed": make_article("Not offered", republish_allowed=False),
        "repost": make_article("Ledger story", publication=publication, original_url="https://ledger.example.org/s"),
    }


@pytest.fixture
def partner(db):
    return Partner.objects.create(name="Community News", domain="community-news.example")


def pixel_in(html: str) -> str:
    """The counting image's address, wherever the feed reader put its attributes."""
    found = re.search(r'<img[^>]*src="(http://testserver/r/[^"]+\.gif)"', html)
    assert found, "the item carries the pixel"
    return found.group(1)


def parsed(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_the_public_feed_lists_only_what_others_may_republish(client, articles):
    feed = parsed(client, "/feed/republish/")
    assert {entry.title for entry in feed.entries} == {"Harbour strike ends", "Tide tables"}


def test_each_item_carries_the_full_text_credit_licence_and_pixel(client, articles):
    feed = parsed(client, "/feed/republish/")
    entry = next(e for e in feed.entries if e.title == "Tide tables")
    html = entry.content[0].value
    assert "first appeared on" in html and entry.link in html
    assert "CC BY 4.0" in entry.rights
    pixel = pixel_in(html)
    assert pixel_ids(pixel.rsplit("/", 1)[1].removesuffix(".gif")) == (articles["cc"].pk, None)
    community = next(e for e in feed.entries if e.title == "Harbour strike ends")
    assert "Dockers voted." in community.content[0].value and "Ships sail." in community.content[0].value


def test_a_partners_feed_names_the_partner_in_its_pixels(client, articles, partner):
    feed = parsed(client, f"/feed/republish/{partner.token}/")
    pixel = pixel_in(feed.entries[0].content[0].value)
    client.get(pixel.removeprefix("http://testserver"), HTTP_REFERER="https://community-news.example/story/")
    counters_push()
    counters_flush()
    row = Republication.objects.get()
    assert row.partner == partner and row.domain == "community-news.example"


def test_a_revoked_or_made_up_token_gets_nothing(client, articles, partner):
    partner.active = False
    partner.save()
    assert client.get(f"/feed/republish/{partner.token}/").status_code == 404
    assert client.get("/feed/republish/made-up/").status_code == 404


def test_the_feed_is_never_kept_in_the_page_cache(client, articles, partner):
    client.get(f"/feed/republish/{partner.token}/")
    partner.active = False
    partner.save()
    assert client.get(f"/feed/republish/{partner.token}/").status_code == 404


def test_editors_see_the_republications_dashboard_with_a_chart_and_csv(client, articles, partner, editor):
    from engagement.pixel import hit_record

    for _ in range(3):
        hit_record(article_id=articles["cc"].pk, page_url="https://community-news.example/t", domain="community-news.example",
                   partner_id=partner.pk)
    hit_record(article_id=articles["community"].pk, page_url="https://blog.example/", domain="blog.example")
    counters_push()
    counters_flush()
    client.force_login(editor)
    page = client.get("/admin/engagement/republications/?days=7").content.decode()
    assert "<svg" in page and "Community News" in page and "Tide tables" in page
    rows = list(csv.DictReader(io.StringIO(
        client.get("/admin/engagement/republications/?days=7&format=csv&table=partners").content.decode())))
    assert rows == [{"partner": "Community News", "views": "3"}]
    days = list(csv.DictReader(io.StringIO(
        client.get("/admin/engagement/republications/?format=csv").content.decode())))
    assert len(days) == 30 and days[-1]["views"] == "4"
    one = client.get(f"/admin/engagement/republications/?format=csv&table=articles&article={articles['cc'].pk}")
    assert [r["title"] for r in csv.DictReader(io.StringIO(one.content.decode()))] == ["Tide tables"]


def test_editors_manage_partners_and_see_their_feed_url(client, editor):
    client.force_login(editor)
    response = client.post("/admin/engagement_partners/new/", {"name": "Valley Post", "domain": "https://www.valley.example/x",
                                                               "active": "on"})
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert partner.domain == "valley.example" and len(partner.token) >= 30
    listing = client.get("/admin/engagement_partners/").content.decode()
    assert partner.feed_url() in listing
