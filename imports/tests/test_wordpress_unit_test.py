"""Importing WordPress's own Theme Unit Test data (a real wordpress.com export) — read once per module."""

from __future__ import annotations

import pytest
from wagtail.contrib.redirects.models import Redirect

from engagement.models import Comment
from imports.models import SimplePage
from imports.tests.conftest import imported_once
from imports.tests.test_wordpress import imported
from newsroom.models import ArticlePage, AuthorPage, ThemePage

pytestmark = pytest.mark.django_db

UNIT_TEST = "wordpress-theme-unit-test.xml"


unit_test_import = imported_once("wordpress", UNIT_TEST)


@pytest.fixture
def unit_test(unit_test_import, db) -> dict:
    return unit_test_import


def test_the_theme_unit_test_export_imports_its_posts_pages_and_comments(unit_test):
    assert unit_test["articles"] == 58
    assert unit_test["pages"] == 21
    assert ArticlePage.objects.count() == 58
    assert ArticlePage.objects.live().count() == 55  # not a draft, a password-protected and a scheduled post
    assert SimplePage.objects.count() == 21
    assert unit_test["comments"] == Comment.objects.count() == 23
    assert unit_test["comments_dropped"] == {"pingback": 2, "trackback": 2, "unapproved": 1, "on a page": 5}
    assert {s["reason"] for s in unit_test["skipped"]} == {"nav_menu_item is not content"}


def test_titles_lose_their_markup_and_keep_their_characters(unit_test):
    assert imported("post", "1173").title == "Markup: Title With Markup"
    special = imported("post", "1174").title
    assert special.startswith("Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>")


def test_a_post_without_a_title_is_named_after_its_first_words(unit_test):
    untitled = imported("post", "1169")
    assert untitled.title.startswith("This post has no title")
    assert untitled.slug == "edge-case-no-title"


def test_a_post_without_content_is_imported_empty(unit_test):
    assert len(imported("post", "1170").body) == 0


def test_password_protected_and_draft_posts_become_drafts_with_a_note(unit_test):
    assert not imported("post", "1168").live
    assert not imported("post", "1164").live
    assert {"source_id": "1168", "note": "password-protected on WordPress: imported as a draft"} in unit_test["notes"]


def test_the_post_scheduled_for_2030_waits_for_its_date(unit_test):
    scheduled = imported("post", "1153")
    assert not scheduled.live and scheduled.go_live_at.year == 2030


def test_sixty_three_categories_become_themes_and_tags_are_dropped(unit_test):
    many = imported("post", "1152")  # "Edge Case: Many Categories"
    assert many.themes.count() == 63
    assert unit_test["terms_dropped"]["tag"] > 0
    assert imported("post", "1151").themes.count() == 2  # its two categories; its 45 tags are dropped


def test_replies_to_replies_hang_under_the_top_comment(unit_test):
    comments = Comment.objects.filter(article=imported("post", "1148"))
    assert comments.count() > 3
    assert all(c.parent is None or c.parent.parent is None for c in comments)
    assert comments.exclude(parent=None).exists()


def test_old_permalinks_and_query_urls_answer_301_to_the_new_page(unit_test, client):
    article = imported("post", "1173")
    response = client.get("/2013/01/05/markup-title-with-markup/")
    assert response.status_code == 301
    assert response["Location"] == article.url
    assert client.get(response["Location"]).status_code == 200
    by_id = client.get("/?p=1173")
    assert by_id.status_code == 301 and by_id["Location"] == article.url


def test_an_old_url_that_maps_to_nothing_is_a_404(unit_test, client):
    assert client.get("/2012/01/04/template-password-protected/").status_code == 404  # now a draft
    assert client.get("/2099/01/01/never-written/").status_code == 404


def test_a_drafts_old_urls_answer_once_it_is_published_and_stop_when_unpublished(unit_test, client):
    draft = imported("post", "1168")  # password-protected on WordPress: a draft here
    old_urls = ("/2012/01/04/template-password-protected/", "/?p=1168")
    assert [client.get(url).status_code for url in old_urls] == [404, 404]  # never a 301 to a 404
    draft.save_revision().publish()
    draft.refresh_from_db()
    for url in old_urls:
        response = client.get(url)
        assert response.status_code == 301 and response["Location"] == draft.url
        assert client.get(response["Location"]).status_code == 200
    draft.unpublish()
    assert [client.get(url).status_code for url in old_urls] == [404, 404]


def test_pages_keep_their_nesting_and_so_their_old_addresses(unit_test, client):
    level_3 = imported("page", "172", SimplePage)
    assert level_3.url == "/level-1/level-2/level-3/"
    assert client.get("/level-1/level-2/level-3/").status_code == 200
    assert not Redirect.objects.filter(old_path="/level-1/level-2/level-3").exists()  # it would loop
    page_id = client.get("/?page_id=172")
    assert page_id.status_code == 301 and page_id["Location"] == level_3.url


def test_importing_again_creates_nothing_twice(unit_test, run_import):
    counts = (ArticlePage.objects.count(), SimplePage.objects.count(), Comment.objects.count(),
              AuthorPage.objects.count(), ThemePage.objects.count(), Redirect.objects.count())
    again = run_import("wordpress", UNIT_TEST)
    assert again["created"] == {}
    assert again["unchanged"]["articles"] == 58
    assert counts == (ArticlePage.objects.count(), SimplePage.objects.count(), Comment.objects.count(),
                      AuthorPage.objects.count(), ThemePage.objects.count(), Redirect.objects.count())
