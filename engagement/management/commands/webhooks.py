"""`crosspost webhooks retry|list`: deliver what is due; show recent deliveries."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from engagement.models import WebhookDelivery
from engagement.webhooks import webhooks_retry_due


class Command(BaseCommand):
    help = "Retry due webhook deliveries (for task backends that cannot defer), or list recent ones."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("retry", help="Deliver every pending delivery whose next attempt is due.")
        sub.add_parser("list", help="The 50 most recent deliveries.")

    def handle(self, *args, action: str, **options) -> None:
        if action == "retry":
            self.stdout.write(json.dumps(webhooks_retry_due()))
            return
        for d in WebhookDelivery.objects.select_related("endpoint")[:50]:
            self.stdout.write(f"{d.pk:>6} {d.endpoint.name:<20} {d.event:<20} {d.status:<10} "
                              f"attempts={d.attempts} {d.last_error}")
