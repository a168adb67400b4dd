"""Pieces of pages rendered once per page version and language, and retired with the page."""

import pytest
from django.core.cache import caches
from wagtail.models import Site

from crosspost import pagecache
from crosspost.templatetags.rendercache import rendercache_clear
from engagement import comments
from engagement.comments import comment_approve, comment_submit
from newsroom.models import SiteSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rendercache_on(settings):
    settings.RENDERCACHE_ENABLED = True
    settings.PAGECACHE_LOCAL_SECONDS = 0
    caches["pagecache"].clear()
    pagecache._local_tokens.clear()
    rendercache_clear()
    yield
    rendercache_clear()


@pytest.fixture
def count_comment_lookups(monkeypatch):
    calls = []
    original = comments.comments_for_article

    def counted(article):
        calls.append(article)
        return original(article)

    monkeypatch.setattr("engagement.templatetags.engagement_tags.comments_for_article", counted)
    return calls


def test_the_sharing_and_comments_section_is_rendered_once_per_page_version(client, make_article, count_comment_lookups):
    article = make_article("Harbour story")
    first = client.get(article.url).content.decode()
    second = client.get(article.url).content.decode()
    assert len(count_comment_lookups) == 1
    assert first == second


def test_an_approved_comment_shows_at_once(client, make_article, django_capture_on_commit_callbacks):
    article = make_article("Harbour story")
    assert "No comments yet" in client.get(article.url).content.decode()
    comment = comment_submit(article=article, name="Ines", email="ines@example.org", text="The quay floods every May.")
    assert "The quay floods every May." not in client.get(article.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment_ids=[comment.pk])
    assert "The quay floods every May." in client.get(article.url).content.decode()


def test_each_language_keeps_its_own_header_and_links(client, make_article):
    from translation.services import translations_store_reviewed

    path = make_article("Harbour story", paragraphs=("The quay is quiet.",)).url
    # The switcher lists only languages the page exists in.
    translations_store_reviewed(source_language="en", language="fr",
                                pairs=[("Harbour story", "Le port"), ("The quay is quiet.", "Le quai est calme.")])
    english = client.get(path).content.decode()
    french = client.get("/fr" + path).content.decode()
    assert '<span lang="fr">' in french and '<span lang="en">' not in french
    assert '<span lang="en">' in english
    assert client.get(path).content.decode() == english


def test_new_site_settings_show_on_every_page_at_once(client, make_article, django_capture_on_commit_callbacks):
    article = make_article("Harbour story")
    client.get(article.url)
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.tagline = "News from the northern coast"
    with django_capture_on_commit_callbacks(execute=True):
        site_settings.save()
    assert "News from the northern coast" in client.get(article.url).content.decode()


def test_views_other_than_pages_render_every_piece_afresh(client):
    assert 'value="harbour"' in client.get("/search/?q=harbour").content.decode()
    assert 'value="quay"' in client.get("/search/?q=quay").content.decode()


def test_without_the_store_pieces_are_rendered_afresh(client, make_article, count_comment_lookups, monkeypatch):
    article = make_article("Harbour story")
    monkeypatch.setattr(pagecache, "_cache", lambda: (_ for _ in ()).throw(ConnectionError("store away")))
    monkeypatch.setattr(pagecache, "_resting_until", 0.0)
    assert client.get(article.url).status_code == 200
    monkeypatch.setattr(pagecache, "_resting_until", 0.0)
    assert client.get(article.url).status_code == 200
    assert len(count_comment_lookups) == 2


def test_the_home_pages_listings_are_fetched_once_per_version(client, make_article, django_assert_max_num_queries):
    make_article("Harbour story")
    first = client.get("/").content.decode()
    with django_assert_max_num_queries(8):  # routing and settings; no listing
        second = client.get("/").content.decode()
    assert "Harbour story" in first and first == second


def test_a_new_article_shows_on_the_home_page_at_once(client, make_article, django_capture_on_commit_callbacks):
    make_article("Harbour story")
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        make_article("Bridge reopens")
    assert "Bridge reopens" in client.get("/").content.decode()
