"""Counting republished copies' views without a database write per hit.

A hit adds one to the process's counters (crosspost/lib/counters.py), keyed by day, article,
partner and the page that showed the image; every few seconds the process hands its counts to
the store all processes share, and the task worker's flush (audience.services.counters_flush)
writes them into Republication rows and daily rows, each batch exactly once.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from crosspost.lib.counters import counter_add
from engagement.republish import pixel_ids

PIXEL = "px"
# A transparent 1×1 GIF (GIF89a, one-colour palette, graphic-control extension for transparency).
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
    b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
# New pages recorded per flush, across all articles; stops a flood of made-up Referers from
# growing the table without bound.
MAX_NEW_PAGES = settings.ENGAGEMENT_PIXEL_MAX_PAGES


def referer_page(referer: str, own_host: str) -> tuple[str, str] | None:
    """(page_url, domain) for a Referer; ('', '') when there is none; None when it is ours or junk.

    The fragment is dropped and the host lower-cased; the query is kept because some sites
    (WordPress's ?p=123) identify pages by it.
    """
    referer = referer.strip()
    if not referer:
        return "", ""
    try:
        parts = urlsplit(referer)
        host = (parts.hostname or "").lower()
        port = parts.port  # raises for a port that is not a number below 65536
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    own = {own_host.lower(), (urlsplit(settings.SITE_URL).hostname or "").lower()}
    if host in own:
        return None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    return url[:1000], host[:255]


def hit_record(*, article_id: int, page_url: str, domain: str, partner_id: int | None = None) -> None:
    """The hot path: one addition in this process's memory."""
    counter_add((PIXEL, timezone.localdate().isoformat(), article_id, partner_id or 0, page_url, domain))


@require_GET
def pixel_view(request: HttpRequest, token: str) -> HttpResponse:
    """Count one view of a republished copy; never touches the database."""
    ids = pixel_ids(token)
    if ids is None:
        raise Http404("Unknown pixel")
    page = referer_page(request.META.get("HTTP_REFERER", ""), request.get_host().split(":")[0])
    if page is not None:
        hit_record(article_id=ids[0], page_url=page[0], domain=page[1], partner_id=ids[1])
    response = HttpResponse(GIF, content_type="image/gif")
    response["Cache-Control"] = "no-store, max-age=0"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
