import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from newsroom.models import ArticlePage, DossierPage, RegionPage, ThemePage

pytestmark = pytest.mark.django_db


def test_the_site_feeds_list_the_latest_articles_with_full_links(client, make_article):
    for n in range(25):
        make_article(f"Story {n:02}", days_ago=n, dek=f"Summary {n}")
    for kind in ("rss", "atom"):
        response = client.get(f"/feed/{kind}/")
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert feed.version == ("rss20" if kind == "rss" else "atom10")
        assert len(feed.entries) >= 20
        assert feed.entries[0].title == "Story 00"
        assert feed.entries[0].link == "http://testserver/articles/story-00/"
        assert feed.entries[0].summary == "Summary 0"
        assert feed.entries[0].author == "Ada Reporter"


def test_author_and_section_feeds_list_only_their_articles(client, make_article, make_section):
    region = make_section(RegionPage, "Europe")
    theme = make_section(ThemePage, "Economy")
    dossier = make_section(DossierPage, "Energy Report")
    make_article("Tagged", authors=("Ben Writer",), regions=[region], themes=[theme], dossiers=[dossier])
    make_article("Untagged", authors=("Ada Reporter",))
    for base in ("/authors/ben-writer/", region.url, theme.url, dossier.url):
        for kind in ("rss", "atom"):
            feed = feedparser.parse(client.get(f"{base}feed/{kind}/").content)
            assert [e.title for e in feed.entries] == ["Tagged"], (base, kind)


def test_pages_announce_their_feeds(client, make_article, make_section):
    region = make_section(RegionPage, "Asia")
    tree = lxml_html.fromstring(client.get(region.url).content)
    hrefs = tree.xpath('//link[@rel="alternate"]/@href')
    assert "/feed/rss/" in hrefs and "/feed/atom/" in hrefs
    assert f"{region.url}feed/rss/" in hrefs and f"{region.url}feed/atom/" in hrefs


def test_the_sitemap_index_leads_to_every_article(client, make_article):
    urls = {make_article(f"Mapped {n}").url for n in range(3)}
    make_article("Not yet", publish=False)
    index = etree.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = []
    for sitemap_url in index.xpath("//s:sitemap/s:loc/text()", namespaces=ns):
        path = sitemap_url.replace("http://testserver", "")
        document = etree.fromstring(client.get(path).content)
        locations += document.xpath("//s:url/s:loc/text()", namespaces=ns)
    listed = {loc.replace("http://testserver", "") for loc in locations}
    assert urls <= listed
    assert "/articles/not-yet/" not in listed
    assert "/" in listed and "/authors/ada-reporter/" in listed


def test_article_sitemap_pages_list_each_live_article_once_and_are_dated_by_the_newest(client, make_article,
                                                                                        monkeypatch):
    from newsroom.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    articles = [make_article(f"Paged {n}") for n in range(5)]
    draft = make_article("Draft", publish=False)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = etree.fromstring(client.get("/sitemap.xml").content)
    listed = []
    for loc in index.xpath('//s:sitemap/s:loc[contains(., "articles")]/text()', namespaces=ns):
        page = etree.fromstring(client.get(loc.replace("http://testserver", "")).content)
        urls = page.xpath("//s:url/s:loc/text()", namespaces=ns)
        assert len(urls) <= 2
        listed += [url.replace("http://testserver", "") for url in urls]
    assert sorted(listed) == sorted(a.url for a in ArticlePage.objects.live())
    assert {a.url for a in articles} <= set(listed) and draft.url not in listed
    newest = max(a.last_published_at for a in ArticlePage.objects.live()).date().isoformat()
    dates = index.xpath('//s:sitemap[contains(s:loc, "articles")]/s:lastmod/text()', namespaces=ns)
    assert dates and all(date.startswith(newest) for date in dates)
    sections = etree.fromstring(client.get("/sitemap-sections.xml").content)
    assert not set(listed) & {loc.replace("http://testserver", "")
                              for loc in sections.xpath("//s:url/s:loc/text()", namespaces=ns)}
