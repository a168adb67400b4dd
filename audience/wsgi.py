"""The view beacon answered in the WSGI layer, before Django's request cycle, like a page-cache hit.

A beacon arrives with every page view, so its cost matters as much as the page's: through
Django's middleware (sessions, locale, CSRF, authentication, messages) it cost several times a
cached page. Here it does only what counting needs: the Host check Django would do, reading the
body, and audience.beacon's remembered parse and one addition in memory; the answer's status and
headers are built once. Anything unusual (another method, a Host not allowed, a body too big or
not a form) goes on to Django's view (audience.views.beacon), which counts the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from audience.beacon import fields_from_body, view_count_fields
from audience.views import GIF
from crosspost.pagecache import _host_allowed

PATHS = frozenset({"/a/v", "/a/v.gif"})
MAX_BODY = 4096
_NO_CONTENT = "204 No Content"
_HEADERS = (("Cache-Control", "no-store"), ("Content-Length", "0"))
_GIF_HEADERS = (("Content-Type", "image/gif"), ("Cache-Control", "no-store"), ("Content-Length", str(len(GIF))))
_EMPTY = (b"",)
_IMAGE = (GIF,)


def _body(environ: dict) -> str | None:
    """The beacon's urlencoded fields as text; None for what Django's view should see instead."""
    if environ["REQUEST_METHOD"] == "GET":
        return environ.get("QUERY_STRING", "")
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not length:
        return ""
    if length > MAX_BODY or "urlencoded" not in environ.get("CONTENT_TYPE", ""):
        return None
    return environ["wsgi.input"].read(length).decode("utf-8", "replace")


def _same_site(environ: dict, host: str) -> bool:
    """A browser's POST from another site names it in Origin; such beacons are not ours to count."""
    origin = environ.get("HTTP_ORIGIN")
    return not origin or origin.partition("://")[2] == host


class BeaconMiddleware:
    def __init__(self, application: Any) -> None:
        self.application = application

    def __call__(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path not in PATHS or environ.get("REQUEST_METHOD") not in ("GET", "POST") or not _host_allowed(environ):
            return self.application(environ, start_response)
        body = _body(environ)
        if body is None:
            return self.application(environ, start_response)
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if _same_site(environ, host):
            view_count_fields(fields_from_body(body, host.partition(":")[0]), environ)
        if path == "/a/v.gif":
            start_response("200 OK", list(_GIF_HEADERS))
            return _IMAGE
        start_response(_NO_CONTENT, list(_HEADERS))
        return _EMPTY
