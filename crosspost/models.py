"""The project's own tables: only what every app shares and no app owns."""

from __future__ import annotations

from django.db import models


class RateLimitWindow(models.Model):
    """The recent hits of one rate-limit key, for sites without Redis (crosspost/lib/ratelimit.py).

    One row per key holding the hit times of the last window, updated with a conditional UPDATE on
    `version`: every web process on the machine shares the database, so they share the limit.
    """

    key = models.CharField(max_length=64, primary_key=True)
    # Hit times in milliseconds since the epoch, oldest first, space-separated (at most `limit` of them).
    hits = models.TextField(blank=True)
    version = models.PositiveBigIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True, help_text="When the newest hit leaves the window (ms).")

    def __str__(self) -> str:
        return self.key
