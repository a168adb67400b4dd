"""Full-page cache for anonymous readers, served before Django's request cycle starts.

Published pages barely change and readers vastly outnumber editors (DESIGN.md), so the rendered
bytes of an anonymous GET are kept per URL (the language is part of the URL) and handed out by
a thin WSGI layer. Each path has a version token; purging a path swaps its token, which retires
every cached variant of it (its ?page=N listings included) at once. A site-wide generation
token retires everything, for the rare edits that show on every page (site settings).

Caching is opt-in per view: only a response its view marked (`cacheable` / `mark_cacheable`; every
page type does through `newsroom.models.CacheablePage`) is stored, and only if Django marks it
shareable: status 200, no Set-Cookie, no `Vary: Cookie` (a session or CSRF token was used), no
private/no-store Cache-Control. Purges arrive through `wagtail.contrib.frontend_cache`
(`PageCacheBackend`), which also passes them on to a CDN configured in WAGTAILFRONTENDCACHE.

A hit is served before Django looks at the request, so this layer does the checks Django would
have done first: a Host outside ALLOWED_HOSTS and a plain-http request that production redirects
to https go to Django. Entries are keyed by the query parameters pages use (PAGECACHE_QUERY_PARAMS) alone:
`?utm_source=…` is answered from the canonical entry when there is one, and only canonical
URLs are stored, so fuzzing cannot fill the cache. The generation key carries a fingerprint of what every page embeds
(SITE_URL, the languages, the code), so a restart with another SITE_URL starts afresh.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpResponseBase
from django.http.request import split_domain_port, validate_host
from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task
from wagtail.contrib.frontend_cache.utils import get_backends, purge_urls_from_cache

_STORABLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
                   "text/plain")


def _cache():
    return caches[settings.PAGECACHE_ALIAS]


_code_version: str | None = None
_fingerprint: tuple[tuple, str] = ((), "")


def _code_digest() -> str:
    """A digest of our code and templates, computed once per process: a deploy changes it."""
    global _code_version
    if _code_version is None:
        digest = hashlib.sha1()
        for app in sorted(settings.PAGECACHE_FINGERPRINT_APPS):
            for path in sorted((Path(settings.BASE_DIR) / app).rglob("*")):
                if path.suffix in (".py", ".html", ".txt", ".xml") and "tests" not in path.parts:
                    digest.update(str(path.relative_to(settings.BASE_DIR)).encode() + b"\0" + path.read_bytes())
        _code_version = digest.hexdigest()[:16]
    return _code_version


def _generation_key() -> str:
    """The site generation's key, named after what cached pages embed (checked on every hit: cheap)."""
    global _fingerprint
    inputs = (settings.SITE_URL, settings.PAGECACHE_LANGUAGE_PREFIXES)
    if _fingerprint[0] != inputs:
        value = hashlib.sha1(repr((*inputs, _code_digest())).encode()).hexdigest()[:16]
        _fingerprint = (inputs, "pc:generation:" + value)
        _local_tokens.clear()
    return _fingerprint[1]


_hosts: dict[str, bool] = {}
_hosts_for: list | None = None


def _host_allowed(environ: dict) -> bool:
    """Django's ALLOWED_HOSTS check, remembered per Host value (a handful in practice)."""
    global _hosts_for
    if settings.ALLOWED_HOSTS is not _hosts_for or len(_hosts) > 256:
        _hosts.clear()
        _hosts_for = settings.ALLOWED_HOSTS
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    allowed = _hosts.get(host)
    if allowed is None:
        domain, _ = split_domain_port(host)
        patterns = settings.ALLOWED_HOSTS
        if settings.DEBUG and not patterns:
            patterns = [".localhost", "127.0.0.1", "[::1]"]
        allowed = _hosts[host] = bool(domain) and validate_host(domain, patterns)
    return allowed


def _redirected_to_https(environ: dict) -> bool:
    """Whether Django's SecurityMiddleware would answer this request with a redirect to https."""
    if not settings.SECURE_SSL_REDIRECT or environ.get("wsgi.url_scheme") == "https":
        return False
    proxy = settings.SECURE_PROXY_SSL_HEADER
    return not (proxy and environ.get(proxy[0], "").split(",")[0].strip() == proxy[1])


def _canonical_query(query: str) -> str:
    """Only the parameters pages read, each once, as a short number; everything else dropped."""
    if not query:
        return ""
    kept = {}
    for name, value in parse_qsl(query):
        if name in settings.PAGECACHE_QUERY_PARAMS and name not in kept and value.isascii() and value.isdigit() \
                and len(value) <= 6:
            kept[name] = str(int(value))
    return "&".join(f"{name}={kept[name]}" for name in sorted(kept))


# One site per deployment: keys are paths, not hosts (ALLOWED_HOSTS already rejects the rest).
def _path_key(path: str) -> str:
    return "pc:path:" + hashlib.sha1(path.encode()).hexdigest()


def _page_key(path: str, query: str, generation: str, version: str) -> str:
    return "pc:page:" + hashlib.sha1(f"{generation}|{version}|{path}?{query}".encode()).hexdigest()


def _cacheable_request(environ: dict) -> bool:
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    if "HTTP_AUTHORIZATION" in environ:
        return False
    if "activity+json" in environ.get("HTTP_ACCEPT", "") or "ld+json" in environ.get("HTTP_ACCEPT", ""):
        return False  # an ActivityPub fetch of a page's URL wants its JSON, not the cached HTML
    cookies = environ.get("HTTP_COOKIE", "")
    if settings.SESSION_COOKIE_NAME + "=" in cookies:
        return False
    return _host_allowed(environ) and not _redirected_to_https(environ)


def _storable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200"):
        return False
    content_type = ""
    for name, value in headers:
        lower = name.lower()
        if lower == "set-cookie":
            return False
        if lower == "vary" and "cookie" in value.lower():
            return False
        if lower == "cache-control" and any(w in value.lower() for w in ("private", "no-store", "no-cache")):
            return False
        if lower == "content-type":
            content_type = value.lower()
    return content_type.startswith(_STORABLE_TYPES)


# Each process remembers tokens and pages for PAGECACHE_LOCAL_SECONDS, so a hit usually costs no
# trip to the shared store at all; a purge made by another process shows within that time.
_local_tokens: dict[str, tuple[float, dict[str, str]]] = {}
_local_pages: dict[str, tuple] = {}
_LOCAL_PAGES_MAX = 512


def _tokens(cache, path_key: str) -> dict[str, str]:
    """The site generation and the path's version, created when missing.

    A missing token gets a fresh random value rather than a fixed default: if a token was
    evicted, pages stored under its old value must never be reachable again.
    """
    now = time.monotonic()
    remembered = _local_tokens.get(path_key)
    if remembered is not None and remembered[0] > now:
        return remembered[1]
    tokens = _shared_tokens(cache, path_key)
    if settings.PAGECACHE_LOCAL_SECONDS > 0:
        if len(_local_tokens) > 10_000:
            _local_tokens.clear()
        _local_tokens[path_key] = (now + settings.PAGECACHE_LOCAL_SECONDS, tokens)
    return tokens


def _lookup(cache, key: str):
    hit = _local_pages.get(key)
    if hit is not None:
        return hit
    hit = cache.get(key)
    if hit is not None and settings.PAGECACHE_LOCAL_SECONDS > 0:
        _remember(key, hit)
    return hit


def _remember(key: str, entry: tuple) -> None:
    # Keys embed the version tokens, so an entry here can only go out of date by being unreachable.
    if len(_local_pages) >= _LOCAL_PAGES_MAX:
        _local_pages.clear()
    _local_pages[key] = entry


def _shared_tokens(cache, path_key: str) -> dict[str, str]:
    generation = _generation_key()
    tokens = cache.get_many([generation, path_key])
    missing = [key for key in (generation, path_key) if key not in tokens]
    if missing:
        for key in missing:
            cache.add(key, secrets.token_hex(8), timeout=None)  # add: the first process wins
        tokens = cache.get_many([generation, path_key])
    return {"generation": tokens[generation], path_key: tokens[path_key]}


# After the shared store fails, each process serves without it for this long, so a store that hangs
# (a frozen Redis) costs one timeout every few seconds instead of one per request.
_RESTING_SECONDS = 5.0
_resting_until = 0.0


def _store_failed() -> None:
    global _resting_until
    _resting_until = time.monotonic() + _RESTING_SECONDS


class PageCacheMiddleware:
    """WSGI middleware: answer cached anonymous GETs, store fresh shareable responses."""

    def __init__(self, application: Any) -> None:
        self.application = application

    def __call__(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        if not settings.PAGECACHE_ENABLED or not _cacheable_request(environ) or time.monotonic() < _resting_until:
            return self.application(environ, start_response)
        path = environ.get("PATH_INFO", "/")
        query = environ.get("QUERY_STRING", "")
        canonical = _canonical_query(query) if query else ""
        path_key = _path_key(path)
        try:
            cache = _cache()
            tokens = _tokens(cache, path_key)
            key = _page_key(path, canonical, tokens["generation"], tokens[path_key])
            hit = _lookup(cache, key)
        except Exception:  # noqa: BLE001 - a cache outage must not take the site down with it
            _store_failed()
            return self.application(environ, start_response)
        if hit is not None:
            status, headers, body, etag = hit
            if etag and environ.get("HTTP_IF_NONE_MATCH") == etag:
                start_response("304 Not Modified", [("ETag", etag), ("X-Cache", "hit")])
                return [b""]
            start_response(status, [*headers, ("X-Cache", "hit")])
            return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        if environ["REQUEST_METHOD"] != "GET" or canonical != query:
            # Only canonical URLs fill the cache; the request itself reaches Django untouched, as a
            # view of a parameter not in PAGECACHE_QUERY_PARAMS (a WebFinger lookup) needs it.
            return self.application(environ, start_response)

        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            opted_in, headers = _opted_in(headers)
            captured["status"], captured["headers"] = status, headers
            captured["storable"] = opted_in and exc_info is None and _storable(status, headers)
            return start_response(status, [*headers, ("X-Cache", "miss")] if opted_in else headers, exc_info)

        result = self.application(environ, capture)
        if not captured.get("storable"):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        etag = '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'
        headers = [(n, v) for n, v in captured["headers"] if n.lower() not in ("etag", "x-cache")]
        entry = (captured["status"], [*headers, ("ETag", etag)], body, etag)
        try:
            cache.set(key, entry, settings.PAGECACHE_TTL)
            if settings.PAGECACHE_LOCAL_SECONDS > 0:
                _remember(key, entry)
        except Exception:  # noqa: BLE001 - serving the page matters more than caching it
            _store_failed()
        return [body]


# ---- opting in -----------------------------------------------------------------------------------
# A view's response is kept only when the view asked for it, so a new anonymous view is never
# cached (nor left unpurged) by accident. The mark is a response header, because this layer sits
# outside Django and sees only what the WSGI handler sends; it never reaches the reader.

CACHEABLE_HEADER = "X-Crosspost-Cacheable"


def mark_cacheable(response: HttpResponseBase) -> HttpResponseBase:
    """Let the page cache keep this response (if it is shareable: see `_storable`)."""
    response.headers[CACHEABLE_HEADER] = "1"
    return response


def cacheable(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """View decorator: the view's anonymous GET responses may be kept by the page cache."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponseBase:
        return mark_cacheable(view(*args, **kwargs))

    return wrapped


def _opted_in(headers: list[tuple[str, str]]) -> tuple[bool, list[tuple[str, str]]]:
    """Whether the view marked its response cacheable, and the headers without the mark."""
    kept = [(name, value) for name, value in headers if name.lower() != CACHEABLE_HEADER.lower()]
    return len(kept) != len(headers), kept


def page_version(path: str, query: str = "") -> str | None:
    """The cached page's current version: changes whenever something purges the page (or all).

    For caches of pieces of a page (crosspost/templatetags/rendercache.py): keyed by this, a piece
    is rendered again exactly when the page would be. None when the store cannot be read.
    """
    if time.monotonic() < _resting_until:
        return None
    path_key = _path_key(path)
    try:
        tokens = _tokens(_cache(), path_key)
    except Exception:  # noqa: BLE001 - without the store, render everything afresh
        _store_failed()
        return None
    return f"{tokens['generation']}.{tokens[path_key]}.{_canonical_query(query)}"


# ---- purging ------------------------------------------------------------------------------------


class PageCacheBackend(BaseBackend):
    """Our page cache as a `wagtail.contrib.frontend_cache` backend; a CDN or Varnish is another.

    Purges arrive as full URLs, already one per language; a URL's query string is ignored, since
    purging a path retires all its variants (?page=N included).
    """

    def purge(self, url: str) -> None:
        self.purge_batch([url])

    def purge_batch(self, urls: Iterable[str]) -> None:
        _purge_exact_paths({urlsplit(url).path or "/" for url in urls})


_held = threading.local()


@contextlib.contextmanager
def pagecache_purges_held() -> Iterator[None]:
    """Inside, purges of our page cache are only noted; leaving retires the whole cache once.

    For bulk writers (imports) that publish many pages: each purge writes a token per path and
    language, which costs more than the page it follows. Purges that run after leaving (on the
    commit of a transaction that outlives the block) happen as usual.
    """
    depth = getattr(_held, "depth", 0)
    _held.depth, _held.noted = depth + 1, getattr(_held, "noted", False) if depth else False
    try:
        yield
    finally:
        _held.depth = depth
        if not depth and _held.noted:
            pagecache_purge_all()


def _purge_exact_paths(paths: set[str]) -> int:
    if getattr(_held, "depth", 0):
        _held.noted = True
        return len(paths)
    token = secrets.token_hex(8)
    keys = {_path_key(path): token for path in paths}
    if keys:
        _cache().set_many(keys, timeout=None)
    _local_tokens.clear()
    return len(keys)


def _language_variants(url: str, languages: Iterable[str] | None) -> list[str]:
    """`url` (of the default language: no prefix) in each language, or only in `languages`."""
    parts = urlsplit(url)
    codes = settings.PAGECACHE_LANGUAGE_PREFIXES if languages is None else languages
    variants = [url] if languages is None or settings.LANGUAGE_CODE in languages else []
    for code in codes:
        if code != settings.LANGUAGE_CODE:
            variants.append(urlunsplit(parts._replace(path=f"/{code}{parts.path}")))
    return variants


def pagecache_purge_urls(urls: Iterable[str], *, languages: Iterable[str] | None = None) -> int:
    """Purge these URLs (of the default language) in every language, or only in `languages`.

    Through `wagtail.contrib.frontend_cache`, so every backend in WAGTAILFRONTENDCACHE gets them:
    our own page cache at once (it is cheap, and an editor expects to see the change), the others
    (a CDN's API, a Varnish) on a task worker as Wagtail queues them. Returns how many URLs.
    """
    wanted = None if languages is None else list(languages)
    expanded = sorted({variant for url in urls for variant in _language_variants(url, wanted)})
    if not expanded:
        return 0
    backends = get_backends()
    ours = [name for name, backend in backends.items() if isinstance(backend, PageCacheBackend)]
    others = [name for name in backends if name not in ours]
    if ours:
        purge_urls_from_cache_task.call(expanded, None, ours)
    if others:
        purge_urls_from_cache(expanded, backends=others)
    return len(expanded)


def pagecache_purge_all() -> None:
    """Retire every cached page, for edits that show everywhere (site settings, navigation)."""
    _cache().set(_generation_key(), secrets.token_hex(8), timeout=None)
    _local_tokens.clear()


def pagecache_clear() -> int:
    """Delete every stored page and token (`crosspost pagecache clear`); returns how many keys went.

    On Redis only our own prefix is deleted: Django's clear() would flush the whole database,
    sessions and rate limits included.
    """
    cache = _cache()
    _local_tokens.clear()
    _local_pages.clear()
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=cache.make_key("pc:") + "*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start:start + 500])
        return len(keys)
    count = len(list(Path(cache._dir).glob("*"))) if hasattr(cache, "_dir") else 0
    cache.clear()
    return count
