"""Counting republished copies' views in the cache, so a pixel hit never writes to the database.

Time is cut into intervals (a minute by default). Within an interval each (article, page) gets a
counter; the first hit of a page also takes the next slot number of the interval and writes its
identity into that slot, which is how the flusher finds the counters without listing keys (the
cache API cannot). A finished interval is claimed once with `add` and its counts are handed to
the flusher; whatever a crash loses is at most an interval of view counts.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache

INTERVAL = settings.ENGAGEMENT_PIXEL_INTERVAL
# Distinct pages counted per interval, across all articles; stops a flood of made-up Referers
# from growing the table without bound.
MAX_PAGES_PER_INTERVAL = settings.ENGAGEMENT_PIXEL_MAX_PAGES
LOOKBACK = 24 * 3600  # intervals older than this are abandoned (their keys expire soon after)
TTL = LOOKBACK + 3600
GRACE = 5  # seconds after an interval ends before it is flushed: late hits may still be landing


@dataclass(frozen=True)
class PageHits:
    article_id: int
    page_url: str
    domain: str
    views: int
    first_seen: datetime.datetime
    last_seen: datetime.datetime


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


def _interval(timestamp: float) -> int:
    return int(timestamp // INTERVAL)


def _count_key(interval: int, article_id: int, page_url: str) -> str:
    digest = hashlib.sha1(f"{article_id}|{page_url}".encode()).hexdigest()
    return f"eng:px:{interval}:c:{digest}"


def hit_record(*, article_id: int, page_url: str, domain: str, timestamp: float | None = None) -> None:
    """The hot path: one `add` (or `incr`) per hit, plus two writes the first time a page is seen."""
    timestamp = time.time() if timestamp is None else timestamp
    interval = _interval(timestamp)
    count_key = _count_key(interval, article_id, page_url)
    if not cache.add(count_key, 1, timeout=TTL):
        try:
            cache.incr(count_key)
        except ValueError:  # evicted in between; this one hit is lost
            pass
        return
    slots_key = f"eng:px:{interval}:n"
    cache.add(slots_key, 0, timeout=TTL)
    try:
        slot = cache.incr(slots_key)
    except ValueError:
        return
    if slot > MAX_PAGES_PER_INTERVAL:
        return
    cache.set(f"eng:px:{interval}:s:{slot}", (article_id, page_url, domain, timestamp), timeout=TTL)


def hits_take(*, now: float | None = None) -> Iterator[PageHits]:
    """Counts of every finished interval not yet taken; each interval is handed out only once."""
    now = time.time() if now is None else now
    last = _interval(now - GRACE) - 1  # the newest interval that has certainly ended
    intervals = range(_interval(now - LOOKBACK), last + 1)
    slot_counts = cache.get_many([f"eng:px:{i}:n" for i in intervals])
    for interval in intervals:
        slots = slot_counts.get(f"eng:px:{interval}:n")
        if not slots or not cache.add(f"eng:px:{interval}:taken", 1, timeout=TTL):
            continue
        slot_keys = [f"eng:px:{interval}:s:{n}" for n in range(1, min(slots, MAX_PAGES_PER_INTERVAL) + 1)]
        pages = cache.get_many(slot_keys)
        count_keys = {key: _count_key(interval, page[0], page[1]) for key, page in pages.items()}
        counts = cache.get_many(list(count_keys.values()))
        ended = datetime.datetime.fromtimestamp(min((interval + 1) * INTERVAL, now), tz=datetime.UTC)
        for key, (article_id, page_url, domain, first) in pages.items():
            views = counts.get(count_keys[key], 0)
            if views:
                first_seen = datetime.datetime.fromtimestamp(first, tz=datetime.UTC)
                yield PageHits(article_id, page_url, domain, views, first_seen, ended)
        cache.delete_many([*slot_keys, *count_keys.values(), f"eng:px:{interval}:n"])
