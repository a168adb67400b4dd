"""What a publish sets off, in one place and in a stated order.

Wagtail sends `page_published` / `page_unpublished`; newsroom's app config connects them (and
nothing else does) to the functions here. Each event runs its steps in the order listed below.
A step is isolated: if it raises, the error is logged, the step is retried later on a task
worker with backoff, and the steps after it still run. Every step is idempotent (indexing,
purging and queueing deliveries twice does no harm), so a retry or a re-publish is safe.

Order matters in two places: the search index and stored translations are brought up to date
before the cache is purged (a reader arriving just after the purge re-caches the new state), and
announcements to the outside world (webhooks, federation, WebSub) come last, once the pages they
point to answer with the new content.

A new feature that reacts to publishing adds its service as one step here; it never connects a
signal of its own in `ready()`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from crosspost.lib.leases import backoff
from newsroom.models import ArticlePage
from newsroom.services import corrections_newly_live, pagecache_purge_for_correction, pagecache_purge_for_page

log = logging.getLogger(__name__)

MAX_STEP_ATTEMPTS = 6  # 30 s … 16 min between tries, then the failure stays in the log


# --- the steps ------------------------------------------------------------------------------------
# Each takes the page (its specific instance) and does one app's job. Other apps' services are
# imported inside their step: those apps import newsroom at module level, never the reverse
# (docs/architecture.md), so loading newsroom never loads the whole project.

def _search_index(page: Page) -> None:
    from search.services import articles_index

    articles_index(articles=[page])


def _search_unindex(page: Page) -> None:
    from search.services import articles_unindex

    articles_unindex(article_ids=[page.pk])


def _translations_request(page: Page) -> None:
    from translation.jobs import translation_request_many

    if settings.CROSSPOST_PRETRANSLATE:
        translation_request_many(page=page, languages=settings.CROSSPOST_PRETRANSLATE)


def _pagecache_purge_article(page: Page) -> None:
    # After commit: a reader arriving in between must not re-cache the old version.
    transaction.on_commit(lambda: pagecache_purge_for_page(page))


def _pagecache_purge_corrected(page: Page) -> None:
    transaction.on_commit(lambda: pagecache_purge_for_correction(page))


def _webhooks_announce_correction(page: Page) -> None:
    from engagement.webhooks import webhook_enqueue_corrections

    webhook_enqueue_corrections(page=page)


def _source_watch_start(page: Page) -> None:
    from ingest.sourcewatch import source_watch_start

    source_watch_start(article=page)


def _webhooks_announce(page: Page) -> None:
    from engagement.webhooks import webhook_enqueue_for_page

    webhook_enqueue_for_page(page=page)


def _federation_announce(page: Page) -> None:
    from federation.delivery import article_federate

    article_federate(article=page, kind="Create")  # becomes an Update when followers have it already


def _federation_withdraw(page: Page) -> None:
    from federation.delivery import article_federate

    article_federate(article=page, kind="Delete")


def _websub_notify(page: Page) -> None:
    from federation.websub import article_notify

    article_notify(article=page)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Page], None]


ARTICLE_PUBLISHED: tuple[Step, ...] = (
    Step("search.index", _search_index),
    Step("translation.request", _translations_request),
    Step("sourcewatch.start", _source_watch_start),
    Step("pagecache.purge", _pagecache_purge_article),
    Step("webhooks.announce", _webhooks_announce),
    Step("federation.announce", _federation_announce),
    Step("websub.notify", _websub_notify),
)

ARTICLE_UNPUBLISHED: tuple[Step, ...] = (
    Step("search.unindex", _search_unindex),
    Step("pagecache.purge", _pagecache_purge_article),
    Step("federation.withdraw", _federation_withdraw),
    Step("websub.notify", _websub_notify),
)

# A published revision carries a correction or update not seen live before: the article's pages
# and /corrections/ change, its index entry (dateModified) too, and subscribers are told.
ARTICLE_CORRECTED: tuple[Step, ...] = (
    Step("search.index", _search_index),
    Step("pagecache.purge", _pagecache_purge_corrected),
    Step("webhooks.announce", _webhooks_announce_correction),
)

# Any other page (home, an author, a section, a plain page) can show up in many articles'
# bylines and links: its own purge rule decides what to drop.
PAGE_CHANGED: tuple[Step, ...] = (
    Step("pagecache.purge", _pagecache_purge_article),
)

EVENTS: dict[str, tuple[Step, ...]] = {
    "article_published": ARTICLE_PUBLISHED,
    "article_unpublished": ARTICLE_UNPUBLISHED,
    "article_corrected": ARTICLE_CORRECTED,
    "page_changed": PAGE_CHANGED,
}


# --- running them ---------------------------------------------------------------------------------

def _is_article(page: Page) -> bool:
    return isinstance(page, ArticlePage)


def pipeline_run(*, event: str, page: Page, only: str | None = None, attempt: int = 1) -> list[str]:
    """Run the steps of `event` for `page` (or just the step named `only`); returns those that failed.

    A failed step is queued again on a worker after `backoff(attempt)`, up to MAX_STEP_ATTEMPTS.
    """
    failed = []
    for step in EVENTS[event]:
        if only is not None and step.name != only:
            continue
        try:
            step.run(page)
        except Exception:
            log.exception("publish step %s failed for page %s (%s, attempt %s)", step.name, page.pk, event, attempt)
            failed.append(step.name)
            if attempt < MAX_STEP_ATTEMPTS:
                _retry_later(event=event, page_id=page.pk, step=step.name, attempt=attempt)
    return failed


def _retry_later(*, event: str, page_id: int, step: str, attempt: int) -> None:
    from newsroom.tasks import publish_step_retry  # newsroom.tasks imports this module

    task = publish_step_retry
    if not task.get_backend().supports_defer:
        return  # an immediate backend (tests) has no worker to retry later; the log keeps it
    task = task.using(run_after=timezone.now() + backoff(attempt))
    transaction.on_commit(lambda: task.enqueue(event, page_id, step, attempt + 1))


def article_published(*, page: Page) -> list[str]:
    return pipeline_run(event="article_published", page=page)


def article_corrected(*, page: Page) -> list[str]:
    return pipeline_run(event="article_corrected", page=page)


def article_unpublished(*, page: Page) -> list[str]:
    return pipeline_run(event="article_unpublished", page=page)


def page_published(*, page: Page) -> list[str]:
    """Wagtail published `page`: an article runs the article pipeline, anything else its purge."""
    page = page.specific
    if not _is_article(page):
        return pipeline_run(event="page_changed", page=page)
    failed = article_published(page=page)
    if corrections_newly_live(page=page):
        failed += article_corrected(page=page)
    return failed


def page_unpublished(*, page: Page) -> list[str]:
    page = page.specific
    return article_unpublished(page=page) if _is_article(page) else pipeline_run(event="page_changed", page=page)
