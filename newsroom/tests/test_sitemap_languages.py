"""/sitemap-articles.xml lists a language page only once its main text is translated, and only
canonical URLs: the same answer the pages' hreflang links give, valid against the published schema."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree
from lxml import html as lxml_html

from newsroom.licences import Licence, RepostMode, SearchPolicy
from translation.services import translations_store_reviewed

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
PARAGRAPHS = ("Ministers met on Monday.", "Farmers said the deal was broken.")


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / "sitemap.xsd")))


@pytest.fixture
def one_part(monkeypatch):
    """Every article in part 1, whatever its id: on PostgreSQL ids keep growing across the suite's
    rolled-back tests, so a test's articles would otherwise land in a later part."""
    from newsroom import sitemaps

    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 10**9)
    monkeypatch.setattr(sitemaps, "SITEMAP_MAX_URLS", 10**12)


def listed(client, schema, path="/sitemap-articles.xml") -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    tree = etree.fromstring(response.content)
    schema.assertValid(tree)
    return [loc.replace("http://testserver", "") for loc in tree.xpath("//s:url/s:loc/text()", namespaces=NS)]


def hreflang_hrefs(client, url) -> set[str]:
    tree = lxml_html.fromstring(client.get(url).content)
    return {href.replace("http://testserver", "") for href, lang in
            zip(tree.xpath("//head/link[@hreflang]/@href"), tree.xpath("//head/link[@hreflang]/@hreflang"))
            if lang != "x-default"}


def translate(article, language, *, body=True):
    pairs = [(article.title, f"{article.title} [{language}]")]
    if body:
        pairs += [(text, f"{text} [{language}]") for text in PARAGRAPHS]
    translations_store_reviewed(source_language="en", language=language, pairs=pairs)


@pytest.mark.usefixtures("one_part")
def test_a_translated_article_is_listed_in_its_languages_and_an_untranslated_one_only_in_english(client, make_article,
                                                                                                 schema):
    translated = make_article("Water talks", paragraphs=PARAGRAPHS)
    untranslated = make_article("Grain prices", paragraphs=PARAGRAPHS[:1])
    translate(translated, "fr")
    translate(translated, "ar")
    urls = listed(client, schema)
    assert sorted(urls) == sorted([translated.url, f"/fr{translated.url}", f"/ar{translated.url}", untranslated.url])
    assert f"/ar{untranslated.url}" not in urls


@pytest.mark.usefixtures("one_part")
def test_a_title_alone_does_not_make_a_translation(client, make_article, schema):
    article = make_article("Water talks", paragraphs=PARAGRAPHS)
    translate(article, "ar", body=False)
    assert listed(client, schema) == [article.url]


@pytest.mark.usefixtures("one_part")
def test_the_sitemap_and_the_pages_hreflang_name_the_same_urls(client, make_article, schema):
    article = make_article("Water talks", paragraphs=PARAGRAPHS)
    translate(article, "de")
    mine = {url for url in listed(client, schema) if url.endswith(article.url)}
    assert mine == hreflang_hrefs(client, article.url) == {article.url, f"/de{article.url}"}


@pytest.mark.usefixtures("one_part")
def test_a_repost_canonical_to_its_original_is_left_out(client, make_article, publication, schema):
    publication.default_licence = Licence.COMMUNITY
    publication.save()
    canonical = make_article("Their scoop", publication=publication, original_url="https://ledger.example.org/a",
                             repost_mode=RepostMode.FULL)
    kept_ours = make_article("Their scoop, our URL", publication=publication,
                             original_url="https://ledger.example.org/b", repost_mode=RepostMode.FULL,
                             search_policy=SearchPolicy.SELF)
    excerpt = make_article("Their excerpt", publication=publication, original_url="https://ledger.example.org/c",
                           repost_mode=RepostMode.EXCERPT)
    urls = listed(client, schema)
    assert canonical.url not in urls
    assert {kept_ours.url, excerpt.url} <= set(urls)


@pytest.mark.usefixtures("one_part")
def test_a_part_costs_the_same_queries_however_many_untranslated_articles_it_holds(client, make_article, schema):
    make_article("One", paragraphs=PARAGRAPHS)
    listed(client, schema)  # the site's root is looked up once per process
    with CaptureQueriesContext(connection) as few:
        listed(client, schema)
    for n in range(6):
        make_article(f"More {n}", paragraphs=PARAGRAPHS)
    listed(client, schema)  # publishing drops what the process remembered of the site
    with CaptureQueriesContext(connection) as many:
        assert len(listed(client, schema)) == 7
    assert part_queries(many) == part_queries(few)


def part_queries(captured: CaptureQueriesContext) -> int:
    # The site is remembered for a few seconds only; on a busy machine a lookup may fall in either.
    return len([q for q in captured.captured_queries if '"wagtailcore_site"' not in q["sql"]])


def test_a_part_never_holds_more_than_the_protocol_allows(settings, make_article):
    from newsroom.sitemaps import SITEMAP_MAX_URLS, ArticleSitemap

    settings.LANGUAGES = [(f"l{n}", f"l{n}") for n in range(80)]
    assert ArticleSitemap().paginator.per_page * len(settings.LANGUAGES) <= SITEMAP_MAX_URLS
