"""The page cache answers before Django, so it must not answer what Django would refuse, redirect
or build differently: other hosts, other ports, plain http in production, stray query strings,
and pages rendered for a SITE_URL the site no longer has."""

import re

import pytest
from django.core.management import call_command

from crosspost import pagecache
from crosspost.tests.test_pagecache import Reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(settings) -> Reader:
    """One web process in front of an empty page cache."""
    settings.PAGECACHE_LOCAL_SECONDS = 0
    pagecache.pagecache_clear()
    pagecache._resting_until = 0.0
    return Reader()


def test_a_host_outside_allowed_hosts_gets_djangos_refusal_not_a_cached_page(reader, make_article):
    path = make_article("Cached story").url
    reader.get(path), reader.get(path)
    status, headers, body = reader.get(path, host="evil.example")
    assert status.startswith("400") and "X-Cache" not in headers
    assert b"Cached story" not in body


def test_another_port_cannot_write_its_address_into_the_cached_sitemap(reader, make_article):
    make_article("Mapped story")
    for path in ("/sitemap.xml?x", "/sitemap.xml", "/sitemap-articles.xml"):
        _, _, body = reader.get(path, host="testserver:9999")
        assert b"9999" not in body, path
    _, headers, body = reader.get("/sitemap.xml")
    assert headers["X-Cache"] == "hit"
    # The part holding the article goes by its id (p=2 past SITEMAP_PAGE_SIZE, as on PostgreSQL after
    # tests that import many articles): read it from the index rather than assume the first.
    part = re.search(rb"<loc>http://testserver(/sitemap-articles\.xml(?:\?p=\d+)?)</loc>", body)
    assert part is not None and b"9999" not in body
    _, _, articles = reader.get(part.group(1).decode())
    assert b"<loc>http://testserver/articles/mapped-story/</loc>" in articles


def test_plain_http_is_redirected_to_https_even_when_the_page_is_cached(reader, make_article, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    reader = Reader()  # Django's SecurityMiddleware reads the settings when it is built
    path = make_article("Secure story").url
    reader.get(path, x_forwarded_proto="https")
    assert reader.get(path, x_forwarded_proto="https")[1]["X-Cache"] == "hit"
    status, headers, _ = reader.get(path)
    assert status.startswith("301") and headers["Location"] == f"https://testserver{path}"
    status, headers, _ = reader.get(path, x_forwarded_proto="http")
    assert status.startswith("301")


def _stored_entries() -> int:
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["pagecache"]
    if isinstance(cache, RedisCache):
        return sum(1 for _ in cache._cache.get_client().scan_iter(match=cache.make_key("pc:") + "*"))
    return len(cache._cache)


def test_query_parameters_pages_do_not_read_share_the_canonical_entry(reader, make_article):
    make_article("Listed story")
    reader.get("/articles/")
    for query in ("utm_source=mail", "x=1&y=2", "page=abc", "page=1x", "a" * 500):
        status, headers, body = reader.get(f"/articles/?{query}")
        assert status.startswith("200") and headers["X-Cache"] == "hit", query
    stored = _stored_entries()
    assert stored > 0
    for n in range(50):
        reader.get(f"/articles/?fuzz{n}={n}")
    assert _stored_entries() == stored


def test_the_page_number_still_selects_its_own_page(reader, make_article):
    for n in range(25):
        make_article(f"Story {n}")
    first = reader.get("/articles/")[2]
    second = reader.get("/articles/?page=2")
    assert second[1]["X-Cache"] == "miss" and second[2] != first
    assert reader.get("/articles/?page=2&utm_source=x")[1]["X-Cache"] == "hit"
    assert reader.get("/articles/?page=02")[1]["X-Cache"] == "hit"


def test_a_stray_parameter_on_an_uncached_url_reaches_django_as_sent(reader, make_article):
    make_article("Listed story")
    status, headers, _ = reader.get("/articles/?utm_source=mail")
    assert status.startswith("200") and headers.get("X-Cache") != "hit"
    assert reader.get("/articles/?utm_source=mail")[1].get("X-Cache") != "hit"  # not stored under it
    reader.get("/articles/")
    assert reader.get("/articles/?utm_source=mail")[1]["X-Cache"] == "hit"


def test_a_new_site_url_never_serves_links_to_the_old_one(reader, make_article, settings):
    path = make_article("Moved story").url
    reader.get(path), reader.get("/feed/rss/")
    assert b"http://testserver" in reader.get(path)[2]
    settings.SITE_URL = "http://news.example:8001"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "news.example"]
    for url in (path, "/feed/rss/"):
        _, headers, body = reader.get(url)
        assert headers["X-Cache"] == "miss", url
        assert b"http://news.example:8001" in body and b"http://testserver/" not in body, url


def test_a_new_language_list_starts_afresh(reader, make_article, settings):
    path = make_article("Story in many languages").url
    reader.get(path)
    settings.PAGECACHE_LANGUAGE_PREFIXES = ("fr",)
    assert reader.get(path)[1]["X-Cache"] == "miss"


def test_operators_clear_the_page_cache(reader, make_article, capsys):
    path = make_article("Cleared story").url
    reader.get(path), reader.get("/")
    assert reader.get(path)[1]["X-Cache"] == "hit"
    call_command("pagecache", "clear")
    assert "Page cache cleared" in capsys.readouterr().out
    assert reader.get(path)[1]["X-Cache"] == "miss"
    assert reader.get("/")[1]["X-Cache"] == "miss"
