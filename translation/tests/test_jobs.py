"""Translation jobs claim through crosspost/lib/leases.py: a dead worker's job is taken over, a live one's is not."""

import datetime
import subprocess
import sys

import pytest
from django.utils import timezone

from crosspost.lib import leases
from translation.jobs import translation_job_run, translation_request
from translation.models import SegmentTranslation, TranslationJob

pytestmark = pytest.mark.django_db


def dead_holder() -> str:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{leases.holder().split(':')[0]}:{child.pid}:1"


def running_job(article, holder: str, minutes_ago: float = 1) -> TranslationJob:
    started = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return TranslationJob.objects.create(page=article, language="fr", status=TranslationJob.Status.RUNNING,
                                         attempts=1, started_at=started, claimed_by=holder, claimed_at=started)


def test_a_job_left_running_by_a_dead_worker_is_taken_over_by_the_rerun(libretranslate, make_article):
    article = make_article("Water talks")
    running_job(article, dead_holder())
    job = translation_job_run(page_id=article.pk, language="fr")
    assert (job.status, job.attempts, job.claimed_by) == ("done", 2, "")
    assert SegmentTranslation.objects.filter(language="fr").exists()


def test_a_job_held_by_a_live_worker_is_not_run_twice(libretranslate, make_article):
    article = make_article("Water talks")
    running_job(article, leases.holder(), minutes_ago=60)  # this very process: alive
    assert translation_job_run(page_id=article.pk, language="fr") is None
    assert libretranslate.calls == []


def test_another_hosts_run_is_handed_back_only_after_the_lease(libretranslate, make_article, settings,
                                                               django_capture_on_commit_callbacks):
    settings.CROSSPOST_LEASE_SECONDS = 600
    recent, old = make_article("Recent"), make_article("Old")
    running_job(recent, "other-host:42:1", minutes_ago=5)
    running_job(old, "other-host:43:1", minutes_ago=11)
    with django_capture_on_commit_callbacks(execute=True):
        assert translation_request(page=recent, language="fr").status == "running"
        translation_request(page=old, language="fr")
    assert TranslationJob.objects.get(page=recent).claimed_by == "other-host:42:1"
    handed_back = TranslationJob.objects.get(page=old)
    assert (handed_back.status, handed_back.claimed_by) == ("done", "")


def test_a_failed_run_backs_off_by_the_one_rule(libretranslate, make_article, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # one that can defer
    libretranslate.fail_with = 503
    article = make_article("Water talks")
    TranslationJob.objects.create(page=article, language="fr")
    job = translation_job_run(page_id=article.pk, language="fr")
    delay = job.next_attempt_at - timezone.now()
    assert (job.status, job.attempts, job.claimed_by) == ("queued", 1, "")
    assert datetime.timedelta(seconds=23) < delay <= datetime.timedelta(seconds=36)  # 30 s ± 20 %
