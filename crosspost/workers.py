"""Task workers that leave no job behind when one of them is killed.

django-tasks' database worker marks a task RUNNING when it claims it and never looks back: if
the process is killed mid-task, the row stays RUNNING for ever. Our workers name themselves
host:pid:start-time (crosspost/lib/leases.py), so a dead worker's claims are recognised at once
on the same host (and after CROSSPOST_LEASE_SECONDS from another host) and put back to READY. Every task is idempotent, so
running one again is safe.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from crosspost.lib import leases


def worker_id_for_this_process() -> str:
    return leases.holder()


def tasks_recover_orphans(*, now: datetime.datetime | None = None) -> int:
    """Put tasks claimed by dead workers back in the queue; returns how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    recovered = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids", "started_at"):
        last_worker = (result.worker_ids or [""])[-1]
        if not leases.lease_lapsed(last_worker, result.started_at, now=now):
            continue
        # Conditional: if the task finished or was re-claimed meanwhile, leave it alone.
        recovered += DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, worker_ids=result.worker_ids
        ).update(status=TaskResultStatus.READY, started_at=None)
    return recovered
