"""Background tasks; each only calls a service and is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from engagement.webhooks import webhook_deliver


@task()
def deliver_webhook(delivery_id: int) -> str:
    return webhook_deliver(delivery_id=delivery_id)
