"""The sitemap index lists only article parts that hold a URL: the protocol wants at least one
`<url>` in every `<urlset>`, and a part is an id range that deletions and unpublishing can empty."""

import itertools
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from newsroom.licences import Licence, RepostMode, SearchPolicy
from newsroom.models import ArticlePage, Publication
from newsroom.seo import canonical_to_original_q, search_policy
from newsroom.tests.test_sitemap_languages import part_queries

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "sitemap.xsd")))
PART = 3


@pytest.fixture
def small_parts(monkeypatch):
    from newsroom.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", PART)


def part_of(article: ArticlePage) -> int:
    return (article.pk - 1) // PART + 1


def listed_article_parts(client) -> dict[int, list[str]]:
    """Each article part the index names, with the URLs it serves (each checked against the schema)."""
    index = etree.fromstring(client.get("/sitemap.xml").content)
    parts = {}
    for loc in index.xpath('//s:sitemap/s:loc[contains(., "sitemap-articles")]/text()', namespaces=NS):
        path = loc.replace("http://testserver", "")
        response = client.get(path)
        assert response.status_code == 200, path
        tree = etree.fromstring(response.content)
        SCHEMA.assertValid(tree)
        number = int(path.partition("?p=")[2] or 1)
        parts[number] = [url.replace("http://testserver", "") for url in tree.xpath("//s:url/s:loc/text()",
                                                                                      namespaces=NS)]
    return parts


def a_middle_part(articles: list[ArticlePage]) -> int:
    """A part of these articles with parts of them on both sides."""
    parts = sorted({part_of(a) for a in articles})
    assert len(parts) >= 3
    return parts[len(parts) // 2]


@pytest.mark.usefixtures("small_parts")
def test_the_index_skips_a_part_whose_articles_were_all_deleted_or_unpublished(client, make_article):
    articles = [make_article(f"Ranged {n}") for n in range(12)]
    emptied = a_middle_part(articles)
    gone = [a for a in articles if part_of(a) == emptied]
    gone[0].unpublish()
    for article in gone[1:]:
        article.delete()
    parts = listed_article_parts(client)
    assert emptied not in parts
    assert all(urls for urls in parts.values())
    assert sorted(itertools.chain(*parts.values())) == sorted(a.url for a in ArticlePage.objects.live())
    assert client.get(f"/sitemap-articles.xml?p={emptied}").status_code == 404


@pytest.mark.usefixtures("small_parts")
def test_a_part_holding_only_reposts_canonical_to_their_original_is_skipped(client, make_article, publication):
    publication.default_licence = Licence.COMMUNITY
    publication.save()
    articles = [make_article(f"Ranged {n}") for n in range(12)]
    middle = a_middle_part(articles)
    for article in articles:
        if part_of(article) == middle:
            ArticlePage.objects.filter(pk=article.pk).update(publication=publication, repost_mode=RepostMode.FULL,
                                                             original_url="https://ledger.example.org/x")
    parts = listed_article_parts(client)
    assert middle not in parts and parts
    assert client.get(f"/sitemap-articles.xml?p={middle}").status_code == 404


def test_a_site_without_articles_lists_no_article_part(client):
    index = etree.fromstring(client.get("/sitemap.xml").content)
    locations = index.xpath("//s:sitemap/s:loc/text()", namespaces=NS)
    assert not [loc for loc in locations if "sitemap-articles" in loc]
    assert not [loc for loc in locations if "sitemap-newsletter" in loc]  # nothing sent yet either
    assert client.get("/sitemap-articles.xml").status_code == 404
    assert client.get("/sitemap-newsletter.xml").status_code == 404
    assert any("sitemap-sections" in loc for loc in locations)


@pytest.mark.usefixtures("small_parts")
def test_the_index_costs_the_same_queries_however_many_parts_it_finds(client, make_article):
    make_article("First")
    client.get("/sitemap.xml")  # the site's root is looked up once per process
    with CaptureQueriesContext(connection) as few:
        client.get("/sitemap.xml")
    for n in range(9):
        make_article(f"More {n}")
    client.get("/sitemap.xml")
    with CaptureQueriesContext(connection) as many:
        assert len(listed_article_parts_of(client.get("/sitemap.xml").content)) >= 3
    assert part_queries(many) == part_queries(few)


def listed_article_parts_of(content: bytes) -> list[str]:
    index = etree.fromstring(content)
    return index.xpath('//s:sitemap/s:loc[contains(., "sitemap-articles")]/text()', namespaces=NS)


def test_the_sitemaps_filter_and_the_pages_policy_agree(make_article):
    """canonical_to_original_q() is search_policy() in SQL: the two must agree on every combination."""
    publications = [Publication.objects.create(name=licence, default_licence=licence)
                    for licence in (Licence.COMMUNITY, Licence.ALL_RIGHTS_RESERVED)]
    article = make_article("Switched")
    combinations = itertools.product([None, *publications], ["", Licence.COMMUNITY, Licence.CC_BY],
                                     RepostMode.values, ["", *SearchPolicy.values])
    for publication, licence, mode, policy in combinations:
        ArticlePage.objects.filter(pk=article.pk).update(publication=publication, licence=licence, repost_mode=mode,
                                                         search_policy=policy)
        fresh = ArticlePage.objects.select_related("publication").get(pk=article.pk)
        pointed = ArticlePage.objects.filter(canonical_to_original_q(), pk=article.pk).exists()
        assert pointed == (search_policy(fresh) == SearchPolicy.CANONICAL_ORIGINAL), (publication, licence, mode,
                                                                                       policy)
