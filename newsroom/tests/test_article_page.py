import json
import re

import pytest
from lxml import html as lxml_html

from newsroom.licences import RepostMode
from newsroom.models import DossierPage, RegionPage, ThemePage

pytestmark = pytest.mark.django_db


def json_ld(response) -> dict:
    tree = lxml_html.fromstring(response.content)
    (script,) = tree.xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


def test_it_shows_title_dek_linked_byline_and_sections(client, make_article, make_section):
    europe = make_section(RegionPage, "Europe")
    intelligence = make_section(ThemePage, "Intelligence")
    report = make_section(DossierPage, "Ukraine Report")
    article = make_article(
        "Permission to strike",
        dek="A major reversal.",
        authors=("Erin Banco", "Alexander Ward", "Lara Seligman"),
        regions=[europe],
        themes=[intelligence],
        dossiers=[report],
    )
    response = client.get(article.url)
    assert response.status_code == 200
    page = response.content.decode()
    tree = lxml_html.fromstring(response.content)
    assert tree.xpath("//h1/text()") == ["Permission to strike"]
    assert "A major reversal." in page
    byline = tree.xpath('//p[@class="byline"]')[0].text_content()
    assert re.sub(r"\s+", " ", byline).strip() == "By Erin Banco, Alexander Ward, and Lara Seligman"
    author_links = tree.xpath('//p[@class="byline"]//a/@href')
    assert author_links == ["/authors/erin-banco/", "/authors/alexander-ward/", "/authors/lara-seligman/"]
    assert tree.xpath('//dl[@class="taxonomy"]//a/@href') == [europe.url, intelligence.url, report.url]


def test_a_repost_in_excerpt_mode_shows_first_paragraphs_and_links_to_the_original(client, make_article, publication):
    article = make_article(
        "Reposted story",
        paragraphs=tuple(f"Paragraph {n}." for n in range(1, 8)),
        publication=publication,
        original_url="https://ledger.example.org/2024/05/story",
        repost_mode=RepostMode.EXCERPT,
        excerpt_paragraphs=3,
        authors=("Erin Banco",),
    )
    page = client.get(article.url).content.decode()
    assert "Paragraph 3." in page
    assert "Paragraph 4." not in page
    tree = lxml_html.fromstring(page)
    (link,) = tree.xpath('//p[@class="read-original"]/a')
    assert link.text_content() == "Click here to read the full article on The Harbour Ledger."
    assert link.get("href") == "https://ledger.example.org/2024/05/story"
    source = tree.xpath('//section[@class="original-source"]')[0].text_content()
    assert "The original source of this article is The Harbour Ledger" in source
    year = article.first_published_at.year
    assert f"Copyright © Erin Banco, The Harbour Ledger, {year}" in re.sub(r"\s+", " ", source)


def test_a_full_repost_shows_every_paragraph_and_no_read_more_link(client, make_article, publication):
    article = make_article(
        paragraphs=tuple(f"Paragraph {n}." for n in range(1, 8)),
        publication=publication,
        original_url="https://ledger.example.org/full",
        repost_mode=RepostMode.FULL,
    )
    page = client.get(article.url).content.decode()
    assert "Paragraph 7." in page
    assert "read the full article" not in page
    assert "The original source of this article is" in page


def test_our_own_article_has_no_original_source_block(client, make_article):
    page = client.get(make_article().url).content.decode()
    assert "original-source" not in page
    assert "read the full article" not in page


def test_it_carries_canonical_opengraph_and_twitter_tags(client, make_article):
    article = make_article("Tagged story", dek="About tags.")
    tree = lxml_html.fromstring(client.get(article.url).content)
    assert tree.xpath('//link[@rel="canonical"]/@href') == [f"http://testserver{article.url}"]
    assert tree.xpath('//meta[@property="og:title"]/@content') == ["Tagged story"]
    assert tree.xpath('//meta[@property="og:type"]/@content') == ["article"]
    assert tree.xpath('//meta[@property="og:description"]/@content') == ["About tags."]
    assert tree.xpath('//meta[@name="twitter:card"]/@content') == ["summary"]


def test_the_canonical_url_of_a_language_version_points_at_the_original(client, make_article):
    path = make_article("Canonical story").url
    tree = lxml_html.fromstring(client.get(f"/fr{path}").content)
    assert tree.xpath("/html/@lang") == ["fr"]
    assert tree.xpath('//link[@rel="canonical"]/@href') == [f"http://testserver{path}"]


def test_json_ld_describes_a_news_article_with_its_authors(client, make_article):
    article = make_article("Structured", authors=("Ada Reporter", "Ben Writer"))
    data = json_ld(client.get(article.url))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Structured"
    assert data["datePublished"] == article.first_published_at.isoformat()
    assert data["dateModified"] == article.last_published_at.isoformat()
    assert data["author"] == [
        {"@type": "Person", "name": "Ada Reporter", "url": "http://testserver/authors/ada-reporter/"},
        {"@type": "Person", "name": "Ben Writer", "url": "http://testserver/authors/ben-writer/"},
    ]
    assert data["publisher"]["name"]
    assert "isBasedOn" not in data


def test_json_ld_of_a_repost_is_based_on_the_original(client, make_article, publication):
    article = make_article(publication=publication, original_url="https://ledger.example.org/a")
    assert json_ld(client.get(article.url))["isBasedOn"]["url"] == "https://ledger.example.org/a"


def test_json_ld_cannot_be_broken_out_of_by_a_title(client, make_article):
    article = make_article("</script><script>alert(1)</script>")
    page = client.get(article.url).content.decode()
    assert "<script>alert(1)" not in page
    assert json_ld(client.get(article.url))["headline"] == "</script><script>alert(1)</script>"


def test_reader_notes_and_the_site_disclaimer_are_shown(client, make_article):
    from wagtail.models import Site

    from newsroom.models import SiteSettings

    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.disclaimer = "<p>Authors answer for their words.</p>"
    site_settings.fair_use_notice = "<p>Fair use applies.</p>"
    site_settings.media_inquiries_email = "press@example.org"
    site_settings.save()
    article = make_article(note_to_readers="<p>Please share widely.</p>")
    page = client.get(article.url).content.decode()
    assert "Please share widely." in page
    assert "Authors answer for their words." in page
    assert "Fair use applies." in page
    assert "mailto:press@example.org" in page


def test_an_unpublished_article_is_not_served(client, make_article):
    article = make_article("Draft only", publish=False)
    assert client.get("/articles/draft-only/").status_code == 404
    assert not article.live
