"""Periodic jobs: the scheduler only enqueues django-tasks; workers do the work.

Every job is idempotent (feeds remember what they have seen, a day's digest is sent once per
subscriber, counters flush what they hold), so a restarted or duplicated scheduler does no harm
beyond an extra enqueue.
"""

from __future__ import annotations

import datetime
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

from crosspost.workers import tasks_recover_orphans

log = logging.getLogger(__name__)


@dataclass
class Job:
    task: str  # dotted path of a django-tasks task
    every: datetime.timedelta | None = None  # run at this interval ...
    daily_at: str | None = None  # ... or once a day at HH:MM site time
    last_run: datetime.datetime | None = field(default=None, repr=False)
    last_day: datetime.date | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"{self.task}: give either every= or daily_at=, not both or neither")

    def due(self, now: datetime.datetime) -> bool:
        if self.every is not None:
            return self.last_run is None or now - self.last_run >= self.every
        local = timezone.localtime(now)
        hour, minute = (int(part) for part in str(self.daily_at).split(":"))
        return local.date() != self.last_day and (local.hour, local.minute) >= (hour, minute)

    def mark(self, now: datetime.datetime) -> None:
        self.last_run = now
        self.last_day = timezone.localtime(now).date()


def default_jobs() -> list[Job]:
    return [
        Job("ingest.tasks.poll_feeds", every=datetime.timedelta(minutes=settings.CROSSPOST_FEED_POLL_MINUTES)),
        # The day's issues, and on NEWSLETTER_ROUNDUP_WEEKDAY the weekly round-ups (one per list per week).
        Job("newsletter.tasks.send_daily_digest", daily_at=settings.NEWSLETTER_SEND_TIME),
        # Finishes a send whose worker died mid-way; does nothing when there is none.
        Job("newsletter.tasks.resume_digest", every=datetime.timedelta(minutes=5)),
        # Cheap when nothing is due (one indexed query); each host's budget spreads the rest.
        Job("ingest.tasks.watch_sources", every=datetime.timedelta(minutes=5)),
        # Retries of ActivityPub deliveries and WebSub pushes that are due; nothing when none are.
        Job("federation.tasks.deliver_pending", every=datetime.timedelta(minutes=1)),
        Job("federation.tasks.websub_push_pending", every=datetime.timedelta(minutes=1)),
        # Page views and republication views, from the counter store into daily rows.
        Job("audience.tasks.flush_counters", every=datetime.timedelta(minutes=1)),
    ]


def scheduler_tick(jobs: list[Job], now: datetime.datetime | None = None) -> list[str]:
    """Enqueue the jobs that are due; returns their task paths. Missing tasks are skipped."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs:
        if not job.due(now):
            continue
        job.mark(now)
        try:
            task = import_string(job.task)
        except ImportError:
            continue  # that app is not installed in this deployment
        try:
            task.enqueue()
        except Exception:  # noqa: BLE001 - one failing job must not stop the others
            log.exception("could not enqueue %s", job.task)
            continue
        enqueued.append(job.task)
    return enqueued


def scheduler_run(*, interval: float = 30.0, once: bool = False) -> None:
    jobs = default_jobs()
    while True:
        close_old_connections()
        try:
            for task in scheduler_tick(jobs):
                log.info("enqueued %s", task)
            # A worker killed mid-task leaves its claim behind; give it back to the queue.
            recovered = tasks_recover_orphans()
            if recovered:
                log.warning("requeued %d task(s) left by dead workers", recovered)
        except Exception:  # noqa: BLE001 - a locked or restarting database: try again next round
            if once:
                raise
            log.exception("scheduler round failed")
        if once:
            return
        time.sleep(interval)
