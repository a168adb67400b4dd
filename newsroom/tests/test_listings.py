import pytest
from lxml import html as lxml_html

from newsroom.models import DossierPage, RegionPage, ThemePage
from newsroom.services import author_get_or_create

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    tree = lxml_html.fromstring(response.content)
    return [t.strip() for t in tree.xpath('//h3[@class="card__title"]/a/text()')]


def test_the_home_page_lists_latest_articles_and_editors_picks(client, make_article):
    make_article("Old news", days_ago=3)
    make_article("Fresh news", days_ago=0)
    make_article("Picked news", days_ago=1, editors_pick=True)
    response = client.get("/")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content)
    latest = tree.xpath('//section[@class="home__latest"]//h3/a/text()')
    assert latest == ["Fresh news", "Picked news", "Old news"]
    picks = tree.xpath('//section[@aria-labelledby="picks-heading"]//h3/a/text()')
    assert picks == ["Picked news"]


def test_the_home_page_shows_sections_marked_for_it(client, make_article, make_section):
    climate = make_section(ThemePage, "Climate")
    climate.show_on_home = True
    climate.save_revision().publish()
    make_article("Glaciers", themes=[climate])
    tree = lxml_html.fromstring(client.get("/").content)
    assert tree.xpath('//section[@class="home__section"]//h2/a/text()') == ["Climate"]
    assert tree.xpath('//section[@class="home__section"]//h3/a/text()') == ["Glaciers"]


def test_an_author_page_lists_only_their_articles_with_bio(client, make_article):
    make_article("Hers", authors=("Ada Reporter",))
    make_article("Both", authors=("Ben Writer", "Ada Reporter"))
    make_article("His", authors=("Ben Writer",))
    author = author_get_or_create(name="Ada Reporter")
    author.bio = "<p>Covers courts.</p>"
    author.save_revision().publish()
    response = client.get("/authors/ada-reporter/")
    assert response.status_code == 200
    assert "Covers courts." in response.content.decode()
    assert "Articles by" in response.content.decode()
    assert sorted(titles(response)) == ["Both", "Hers"]


def test_author_pages_paginate_twelve_at_a_time(client, make_article):
    for n in range(14):
        make_article(f"Story {n:02}", days_ago=n)
    first = client.get("/authors/ada-reporter/")
    second = client.get("/authors/ada-reporter/?page=2")
    assert titles(first)[0] == "Story 00" and len(titles(first)) == 12
    assert titles(second) == ["Story 12", "Story 13"]
    assert 'rel="next"' in first.content.decode()
    # Junk page numbers fall back instead of failing.
    assert client.get("/authors/ada-reporter/?page=abc").status_code == 200
    assert titles(client.get("/authors/ada-reporter/?page=999")) == ["Story 12", "Story 13"]


@pytest.mark.parametrize("model,label", [(RegionPage, "Region"), (ThemePage, "Theme"), (DossierPage, "In-depth Report")])
def test_section_pages_list_their_articles(client, make_article, make_section, model, label):
    section = make_section(model, "Section X")
    field = {RegionPage: "regions", ThemePage: "themes", DossierPage: "dossiers"}[model]
    make_article("Inside", **{field: [section]})
    make_article("Outside")
    response = client.get(section.url)
    assert response.status_code == 200
    assert label in response.content.decode()
    assert titles(response) == ["Inside"]


def test_folder_pages_list_articles_and_sections(client, make_article, make_section):
    make_article("Listed")
    make_section(RegionPage, "Europe")
    assert titles(client.get("/articles/")) == ["Listed"]
    tree = lxml_html.fromstring(client.get("/regions/").content)
    assert tree.xpath('//ul[@class="index-list"]//a/text()') == ["Europe"]


def test_a_missing_page_is_a_styled_404(client):
    response = client.get("/articles/no-such-story/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We can&#x27;t find that page" in page or "We can't find that page" in page
    assert "site.css" in page


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    from django.db import OperationalError, connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("gone")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_robots_txt_points_at_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body
