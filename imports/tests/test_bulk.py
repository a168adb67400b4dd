"""The bulk path: what an archive imported in batches is, on WordPress's Theme Unit Test export."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from engagement.models import Comment
from imports import services
from imports.models import ImportedObject
from imports.tests.conftest import DATA
from imports.tests.test_wordpress import imported
from newsroom.models import ArticlePage
from search.models import ArticleSearchEntry

pytestmark = pytest.mark.django_db

UNIT_TEST = "wordpress-theme-unit-test.xml"


class Killed(Exception):
    pass


def import_unit_test(progress=None):
    with (DATA / UNIT_TEST).open("rb") as file:
        return services.wordpress_import(file=file, progress=progress)


@pytest.fixture
def small_batches(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr(services, "BATCH_SIZE", 10)


def test_articles_written_in_batches_make_a_consistent_tree(small_batches):
    import_unit_test()
    assert all(not problems for problems in Page.find_problems())
    folder = ArticlePage.objects.first().get_parent()
    assert folder.numchild == folder.get_children().count() == 58
    assert len(set(ArticlePage.objects.values_list("slug", flat=True))) == 58


def test_live_articles_are_in_the_site_search_and_drafts_are_not(small_batches):
    import_unit_test()
    live = set(ArticlePage.objects.live().values_list("pk", flat=True))
    assert live and set(ArticleSearchEntry.objects.values_list("article_id", flat=True)) == live
    entry = ArticleSearchEntry.objects.get(article_id=imported("post", "1173").pk)
    assert entry.title == "Markup: Title With Markup" and entry.authors == "Theme Buster"


def test_editors_find_bulk_imported_articles_in_the_admin_and_can_publish_them(small_batches, admin_client):
    import_unit_test()
    article = imported("post", "1173")
    found = admin_client.get("/admin/pages/search/", {"q": "Title With Markup"})
    assert f"/admin/pages/{article.pk}/edit/" in found.content.decode()
    assert admin_client.get(f"/admin/pages/{article.pk}/edit/").status_code == 200
    draft = imported("post", "1168")  # password-protected on WordPress: a draft here
    revision = draft.save_revision()
    revision.publish()
    assert ArticlePage.objects.get(pk=draft.pk).live_revision_id == revision.pk


def test_a_killed_import_goes_on_where_it_stopped(small_batches):
    def kill_after_three_batches(done, total):
        if done >= 30:
            raise Killed

    with pytest.raises(Killed):
        import_unit_test(progress=kill_after_three_batches)
    first = ArticlePage.objects.count()
    assert 0 < first < 58
    report = import_unit_test()
    assert report.created["articles"] == 58 - first and report.unchanged["articles"] == first
    assert ArticlePage.objects.count() == 58
    assert Comment.objects.count() == ImportedObject.objects.filter(kind="comment").count() == report.comments
    assert all(not problems for problems in Page.find_problems())


def test_purges_while_an_import_runs_are_held_and_the_whole_cache_retired_once(settings):
    from crosspost.pagecache import page_version, pagecache_purge_urls, pagecache_purges_held

    before = page_version("/authors/lena/")
    with pagecache_purges_held():
        pagecache_purge_urls([settings.SITE_URL + "/authors/lena/"])
        assert page_version("/authors/lena/") == before  # no token written per page and language
    assert page_version("/authors/lena/") not in (before, None)
