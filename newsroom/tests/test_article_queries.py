"""An article page costs a fixed number of queries, whatever its bylines, sections and comments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagement.comments import comment_approve, comment_submit
from newsroom.models import DossierPage, RegionPage, ThemePage

pytestmark = pytest.mark.django_db

# Routing (site, three levels of pages), view restrictions, bylines, hero image, three kinds of
# section, site and engagement settings, comments and their replies, corrections, the languages
# it exists in; the page fully rendered
# (no cached pieces). README states it.
ARTICLE_QUERIES = 17
TRANSLATED_ARTICLE_QUERIES = 21


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.fixture
def busy_article(make_article, make_section):
    article = make_article(
        "Harbour story", authors=("Ada Reporter", "Ben Writer", "Cleo Editor", "Dan Photographer"),
        regions=[make_section(RegionPage, f"Region {n}") for n in range(3)],
        themes=[make_section(ThemePage, f"Theme {n}") for n in range(3)],
        dossiers=[make_section(DossierPage, f"Dossier {n}") for n in range(2)],
    )
    for n in range(3):
        comment = comment_submit(article=article, name=f"Reader {n}", email=f"r{n}@example.org", text=f"Comment {n}")
        comment_approve(comment_ids=[comment.pk])
    return article


def test_an_article_page_runs_a_bounded_number_of_queries(client, busy_article, django_assert_max_num_queries):
    path = busy_article.url
    client.get(path)  # Wagtail's site root paths are cached after the first request
    with django_assert_max_num_queries(ARTICLE_QUERIES):
        client.get(path)
    with django_assert_max_num_queries(TRANSLATED_ARTICLE_QUERIES):
        client.get("/fr" + path)


def test_more_bylines_and_sections_cost_no_more_queries(client, busy_article, make_article):
    plain = make_article("Plain story", authors=("Ada Reporter",))
    comment = comment_submit(article=plain, name="Reader", email="r@example.org", text="One comment")
    comment_approve(comment_ids=[comment.pk])
    for path in (busy_article.url, plain.url):  # both routed once, so both are found again directly
        client.get(path)
    assert queries(client, busy_article.url) == queries(client, plain.url)
