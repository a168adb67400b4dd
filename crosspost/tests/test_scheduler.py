import datetime
from unittest import mock

import pytest
from django.utils import timezone

from crosspost.scheduler import Job, scheduler_tick


def at(hour: int, minute: int = 0, day: int = 1) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 11, day, hour, minute))


def test_interval_jobs_run_at_once_and_then_every_interval():
    job = Job("x.task", every=datetime.timedelta(minutes=15))
    assert job.due(at(9))
    job.mark(at(9))
    assert not job.due(at(9, 10))
    assert job.due(at(9, 15))


def test_a_daily_job_runs_once_a_day_after_its_time():
    job = Job("x.task", daily_at="07:00")
    assert not job.due(at(6, 59))
    assert job.due(at(7, 0))
    job.mark(at(7, 0))
    assert not job.due(at(23, 0))
    assert job.due(at(7, 1, day=2))


@pytest.mark.parametrize("schedule", [{}, {"every": datetime.timedelta(minutes=1), "daily_at": "07:00"}])
def test_a_job_needs_exactly_one_schedule(schedule):
    with pytest.raises(ValueError, match="either every= or daily_at="):
        Job("x.task", **schedule)


def test_a_tick_enqueues_due_tasks_and_skips_missing_apps():
    task = mock.Mock()
    jobs = [Job("some.task", every=datetime.timedelta(minutes=1)), Job("no_such_app.tasks.x", every=datetime.timedelta(minutes=1))]
    with mock.patch("crosspost.scheduler.import_string", side_effect=lambda path: task if path == "some.task" else (_ for _ in ()).throw(ImportError(path))):
        # Ticks run outside the asserts: `python -O` strips asserts, and with them the ticks.
        first = scheduler_tick(jobs, now=at(8))
        second = scheduler_tick(jobs, now=at(8))
    assert (first, second) == (["some.task"], [])
    task.enqueue.assert_called_once_with()


def test_every_default_job_names_a_task_that_exists():
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    from crosspost.scheduler import default_jobs

    assert all(isinstance(import_string(job.task), Task) for job in default_jobs())
