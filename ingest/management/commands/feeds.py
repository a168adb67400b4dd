"""`crosspost feeds add URL` and `crosspost feeds poll`: follow outlets' feeds."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ingest.models import FeedSubscription
from ingest.services import RepostError, feed_poll, feed_subscription_add


class Command(BaseCommand):
    help = "Follow RSS/Atom feeds (add) and fetch their new items into the inbox (poll)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Follow a feed.")
        add.add_argument("url")
        add.add_argument("--title", default="")
        actions.add_parser("poll", help="Poll every followed feed once.")

    def handle(self, *args, action: str, **options) -> None:
        if action == "add":
            try:
                subscription = feed_subscription_add(url=options["url"], title=options["title"])
            except RepostError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"Following {subscription.url} (subscription {subscription.pk})")
            return
        subscriptions = list(FeedSubscription.objects.all())
        progress = tqdm(subscriptions, unit="feed", disable=not sys.stderr.isatty(), file=sys.stderr)
        total = errors = 0
        for subscription in progress:
            result = feed_poll(subscription=subscription, force=True)
            total += result.new_items
            if result.error:
                errors += 1
                self.stderr.write(f"{subscription.url}: {result.error}")
        self.stdout.write(f"Polled {len(subscriptions)} feeds: {total} new items, {errors} errors")
