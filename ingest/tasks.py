"""Background work for reposting; tasks only call services and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from ingest.models import FeedSubscription
from ingest.services import feed_poll
from ingest.sourcewatch import sources_check_due


@task()
def poll_feeds() -> int:
    """Poll every followed feed; returns how many new inbox items arrived."""
    return sum(feed_poll(subscription=s).new_items for s in FeedSubscription.objects.all())


@task()
def watch_sources() -> int:
    """One source-watch pass over the reposts that are due; returns how many were checked."""
    return len(sources_check_due())
