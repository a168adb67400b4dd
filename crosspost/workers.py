"""Task workers that leave no job behind when one of them is killed.

django-tasks' database worker marks a task RUNNING when it claims it and never looks back: if
the process is killed mid-task, the row stays RUNNING for ever. Our workers name themselves
host:pid:start-time (crosspost/lib/leases.py), so a dead worker's claims are recognised at once
on the same host (and after CROSSPOST_LEASE_SECONDS from another host) and put back to READY. Every task is idempotent, so
running one again is safe.
"""

from __future__ import annotations

import datetime

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from crosspost.lib import leases


def worker_id_for_this_process() -> str:
    return leases.holder()


def tasks_recover_orphans(*, now: datetime.datetime | None = None) -> int:
    """Put tasks claimed by dead workers back in the queue; returns how many."""
    return leases.claims_reclaim(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING),
        holder_field="worker_ids", at_field="started_at", holder_of=_last_worker,
        reset={"status": TaskResultStatus.READY, "started_at": None}, now=now,
    )


def _last_worker(worker_ids: list[str] | None) -> str:
    """The worker holding a task: django-tasks appends each claimer's id to the list."""
    return (worker_ids or [""])[-1]
