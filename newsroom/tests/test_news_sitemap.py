"""/sitemap-news.xml: our own articles of the last 48 hours, valid against the published schemas."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from lxml import etree

from translation.services import translations_store_reviewed

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    # The core schema admits <news:news> under <url> only if it can check it (processContents
    # strict), so both published schemas are loaded together.
    wrapper = etree.fromstring(f"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
      <xsd:import namespace="{NS['s']}" schemaLocation="{(DATA / 'sitemap.xsd').as_uri()}"/>
      <xsd:import namespace="{NS['n']}" schemaLocation="{(DATA / 'sitemap-news.xsd').as_uri()}"/>
    </xsd:schema>""")
    return etree.XMLSchema(wrapper)


def news_sitemap(client):
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(response.content)


def test_it_lists_only_our_own_articles_of_the_last_two_days_and_validates(client, make_article, publication, schema):
    fresh = make_article("Fresh scoop", days_ago=0.5)
    make_article("Last week's story", days_ago=3)
    make_article("A repost", publication=publication, original_url="https://ledger.example.org/x")
    tree = news_sitemap(client)
    schema.assertValid(tree)
    assert tree.xpath("//s:url/s:loc/text()", namespaces=NS) == [f"http://testserver{fresh.url}"]
    (news,) = tree.xpath("//n:news", namespaces=NS)
    assert news.xpath("n:title/text()", namespaces=NS) == ["Fresh scoop"]
    assert news.xpath("n:publication/n:language/text()", namespaces=NS) == ["en"]
    assert news.xpath("n:publication/n:name/text()", namespaces=NS) == [settings.SITE_NAME]
    published = datetime.datetime.fromisoformat(news.xpath("n:publication_date/text()", namespaces=NS)[0])
    assert abs(published - fresh.first_published_at) < datetime.timedelta(seconds=1)
    assert timezone.now() - published < datetime.timedelta(hours=48)


def test_a_broken_entry_would_fail_the_schema(schema):
    bad = etree.fromstring(f"""<urlset xmlns="{NS['s']}" xmlns:news="{NS['n']}"><url><loc>http://x.example/a</loc>
      <news:news><news:publication><news:name>X</news:name><news:language>english</news:language></news:publication>
      <news:title>t</news:title></news:news></url></urlset>""")
    assert not schema.validate(bad)


def test_translated_articles_appear_under_their_language(client, make_article, schema):
    article = make_article("Harbour strike", paragraphs=("Dockers stopped work.",))
    translations_store_reviewed(source_language="en", language="fr",
                                pairs=[("Harbour strike", "Grève au port"), ("Dockers stopped work.", "Les dockers ont cessé le travail.")])
    translations_store_reviewed(source_language="en", language="ar", pairs=[("Harbour strike", "إضراب الميناء")])
    tree = news_sitemap(client)
    schema.assertValid(tree)
    entries = {url.xpath("s:loc/text()", namespaces=NS)[0]: (url.xpath(".//n:language/text()", namespaces=NS)[0],
                                                            url.xpath(".//n:title/text()", namespaces=NS)[0])
               for url in tree.xpath("//s:url", namespaces=NS)}
    assert entries == {
        f"http://testserver{article.url}": ("en", "Harbour strike"),
        f"http://testserver/fr{article.url}": ("fr", "Grève au port"),  # Arabic has only its title: not listed
    }


def test_it_is_in_robots_txt_and_the_sitemap_index(client):
    assert "Sitemap: http://testserver/sitemap-news.xml" in client.get("/robots.txt").content.decode()
    index = etree.fromstring(client.get("/sitemap.xml").content)
    assert "http://testserver/sitemap-news.xml" in index.xpath("//s:sitemap/s:loc/text()", namespaces=NS)


def test_publishing_purges_the_cached_news_sitemap(make_article):
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    from newsroom.services import pages_showing

    batch = PurgeBatch()
    batch.add_pages(pages_showing(make_article()))
    assert any(url.endswith("/sitemap-news.xml") for url in batch.urls)
