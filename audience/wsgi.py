"""The view beacon answered in the WSGI layer, before Django's request cycle, like a page-cache hit.

A beacon arrives with every page view, so its cost matters as much as the page's: through
Django's middleware (sessions, locale, CSRF, authentication, messages) it cost several times a
cached page. Here it does only what counting needs: the Host check Django would do, the parse,
and one addition in memory. Anything unusual (another method, a Host not allowed, a body too
big) goes on to Django's view (audience.views.beacon), which counts the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from audience.beacon import beacon_parse, view_count
from audience.views import GIF
from crosspost.lib.client import client_address_from
from crosspost.pagecache import _host_allowed

PATHS = ("/a/v", "/a/v.gif")
MAX_BODY = 4096
_HEADERS = [("Cache-Control", "no-store"), ("Content-Length", "0")]
_GIF_HEADERS = [("Content-Type", "image/gif"), ("Cache-Control", "no-store"), ("Content-Length", str(len(GIF)))]


def _fields(environ: dict) -> dict[str, str] | None:
    if environ["REQUEST_METHOD"] == "GET":
        return dict(parse_qsl(environ.get("QUERY_STRING", "")))
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > MAX_BODY or "urlencoded" not in environ.get("CONTENT_TYPE", "") and length:
        return None
    body = environ["wsgi.input"].read(length) if length else b""
    return dict(parse_qsl(body.decode("utf-8", "replace")))


def _same_site(environ: dict, host: str) -> bool:
    """A browser's POST from another site names it in Origin; such beacons are not ours to count."""
    origin = environ.get("HTTP_ORIGIN")
    return not origin or urlsplit(origin).netloc == host


class BeaconMiddleware:
    def __init__(self, application: Any) -> None:
        self.application = application

    def __call__(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO") not in PATHS or environ.get("REQUEST_METHOD") not in ("GET", "POST") \
                or not _host_allowed(environ):
            return self.application(environ, start_response)
        fields = _fields(environ)
        if fields is None:
            return self.application(environ, start_response)
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if _same_site(environ, host):
            view_count(beacon_parse(fields), environ, ip=client_address_from(environ),
                       own_host=host.split(":")[0])
        if environ["PATH_INFO"] == "/a/v.gif":
            start_response("200 OK", list(_GIF_HEADERS))
            return [GIF]
        start_response("204 No Content", list(_HEADERS))
        return [b""]
