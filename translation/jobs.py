"""Translation jobs: one per (page, language), queued when readers or publishing need it, run by
the task workers through the coordination layer (crosspost/lib/leases.py), retried with backoff.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

from crosspost.lib import leases
from translation.engines import Engine, EngineError, EngineUnavailable, get_engine
from translation.models import Segment, SegmentTranslation, TranslationJob
from translation.segments import clean_segment, segment_hash
from translation.selectors import (
    TranslatedPage,
    fields_segments,
    page_fields,
    page_source_language,
    page_translation,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BATCH_SEGMENTS = 50
BATCH_CHARACTERS = 20_000


def page_translation_for_reader(page: Page, language: str) -> TranslatedPage:
    """What a reader of /<language>/ gets: stored translations, and a job queued for the rest."""
    result = page_translation(page, language)
    if not result.missing:
        return result
    if get_engine() is None:
        result.state = "unavailable"
        return result
    job = translation_request(page=page, language=language)
    if job is not None and job.status == TranslationJob.Status.FAILED and job.attempts >= MAX_ATTEMPTS:
        result.state, result.error = "failed", job.last_error
    return result


def translation_request(*, page: Page, language: str) -> TranslationJob | None:
    """Make sure a job is queued to bring `page` up to date in `language`. Cheap when it is."""
    if language == page_source_language(page) or get_engine() is None:
        return None
    now = timezone.now()
    job, created = TranslationJob.objects.get_or_create(page_id=page.pk, language=language)
    if created:
        _enqueue(job)
        return job
    # Whoever flips the job back to queued enqueues it: a conditional UPDATE, so concurrent
    # readers of the same page enqueue it once.
    requeue = (
        TranslationJob.objects.filter(pk=job.pk, status=TranslationJob.Status.DONE)
        | TranslationJob.objects.filter(pk=job.pk, status=TranslationJob.Status.FAILED,
                                        attempts__lt=MAX_ATTEMPTS, next_attempt_at__lte=now)
    )
    # A run whose worker died is handed back once its lease lapsed (crosspost/lib/leases.py).
    handed_back = leases.claims_reclaim(
        TranslationJob.objects.filter(pk=job.pk, status=TranslationJob.Status.RUNNING), now=now,
        reset={"status": TranslationJob.Status.QUEUED, "requested_at": now, "claimed_by": "", "claimed_at": None},
    )
    if handed_back or requeue.update(status=TranslationJob.Status.QUEUED, requested_at=now):
        job.refresh_from_db()
        _enqueue(job)
    return job


def translation_request_many(*, page: Page, languages: list[str]) -> list[TranslationJob]:
    jobs = [translation_request(page=page, language=language) for language in languages]
    return [job for job in jobs if job is not None]


def _enqueue(job: TranslationJob, run_after: datetime.datetime | None = None) -> None:
    from translation.tasks import translate_page

    task = translate_page
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    # After commit, so the worker finds the job row the request just wrote.
    transaction.on_commit(lambda: task.enqueue(job.page_id, job.language))


def translation_job_run(*, page_id: int, language: str) -> TranslationJob | None:
    """Claim the job and run it. Does nothing if another worker holds it or it is not queued."""
    now = timezone.now()
    # RUNNING too: a task re-run after its worker died finds the job as the dead worker left it,
    # and takes it over once that worker's lease lapsed; a live run is left alone.
    runnable = TranslationJob.objects.filter(
        page_id=page_id, language=language,
        status__in=[TranslationJob.Status.QUEUED, TranslationJob.Status.RUNNING],
    )
    if not leases.claim_free(runnable, now=now, status=TranslationJob.Status.RUNNING, started_at=now,
                             attempts=F("attempts") + 1):
        return None
    job = TranslationJob.objects.get(page_id=page_id, language=language)
    page = Page.objects.get(pk=page_id).specific
    try:
        count = page_translate(page=page, language=language)
    except EngineError as exc:
        log.warning("translation of page %s into %s failed: %s", page_id, language, exc)
        _job_failed(job, exc)
        return job
    except Exception as exc:
        # A bug, not the engine: give the job back as failed-for-now so this live worker does not
        # hold it for ever, and let the task framework record the traceback.
        _job_failed(job, EngineError(f"{type(exc).__name__}: {exc}"))
        raise
    job.status = TranslationJob.Status.DONE
    job.last_error = ""
    job.segments_translated = count
    job.finished_at = timezone.now()
    job.next_attempt_at = None
    _job_save(job, ["status", "last_error", "segments_translated", "finished_at", "next_attempt_at"])
    from translation.signals import page_translation_changed

    page_translation_changed.send(sender=Page, page=page, language=language)
    return job


def _job_failed(job: TranslationJob, exc: EngineError) -> None:
    """Record the failure; retry with exponential backoff unless retrying cannot help."""
    from translation.tasks import translate_page

    job.last_error = str(exc)[:1000]
    job.finished_at = timezone.now()
    if not exc.retryable or job.attempts >= MAX_ATTEMPTS:
        job.status, job.attempts, job.next_attempt_at = TranslationJob.Status.FAILED, MAX_ATTEMPTS, None
    else:
        job.next_attempt_at = timezone.now() + leases.backoff(job.attempts)
        # Without deferred tasks, the next reader's visit after next_attempt_at queues it again.
        deferred = translate_page.get_backend().supports_defer
        job.status = TranslationJob.Status.QUEUED if deferred else TranslationJob.Status.FAILED
    _job_save(job, ["status", "last_error", "next_attempt_at", "attempts", "finished_at"])
    if job.status == TranslationJob.Status.QUEUED:  # after giving it back, so the retry can claim it
        _enqueue(job, run_after=job.next_attempt_at)


def _job_save(job: TranslationJob, fields: list[str]) -> None:
    """Write the run's outcome and give the job back, unless another worker took it over meanwhile."""
    leases.release(TranslationJob.objects.filter(pk=job.pk), **{name: getattr(job, name) for name in fields})
    job.claimed_by, job.claimed_at = "", None


def _batches(items: list[tuple[str, str]]):
    batch: list[tuple[str, str]] = []
    size = 0
    for item in items:
        if batch and (len(batch) >= BATCH_SEGMENTS or size + len(item[1]) > BATCH_CHARACTERS):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += len(item[1])
    if batch:
        yield batch


def page_translate(*, page: Page, language: str, engine: Engine | None = None) -> int:
    """Translate the page's segments that the memory lacks; each distinct one is sent once."""
    engine = engine or get_engine()
    if engine is None:
        raise EngineUnavailable("No machine-translation engine is configured (CROSSPOST_MT_BACKEND)")
    source_language = page_source_language(page)
    distinct = {segment_hash(source_language, s): s for s in fields_segments(page_fields(page))}
    known = set(
        SegmentTranslation.objects.filter(language=language, source_hash__in=distinct).values_list(
            "source_hash", flat=True
        )
    )
    todo = {h: text for h, text in distinct.items() if h not in known}
    return store_machine_translations(todo, source_language=source_language, language=language, engine=engine)


def store_machine_translations(todo: dict[str, str], *, source_language: str, language: str, engine: Engine) -> int:
    """Translate hash → source segments in batches and store them; each is sent exactly once."""
    if not todo:
        return 0
    Segment.objects.bulk_create(
        [Segment(source_hash=h, source_language=source_language, source_text=text) for h, text in todo.items()],
        ignore_conflicts=True,
    )
    segment_ids = dict(Segment.objects.filter(source_hash__in=list(todo)).values_list("source_hash", "id"))
    translated = 0
    for batch in _batches(list(todo.items())):
        outputs = engine.translate([text for _, text in batch], source=source_language, target=language)
        # ignore_conflicts: a translation stored meanwhile (say, an editor's) is never overwritten.
        SegmentTranslation.objects.bulk_create(
            [
                SegmentTranslation(segment_id=segment_ids[h], source_hash=h, language=language,
                                   text=clean_segment(output), engine=engine.name)
                for (h, _), output in zip(batch, outputs)
            ],
            ignore_conflicts=True,
        )
        translated += len(batch)
    return translated
