"""Sliding-window rate limits shared by every process, for anything readers can trigger by posting.

A limit of 5 an hour means at most 5 accepted hits in any 60 minutes (a moving window: a fixed
window let twice the limit through across its boundary). Refused hits are not counted, so a reader
who waits gets through again as soon as their oldest hit is an hour old.

Where the hits are kept decides whether the limit holds: Django's default cache is per process
without Redis, and two web workers let 8 of 5 "email this article" mails through. So:
- with `REDIS_URL`, the `limits` library's moving window on Redis (one Lua script per hit);
- without it, a row per key in the database (`crosspost.models.RateLimitWindow`) that every
  process on the machine shares, updated by a conditional UPDATE on its version, so two processes
  racing for the last slot cannot both take it.
"""

from __future__ import annotations

import hashlib
import time
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction

from crosspost.models import RateLimitWindow

# A key contended by this many concurrent writers in a row is refused rather than spun on.
_ATTEMPTS = 20


def ratelimit_hit(key: str, limit: int, window: int) -> bool:
    """Record one hit against `key` if fewer than `limit` fell in the last `window` seconds.

    True when the hit was accepted (and counted), False when the limit is reached.
    """
    # Keys may carry reader input (names, addresses): hash them into something every store accepts.
    digest = f"{hashlib.sha1(key.encode()).hexdigest()}:{window}"
    if settings.REDIS_URL:
        # `limits` (~40 ms to load) is imported only on this path: without Redis a database row is the store.
        from limits import RateLimitItemPerSecond

        return _redis_limiter().hit(RateLimitItemPerSecond(limit, window), "rl", digest)
    return _database_hit(digest, limit, window)


def ratelimit_hit_all(keys: list[str], limit: int, window: int) -> bool:
    """Count a hit against every key (so each counter sees it); True only if all are within limit."""
    results = [ratelimit_hit(key, limit, window) for key in keys]
    return all(results)


def ratelimit_reset() -> None:
    """Forget every hit (tests, and an operator lifting a mistaken block)."""
    if settings.REDIS_URL:
        _redis_limiter().storage.reset()
    else:
        RateLimitWindow.objects.all().delete()


@cache
def _redis_limiter():
    # Only with Redis, like the import in ratelimit_hit: a site without it never loads `limits`.
    from limits.storage import RedisStorage
    from limits.strategies import MovingWindowRateLimiter

    # Same timeouts as the caches: a frozen Redis costs a second and a 503, not a hung request.
    storage = RedisStorage(settings.REDIS_URL, key_prefix=settings.RATELIMIT_KEY_PREFIX,
                           socket_connect_timeout=1, socket_timeout=1)
    return MovingWindowRateLimiter(storage)


def _database_hit(key: str, limit: int, window: int) -> bool:
    now = int(time.time() * 1000)
    since = now - window * 1000
    rows = RateLimitWindow.objects.filter(key=key)
    for _ in range(_ATTEMPTS):
        row = rows.values_list("hits", "version").first()
        if row is None:
            if limit < 1:
                return False
            try:
                with transaction.atomic():
                    RateLimitWindow.objects.create(key=key, hits=str(now), expires_at=now + window * 1000)
            except IntegrityError:  # another process created it first: count against its row
                continue
            # New keys are rare (one per reader per window): a good moment to drop lapsed ones.
            RateLimitWindow.objects.filter(expires_at__lt=now).delete()
            return True
        hits, version = row
        recent = [stamp for stamp in map(int, hits.split()) if stamp > since]
        if len(recent) >= limit:
            return False
        recent.append(now)
        if rows.filter(version=version).update(hits=" ".join(map(str, recent)), version=version + 1,
                                               expires_at=now + window * 1000):
            return True
    return False
