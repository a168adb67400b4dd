"""Purging goes through Wagtail's frontend-cache seam; caching is opt-in per view."""

from __future__ import annotations

import http.server
import threading

import pytest
from wagtail.models import Page

from crosspost.tests.test_pagecache import reader  # noqa: F401 - the fixture
from newsroom.models import AuthorPage, RegionPage

pytestmark = pytest.mark.django_db


class PurgeReceiver:
    """A cache in front of the site (Varnish-like) on loopback that records PURGE requests."""

    def __init__(self) -> None:
        self.purged: list[tuple[str, str]] = []  # (Host, path)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PURGE(self):  # noqa: N802
                receiver.purged.append((self.headers["Host"], self.path))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.location = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def paths(self) -> set[str]:
        return {path for _, path in self.purged}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def cdn(settings):
    receiver = PurgeReceiver()
    settings.WAGTAILFRONTENDCACHE = {
        "pagecache": {"BACKEND": "crosspost.pagecache.PageCacheBackend"},
        "cdn": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": receiver.location},
    }
    yield receiver
    receiver.close()


def publish(page, callbacks):
    with callbacks(execute=True):
        page.save_revision().publish()


def test_a_cdn_configured_in_settings_gets_the_same_purges_as_our_cache(cdn, make_article,
                                                                        django_capture_on_commit_callbacks):
    article = make_article("Harbour strike ends", authors=("Ada Reporter",))
    cdn.purged.clear()
    publish(article, django_capture_on_commit_callbacks)
    site = article.get_site()
    assert {host for host, _ in cdn.purged} == {site.hostname if site.port == 80 else f"{site.hostname}:{site.port}"}
    for path in (article.url, "/", "/feed/rss/", "/feed/atom/", "/sitemap.xml", "/articles/",
                 "/authors/ada-reporter/", "/authors/ada-reporter/feed/rss/"):
        assert path in cdn.paths, path
        assert f"/fr{path}" in cdn.paths and f"/ar{path}" in cdn.paths, path
    assert "/authors/" not in cdn.paths  # the authors' folder does not list articles


def test_a_translation_purges_its_language_only(cdn, make_article):
    from newsroom.services import pagecache_purge_for_page

    article = make_article("Harbour strike ends")
    cdn.purged.clear()
    pagecache_purge_for_page(article, languages=["fr"])
    assert f"/fr{article.url}" in cdn.paths
    assert article.url not in cdn.paths and f"/ar{article.url}" not in cdn.paths


def test_publishing_an_author_purges_what_shows_them_not_everything(reader, make_article,  # noqa: F811
                                                                    django_capture_on_commit_callbacks):
    theirs = make_article("By Ada", authors=("Ada Reporter",)).url
    other = make_article("By Ben", authors=("Ben Writer",)).url
    watched = (theirs, other, "/authors/ada-reporter/", "/authors/ben-writer/", "/")
    for path in watched:
        assert reader.get(path)[1]["X-Cache"] == "miss"
    ada = AuthorPage.objects.get(slug="ada-reporter")
    ada.title = "Ada Q. Reporter"
    publish(ada, django_capture_on_commit_callbacks)
    results = {path: reader.get(path) for path in watched}
    for path in (theirs, "/authors/ada-reporter/", "/"):
        _, headers, body = results[path]
        assert headers["X-Cache"] == "miss" and b"Ada Q. Reporter" in body, path
    assert results[other][1]["X-Cache"] == "hit"
    assert results["/authors/ben-writer/"][1]["X-Cache"] == "hit"


def test_publishing_a_section_keeps_other_sections_cached(reader, make_article, make_section,  # noqa: F811
                                                          django_capture_on_commit_callbacks):
    europe, asia = make_section(RegionPage, "Europe"), make_section(RegionPage, "Asia")
    in_europe = make_article("Ferries", regions=[europe]).url
    for path in (in_europe, europe.url, asia.url):
        reader.get(path)
    europe.description = "<p>The continent, country by country.</p>"
    publish(europe, django_capture_on_commit_callbacks)
    assert reader.get(europe.url)[1]["X-Cache"] == "miss"
    assert reader.get(in_europe)[1]["X-Cache"] == "miss"  # it links to the section by name
    assert reader.get(asia.url)[1]["X-Cache"] == "hit"


def test_a_view_that_does_not_opt_in_is_never_cached(reader, settings, db):  # noqa: F811
    settings.ROOT_URLCONF = "crosspost.tests.urls_opt_in"
    for _ in range(2):
        status, headers, body = reader.get("/fresh/")
        assert status.startswith("200") and body == b"<p>rendered for you</p>"
        assert "X-Cache" not in headers
    assert reader.get("/kept/")[1]["X-Cache"] == "miss"
    status, headers, _ = reader.get("/kept/")
    assert headers["X-Cache"] == "hit"
    assert not any(name.lower() == "x-crosspost-cacheable" for name in headers)  # the mark stays inside


def test_every_page_type_of_the_tree_opts_in(db):
    from newsroom.models import CacheablePage

    page_types = {page.specific_class for page in Page.objects.filter(depth__gt=1)}
    assert page_types and all(issubclass(model, CacheablePage) for model in page_types)
