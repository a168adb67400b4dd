"""Background tasks; each only calls a service and is safe to run twice."""

from __future__ import annotations

import datetime

from django_tasks import task

from newsletter import services


@task()
def send_daily_digest(date: str = "") -> dict:
    """Build and send the digest of `date` (YYYY-MM-DD, default today in site time)."""
    day = datetime.date.fromisoformat(date) if date else None
    return services.daily_digest_send(date=day)
