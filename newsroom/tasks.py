"""Background tasks; each only calls a service and is safe to run twice."""

from __future__ import annotations

from django_tasks import task
from wagtail.models import Page


@task()
def publish_step_retry(event: str, page_id: int, step: str, attempt: int) -> list[str]:
    """Run one failed step of the publish pipeline again (newsroom/publishing.py)."""
    from newsroom.publishing import pipeline_run  # publishing imports this module to queue retries

    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return []  # deleted meanwhile: nothing left to index, purge or announce
    return pipeline_run(event=event, page=page.specific, only=step, attempt=attempt)
