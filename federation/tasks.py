"""Background tasks; each only calls a service and is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from federation import delivery, websub


@task()
def deliver_pending() -> dict[str, int]:
    """Send due ActivityPub deliveries for up to a minute (the scheduler starts one every minute)."""
    return delivery.deliveries_run()


@task()
def websub_push_pending() -> dict[str, int]:
    return websub.pushes_run()


@task()
def websub_verify_intent(mode: str, topic: str, callback: str, secret: str, lease: int) -> bool:
    return websub.intent_verify(mode=mode, topic=topic, callback=callback, secret=secret, lease=lease)
