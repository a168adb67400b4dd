"""What machines read from a repost: structured data (parsed by extruct), canonical/robots, feeds, API."""

import datetime

import extruct
import feedparser
import pytest
from django.conf import settings
from lxml import html as lxml_html

from newsroom.licences import Licence, RepostMode, SearchPolicy

pytestmark = pytest.mark.django_db

ORIGINAL = "https://ledger.example.org/2026/05/harbour-dredging"


def structured(response) -> dict:
    return extruct.extract(response.content.decode(), base_url="http://testserver/", syntaxes=["json-ld", "opengraph"])


def news_article(response) -> dict:
    (item,) = [d for d in structured(response)["json-ld"] if d.get("@type") == "NewsArticle"]
    return item


def head(response):
    return lxml_html.fromstring(response.content).find("head")


@pytest.fixture
def repost(make_article, publication):
    def make(mode=RepostMode.FULL, **fields):
        return make_article(
            "Harbour dredging resumes",
            authors=("Erin Banco", "Lara Seligman"),
            publication=publication,
            original_url=ORIGINAL,
            original_published_at=datetime.date(2026, 5, 14),
            repost_mode=mode,
            **fields,
        )
    return make


@pytest.mark.parametrize("mode", [RepostMode.FULL, RepostMode.EXCERPT])
def test_the_json_ld_of_a_repost_names_the_originals_date_authors_and_publisher(client, repost, mode):
    article = repost(mode)
    data = news_article(client.get(article.url))
    based_on = data["isBasedOn"]
    assert based_on["@type"] == "NewsArticle"
    assert based_on["url"] == ORIGINAL
    assert based_on["headline"] == "Harbour dredging resumes"
    assert based_on["datePublished"] == "2026-05-14"
    assert [(a["@type"], a["name"]) for a in based_on["author"]] == [("Person", "Erin Banco"), ("Person", "Lara Seligman")]
    assert based_on["publisher"] == {"@type": "Organization", "name": "The Harbour Ledger",
                                     "url": "https://ledger.example.org/"}
    assert data["sourceOrganization"]["name"] == "The Harbour Ledger"
    # Our page's own date stays the date we reposted it.
    assert data["datePublished"].startswith(article.first_published_at.date().isoformat())
    assert data["datePublished"] != based_on["datePublished"]


def test_the_page_still_shows_readers_the_originals_date(client, repost):
    page = lxml_html.fromstring(client.get(repost().url).content)
    assert "2026-05-14" in page.xpath('//section[@class="original-source"]//time/@datetime')


def test_our_own_article_has_no_original_and_is_self_canonical(client, make_article):
    article = make_article("Our own scoop")
    response = client.get(article.url)
    data = news_article(response)
    assert "isBasedOn" not in data and "sourceOrganization" not in data
    (canonical,) = head(response).xpath('link[@rel="canonical"]/@href')
    assert canonical == settings.SITE_URL + article.url
    assert not head(response).xpath('meta[@name="Googlebot-News"]')
    assert "X-Robots-Tag" not in response.headers


def test_a_full_repost_by_permission_keeps_out_of_news_results(client, repost, publication):
    publication.default_licence = Licence.PERMISSION
    publication.save()
    article = repost(RepostMode.FULL)
    response = client.get(article.url)
    assert head(response).xpath('meta[@name="Googlebot-News"]/@content') == ["noindex"]
    assert response.headers["X-Robots-Tag"] == "googlebot-news: noindex"
    assert head(response).xpath('link[@rel="canonical"]/@href')[0].endswith(article.url)


def test_a_licence_that_asks_for_it_gets_a_canonical_link_to_the_original(client, repost, publication):
    publication.default_licence = Licence.COMMUNITY
    publication.save()
    response = client.get(repost(RepostMode.FULL).url)
    assert head(response).xpath('link[@rel="canonical"]/@href') == [ORIGINAL]
    assert not head(response).xpath('meta[@name="Googlebot-News"]')
    assert "X-Robots-Tag" not in response.headers


def test_an_excerpt_repost_stays_indexable_under_our_url(client, repost):
    article = repost(RepostMode.EXCERPT)
    response = client.get(article.url)
    assert head(response).xpath('link[@rel="canonical"]/@href')[0].endswith(article.url)
    assert not head(response).xpath('meta[@name="Googlebot-News"]')


def test_the_editors_choice_beats_the_licence_default(client, repost, publication):
    publication.default_licence = Licence.COMMUNITY
    publication.save()
    article = repost(RepostMode.FULL, search_policy=SearchPolicy.NOINDEX_NEWS)
    response = client.get(article.url)
    assert head(response).xpath('meta[@name="Googlebot-News"]/@content') == ["noindex"]
    assert head(response).xpath('link[@rel="canonical"]/@href')[0].endswith(article.url)
    article.search_policy = SearchPolicy.CANONICAL_ORIGINAL
    article.save_revision().publish()
    assert head(client.get(article.url)).xpath('link[@rel="canonical"]/@href') == [ORIGINAL]


def test_the_search_policy_is_on_the_repost_tab(admin_client, repost):
    article = repost()
    page = lxml_html.fromstring(admin_client.get(f"/admin/pages/{article.pk}/edit/").content)
    (tab,) = page.xpath('//section[@id="tab-repost"]')
    assert tab.xpath('.//select[@name="search_policy"]')


def test_rss_marks_a_repost_with_its_source(client, repost, make_article):
    repost()
    make_article("Our own scoop")
    feed = feedparser.parse(client.get("/feed/rss/").content)
    by_title = {entry.title: entry for entry in feed.entries}
    assert by_title["Harbour dredging resumes"].source.title == "The Harbour Ledger"
    assert by_title["Harbour dredging resumes"].source.href == "https://ledger.example.org/"
    assert "source" not in by_title["Our own scoop"]


def test_atom_marks_a_repost_with_its_source_and_the_original_link(client, repost, make_article):
    repost()
    make_article("Our own scoop")
    feed = feedparser.parse(client.get("/feed/atom/").content)
    assert not feed.bozo
    by_title = {entry.title: entry for entry in feed.entries}
    entry = by_title["Harbour dredging resumes"]
    assert entry.source.title == "The Harbour Ledger"
    assert ORIGINAL in [link.href for link in entry.links if link.rel == "via"]
    assert "source" not in by_title["Our own scoop"]


def test_the_api_carries_the_same_original_as_the_json_ld(client, repost):
    article = repost()
    data = client.get(f"/api/v2/articles/{article.pk}/").json()
    assert data["original"] == news_article(client.get(article.url))["isBasedOn"]
    assert data["effective_search_policy"] == "noindex-news"
