import datetime
import os
import socket
import subprocess
import sys

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from crosspost.workers import tasks_recover_orphans, worker_id_for_this_process

pytestmark = pytest.mark.django_db


def running_task(worker_id: str, started_minutes_ago: float = 1) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING, task_path="translation.tasks.translate_page", args_kwargs={"args": [], "kwargs": {}},
        worker_ids=[worker_id], started_at=timezone.now() - datetime.timedelta(minutes=started_minutes_ago),
        queue_name="default", backend_name="default", priority=0,
    )


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_task_of_a_dead_worker_on_this_machine_is_requeued_at_once():
    orphan = running_task(f"{socket.gethostname()[:40]}:{dead_pid()}:12345")
    alive = running_task(worker_id_for_this_process())
    assert tasks_recover_orphans() == 1
    orphan.refresh_from_db()
    alive.refresh_from_db()
    assert orphan.status == TaskResultStatus.READY and orphan.started_at is None
    assert alive.status == TaskResultStatus.RUNNING


def test_a_reused_pid_does_not_keep_a_dead_workers_task_running():
    # Same pid as a live process, but another start time: the worker that claimed it is gone.
    orphan = running_task(f"{socket.gethostname()[:40]}:{os.getpid()}:1")
    assert tasks_recover_orphans() == 1
    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.READY


def test_tasks_of_other_machines_are_requeued_only_when_stale(settings):
    settings.CROSSPOST_LEASE_SECONDS = 30 * 60
    recent = running_task("other-host:42:999", started_minutes_ago=5)
    stale = running_task("other-host:43:999", started_minutes_ago=45)
    assert tasks_recover_orphans() == 1
    recent.refresh_from_db()
    stale.refresh_from_db()
    assert recent.status == TaskResultStatus.RUNNING and stale.status == TaskResultStatus.READY
