"""What worked: the public archive of sent issues (pages per language, sign-up page, sitemap,
feed), counted clicks that only ever lead to our own articles, the opt-in open pixel, and the
editors' Newsletter → Digests page."""

import datetime
import re

import feedparser
import pytest
from django.test import Client
from lxml import etree
from lxml import html as lxml_html

from crosspost.lib.signing import sign
from newsletter import rendering, selectors, services
from newsletter.models import Delivery, DigestClick, Newsletter

pytestmark = pytest.mark.django_db

DAY = datetime.date(2031, 3, 6)


@pytest.fixture
def sent(smtp, make_article, confirmed_subscribers):
    """An issue of the daily digest sent to two English readers and one French reader."""
    first = make_article("Harbour strike ends", dek="Dockers vote to return.")
    second = make_article("Grain prices fall")
    for article in (first, second):
        services.selection_add(article=article)
    confirmed_subscribers(2)
    confirmed_subscribers(1, language="fr", prefix="lecteur")
    digest = services.digest_build(date=DAY)
    assert services.digest_send(digest=digest, workers=1)["sent"] == 3
    digest.refresh_from_db()
    return digest, [first, second]


def links_in(smtp, address: str, prefix: str) -> list[str]:
    (message,) = smtp.to(address)
    text = message.get_body(preferencelist=("plain",)).get_content()
    return [path for path in re.findall(r"http://testserver(\S+)", text) if path.startswith(prefix)]


def test_a_sent_issue_has_a_web_page_in_each_language_it_went_out_in(sent, client):
    digest, articles = sent
    assert digest.languages == ["en", "fr"]
    english = client.get("/newsletter/archive/daily/2031-03-06/")
    assert english.status_code == 200
    tree = lxml_html.fromstring(english.content)
    assert tree.xpath("//h2/a/text()") == ["Harbour strike ends", "Grain prices fall"]
    assert tree.xpath("//h2/a/@href")[0] == "http://testserver" + articles[0].url, "to the article itself"
    french = lxml_html.fromstring(client.get("/fr/newsletter/archive/daily/2031-03-06/").content)
    assert french.get("lang") == "fr"
    assert french.xpath("//h2/a/@href")[0] == "http://testserver/fr/articles/harbour-strike-ends/"
    assert client.get("/de/newsletter/archive/daily/2031-03-06/").status_code == 404, "never sent in German"
    assert client.get("/newsletter/archive/daily/2031-03-07/").status_code == 404
    assert client.get("/newsletter/archive/daily/not-a-date/").status_code == 404


def test_the_archive_is_listed_on_the_sign_up_page_in_the_sitemap_and_in_a_feed(sent, client):
    signup = lxml_html.fromstring(client.get("/newsletter/subscribe/").content)
    assert "/newsletter/archive/daily/2031-03-06/" in signup.xpath("//a/@href")

    index = etree.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert "http://testserver/sitemap-newsletter.xml" in index.xpath("//s:loc/text()", namespaces=ns)
    urls = etree.fromstring(client.get("/sitemap-newsletter.xml").content).xpath("//s:loc/text()", namespaces=ns)
    assert set(urls) == {"http://testserver/newsletter/archive/daily/2031-03-06/",
                         "http://testserver/fr/newsletter/archive/daily/2031-03-06/"}

    feed = feedparser.parse(client.get("/newsletter/archive/daily/feed/").content)
    assert not feed.bozo, feed.bozo_exception
    (entry,) = feed.entries
    assert entry.link == "http://testserver/newsletter/archive/daily/2031-03-06/"
    assert "Harbour strike ends" in entry.summary


def test_an_empty_day_and_a_private_list_are_not_in_the_archive(sent, client, make_article):
    services.daily_digest_send(date=DAY + datetime.timedelta(days=1), workers=1)  # nothing selected
    assert [d.date for d in selectors.archive_sent()] == [DAY]
    Newsletter.objects.update(public=False)
    assert client.get("/newsletter/archive/daily/2031-03-06/").status_code == 404
    assert client.get("/newsletter/archive/daily/feed/").status_code == 404


def test_a_click_through_a_digest_link_is_counted_and_leads_to_the_article(smtp, sent):
    digest, articles = sent
    (first, second) = links_in(smtp, "lecteur0@example.org", "/n/c/")[:2]
    client = Client()
    response = client.get(first)
    assert response.status_code == 302 and response["Location"] == "http://testserver/fr" + articles[0].url
    client.get(first)
    client.get(second)
    assert dict(DigestClick.objects.values_list("article__title", "clicks")) == {
        "Harbour strike ends": 2, "Grain prices fall": 1}
    assert selectors.digests_stats()[0]["clicks"] == 3


@pytest.mark.parametrize("value", [
    "https://evil.example/",  # a URL in place of the ids
    "{digest}.{other}.en",  # an article that was not in this digest
    "{digest}.{first}",  # missing its language
])
def test_a_click_link_cannot_be_made_to_lead_anywhere_else(sent, make_article, client, value):
    digest, articles = sent
    other = make_article("Not in the digest")
    token = sign(value.format(digest=digest.pk, other=other.pk, first=articles[0].pk), salt=rendering.CLICK_SALT)
    assert client.get(f"/n/c/{token}").status_code == 404
    forged = rendering.click_url(digest, articles[0], "en").removeprefix("http://testserver") + "x"
    assert client.get(forged).status_code == 404
    assert not DigestClick.objects.exists()


def test_opens_are_not_tracked_unless_the_editor_turns_the_pixel_on(smtp, sent, make_article, client):
    digest, _ = sent
    assert links_in(smtp, "reader0@example.org", "/n/o/") == []
    assert "<img" not in smtp.to("reader0@example.org")[0].get_body(preferencelist=("html",)).get_content()

    Newsletter.objects.update(open_tracking=True)
    services.selection_add(article=make_article("Tracked story"))
    tracked = services.digest_build(date=DAY + datetime.timedelta(days=1))
    services.digest_send(digest=tracked, workers=1)
    html = smtp.to("reader0@example.org")[1].get_body(preferencelist=("html",)).get_content()
    (pixel,) = re.findall(r'<img src="http://testserver(/n/o/[^"]+\.gif)"', html)
    for _ in range(2):
        response = client.get(pixel)
        assert response["Content-Type"] == "image/gif" and "no-store" in response["Cache-Control"]
    opened = Delivery.objects.filter(digest=tracked, opened_at__isnull=False)
    assert list(opened.values_list("subscriber__email", flat=True)) == ["reader0@example.org"]
    assert selectors.digests_stats()[0]["opens"] == 1, "a second open of the same copy counts once"


def test_editors_see_each_issues_figures_and_a_chart_on_newsletter_digests(sent, client, django_user_model):
    digest, _ = sent
    services.subscriber_mark_bounced(email="reader1@example.org")
    services.subscriber_mark_bounced(email="lecteur0@example.org", complaint=True)
    client.force_login(django_user_model.objects.create_superuser("ed", "ed@example.org", "pw"))
    response = client.get("/admin/newsletter/digests/")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content)
    (row,) = tree.xpath("//table[@class='listing']/tbody/tr")
    cells = [cell.text_content().strip() for cell in row.xpath("td")]
    assert cells[:6] == ["Daily digest, March 6, 2031", "3", "1", "1", "0", "0"]
    assert tree.xpath("//svg//rect"), "the chart has a bar per issue"
    detail = client.get(f"/admin/newsletter/digests/?digest={digest.pk}").content.decode()
    assert "Clicks per article" in detail and "Grain prices fall" in detail
