"""Task workers that leave no job behind when one of them is killed.

django-tasks' database worker marks a task RUNNING when it claims it and never looks back: if
the process is killed mid-task, the row stays RUNNING for ever. Our workers name themselves
host:pid:start-time, so a dead worker's claims are recognised at once on the same host (and after
TASKS_STALE_MINUTES from another host) and put back to READY. Every task is idempotent, so
running one again is safe.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from crosspost.lib import leases


def worker_id_for_this_process() -> str:
    return leases.holder()


def _worker_is_dead(worker_id: str, started_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    if leases.holder_alive(worker_id) is not None:
        return not leases.holder_alive(worker_id)
    stale = datetime.timedelta(minutes=settings.TASKS_STALE_MINUTES)
    return started_at is None or now - started_at > stale


def tasks_recover_orphans(*, now: datetime.datetime | None = None) -> int:
    """Put tasks claimed by dead workers back in the queue; returns how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    recovered = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids", "started_at"):
        last_worker = (result.worker_ids or [""])[-1]
        if not _worker_is_dead(last_worker, result.started_at, now):
            continue
        # Conditional: if the task finished or was re-claimed meanwhile, leave it alone.
        recovered += DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, worker_ids=result.worker_ids
        ).update(status=TaskResultStatus.READY, started_at=None)
    return recovered
