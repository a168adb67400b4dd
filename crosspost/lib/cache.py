"""Cache backends: the default cache on Redis, treated as a cache (when Redis is away, reads miss
and writes are dropped), and the file cache that holds pages when there is no Redis.

Wagtail looks its site root paths up in the default cache on every page it serves, so with Django's
plain Redis backend a stopped Redis turned every page into a 503 although the database could
answer them all. Here a read during an outage is a miss (the caller computes the value, as after an
eviction) and a `set` or `add` is lost, which a cache may always do.

Deletes and counters still raise: a lost delete would leave a stale entry behind for when Redis
returns, and a counter that silently reads zero would switch rate limits off. Those requests get
the 503 from ServiceUnavailableMiddleware instead.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
_OUTAGE = (RedisConnectionError, RedisTimeoutError)
# After a failure each process leaves Redis alone this long: a frozen Redis costs one socket
# timeout every few seconds, not one per cache call (a page makes a dozen).
_RETRY_AFTER = 5.0
_skip_until = 0.0


def _guarded(call, fallback, *args):
    global _skip_until
    if time.monotonic() < _skip_until:
        return fallback
    try:
        return call(*args)
    except _OUTAGE as exc:
        if time.monotonic() >= _skip_until:
            log.warning("Redis cache unavailable, serving without it: %s", exc.__class__.__name__)
        _skip_until = time.monotonic() + _RETRY_AFTER
        return fallback


class ResilientRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        return _guarded(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return _guarded(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return _guarded(super().has_key, False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        _guarded(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return _guarded(super().set_many, list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return _guarded(super().add, False, key, value, timeout, version)


class PageFileCache(FileBasedCache):
    """Django's file cache, checking its size once every `cull_every` writes instead of on each.

    FileBasedCache lists its whole directory before every write to decide whether to cull. With
    tens of thousands of cached pages that made each page store a directory scan, and a publish,
    which swaps the version token of some 1,200 paths (every language of every page that shows
    the article), a scan per token: publishing grew with the square of the cache's size. Checking
    every `MAX_ENTRIES / 100` writes lets the cache overshoot its limit by at most that many
    entries per process, which the next check removes.
    """

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._cull_every = max(1, self._max_entries // 100)
        self._writes_since_cull = self._cull_every  # the first write checks

    def _cull(self):
        self._writes_since_cull += 1
        if self._writes_since_cull < self._cull_every:
            return
        self._writes_since_cull = 0
        super()._cull()
