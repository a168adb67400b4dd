"""Background tasks; each only calls a service and is safe to run twice."""

from __future__ import annotations

import datetime

from django_tasks import task

from newsletter import services


@task()
def send_daily_digest(date: str = "") -> dict:
    """Build and send the issues of `date` (YYYY-MM-DD, default today in site time) and, on
    NEWSLETTER_ROUNDUP_WEEKDAY, the weekly round-ups."""
    day = datetime.date.fromisoformat(date) if date else None
    return services.daily_digest_send(date=day)


@task()
def resume_digest() -> dict | None:
    """Finish today's sends (issues and round-ups) if interrupted; cheap when there is nothing to do.

    Meant to be scheduled every few minutes, so a worker killed mid-send costs minutes, not a day.
    """
    return services.digest_resume()
