from io import BytesIO
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import translation

from crosspost.pagecache import PageCacheMiddleware

pytestmark = pytest.mark.django_db


class Reader:
    """Calls the WSGI stack the way Granian does, page cache included."""

    def __init__(self) -> None:
        self.app = PageCacheMiddleware(WSGIHandler())

    def get(self, path: str, method: str = "GET", **headers) -> tuple[str, dict, bytes]:
        path, _, query = path.partition("?")
        environ = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": method,
                   "HTTP_HOST": "testserver", "SERVER_NAME": "testserver", "wsgi.input": BytesIO(b"")}
        environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
        setup_testing_defaults(environ)
        captured = {}

        def start_response(status, response_headers, exc_info=None):
            captured["status"], captured["headers"] = status, dict(response_headers)

        # As Django's test client does: the request must not close the test's database connection.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            body = b"".join(self.app(environ, start_response))
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        translation.activate("en")
        return captured["status"], captured["headers"], body


@pytest.fixture
def reader(settings):
    from django.core.cache import caches

    from crosspost import pagecache

    # Tests play one process; the per-process layer gets its own test below.
    settings.PAGECACHE_LOCAL_SECONDS = 0
    caches["pagecache"].clear()
    pagecache._local_tokens.clear()
    pagecache._local_pages.clear()
    pagecache._resting_until = 0.0
    return Reader()


def test_a_second_anonymous_view_is_served_from_the_cache(reader, make_article):
    path = make_article("Cached story").url
    status, headers, first = reader.get(path)
    assert status.startswith("200") and headers["X-Cache"] == "miss"
    status, headers, second = reader.get(path)
    assert headers["X-Cache"] == "hit" and second == first
    assert b"Cached story" in second


def test_publishing_an_edit_shows_at_once(reader, make_article, django_capture_on_commit_callbacks):
    article = make_article("Before the edit")
    path = article.url
    reader.get(path), reader.get("/"), reader.get("/fr/articles/")
    article.title = "After the edit"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    for url in (path, "/", "/fr/articles/", "/feed/rss/"):
        _, headers, body = reader.get(url)
        assert headers["X-Cache"] == "miss", url
        assert b"After the edit" in body, url


def test_publishing_one_article_keeps_unrelated_articles_cached(reader, make_article,
                                                                django_capture_on_commit_callbacks):
    first = make_article("First story", authors=("Ada Reporter",))
    other_path = make_article("Other story", authors=("Ben Writer",)).url
    for path in (other_path, "/authors/ben-writer/", "/authors/ada-reporter/"):
        assert reader.get(path)[1]["X-Cache"] == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        first.save_revision().publish()
    assert reader.get(other_path)[1]["X-Cache"] == "hit"
    assert reader.get("/authors/ben-writer/")[1]["X-Cache"] == "hit"
    assert reader.get("/authors/ada-reporter/")[1]["X-Cache"] == "miss"  # it lists the republished story


def test_unpublishing_removes_the_page_at_once(reader, make_article, django_capture_on_commit_callbacks):
    article = make_article("Withdrawn")
    path = article.url
    reader.get(path)
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert reader.get(path)[0].startswith("404")


def test_logged_in_editors_and_posts_bypass_the_cache(reader, make_article):
    path = make_article().url
    reader.get(path)
    assert "X-Cache" not in reader.get(path, cookie="sessionid=abc")[1]
    assert "X-Cache" not in reader.get(path, method="POST")[1]


def test_search_and_admin_are_never_cached(reader, make_article):
    make_article("Findable")
    for path in ("/search/?q=findable", "/fr/search/?q=findable", "/admin/login/"):
        reader.get(path)
        assert "X-Cache" not in reader.get(path)[1], path


def test_a_page_waiting_for_its_translation_is_not_cached(reader, make_article, settings):
    settings.CROSSPOST_MT_BACKEND = "libretranslate"
    settings.CROSSPOST_MT_URL = "http://127.0.0.1:9"
    path = make_article("Not yet in German").url
    status, headers, body = reader.get(f"/de{path}")
    assert status.startswith("200") and b"Translation in progress" in body
    assert reader.get(f"/de{path}")[1]["X-Cache"] == "miss"


def test_a_matching_etag_gets_304(reader, make_article):
    path = make_article().url
    reader.get(path)
    _, headers, _ = reader.get(path)
    status, _, body = reader.get(path, if_none_match=headers["ETag"])
    assert status.startswith("304") and body == b""


def test_changing_site_settings_purges_every_page(reader, make_article, django_capture_on_commit_callbacks):
    from wagtail.models import Site

    from newsroom.models import SiteSettings

    path = make_article().url
    reader.get(path)
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.disclaimer = "<p>New disclaimer.</p>"
    with django_capture_on_commit_callbacks(execute=True):
        site_settings.save()
    _, headers, body = reader.get(path)
    assert headers["X-Cache"] == "miss" and b"New disclaimer." in body


def test_a_broken_cache_serves_pages_uncached(reader, make_article, monkeypatch):
    from crosspost import pagecache

    path = make_article("Still served").url

    calls = []

    def broken():
        calls.append(1)
        raise ConnectionError("cache down")

    monkeypatch.setattr(pagecache, "_cache", broken)
    status, headers, body = reader.get(path)
    assert status.startswith("200") and b"Still served" in body
    # A store that hangs would cost every request a timeout: the next ones do not ask it.
    assert reader.get(path)[0].startswith("200") and len(calls) == 1


def test_an_evicted_version_token_never_resurrects_an_old_copy(reader, make_article):
    from django.core.cache import caches

    from crosspost.pagecache import _path_key

    path = make_article().url
    reader.get(path)
    caches["pagecache"].delete(_path_key(path))
    assert reader.get(path)[1]["X-Cache"] == "miss"


def test_each_process_trusts_its_memory_for_a_moment_then_sees_other_processes_purges(reader, make_article, settings,
                                                                                       monkeypatch):
    from django.core.cache import caches

    from crosspost import pagecache

    settings.PAGECACHE_LOCAL_SECONDS = 2
    clock = {"now": 1000.0}
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock["now"])
    path = make_article().url
    reader.get(path)
    caches["pagecache"].clear()  # the shared store is gone: only this process's memory answers
    assert reader.get(path)[1]["X-Cache"] == "hit"
    # Another process purged the path: its new token reaches us once our memory expires.
    caches["pagecache"].set(pagecache._path_key(path), "purged-elsewhere", timeout=None)
    clock["now"] += 3
    assert reader.get(path)[1]["X-Cache"] == "miss"
