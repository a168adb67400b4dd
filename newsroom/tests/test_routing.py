"""Where an article was found is remembered; what has changed since is routed afresh."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom import models

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def forget_routes():
    models._routes.clear()
    yield
    models._routes.clear()


def page_queries(client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    return status, sum('FROM "wagtailcore_page"' in q["sql"] for q in captured)


def test_an_article_is_found_again_without_walking_the_tree(client, make_article):
    path = make_article("Harbour story").url
    first = page_queries(client, path)
    second = page_queries(client, path)
    assert first[0] == second[0] == 200
    assert second[1] < first[1]


def test_an_unpublished_article_is_not_served_from_memory(client, make_article):
    article = make_article("Harbour story")
    path = article.url
    assert client.get(path).status_code == 200
    article.unpublish()
    assert client.get(path).status_code == 404


def test_a_moved_article_answers_at_its_new_address(client, make_article):
    article = make_article("Harbour story")
    old = article.url
    assert client.get(old).status_code == 200
    article.slug = "harbour-story-updated"
    article.save_revision().publish()
    article.refresh_from_db()
    assert client.get(article.url).status_code == 200
    assert client.get(old).status_code in (301, 302, 404)


def test_a_listing_with_its_own_routes_is_routed_as_before(client, make_article):
    make_article("Harbour story")
    assert client.get("/articles/").status_code == 200
    assert client.get("/feed/rss/").status_code == 200
    assert client.get("/feed/rss/").status_code == 200
    assert not [key for key in models._routes if key[1] == ("feed", "rss")]
