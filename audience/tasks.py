"""Background tasks; each only calls a service and is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from audience import services


@task()
def flush_counters() -> int:
    """Page views and republication views from the counter store into daily rows."""
    return services.counters_flush().batches
