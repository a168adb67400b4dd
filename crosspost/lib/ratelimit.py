"""A fixed-window rate limit kept in the cache, for anything readers can trigger by posting.

Fixed windows let a burst of up to twice the limit straddle a boundary; for forms that is fine,
and it costs one `add` and one `incr` per check with no cleanup (keys expire with their window).
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def ratelimit_hit(key: str, limit: int, window: int) -> bool:
    """Count one hit against `key`; True while at most `limit` hits fell in this `window` (seconds)."""
    # Keys may carry reader input (names, addresses): hash them into something every cache accepts.
    digest = hashlib.sha1(key.encode()).hexdigest()
    bucket = f"rl:{digest}:{window}:{int(time.time() // window)}"
    cache.add(bucket, 0, timeout=window)
    try:
        count = cache.incr(bucket)
    except ValueError:  # the window expired between add and incr
        cache.set(bucket, 1, timeout=window)
        count = 1
    return count <= limit


def ratelimit_hit_all(keys: list[str], limit: int, window: int) -> bool:
    """Count a hit against every key (so each counter sees it); True only if all are within limit."""
    results = [ratelimit_hit(key, limit, window) for key in keys]
    return all(results)
