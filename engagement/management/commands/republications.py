"""`crosspost republications [--json] [--article ID] [--flush]`: where our articles are republished."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from engagement import republication


class Command(BaseCommand):
    help = "List republications seen by the pixel; --flush first moves pending counts from the cache."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="Print a JSON list instead of a table.")
        parser.add_argument("--article", type=int, default=None, help="Only this article (page id).")
        parser.add_argument("--flush", action="store_true",
                            help="Write counted views from the cache to the database (run this periodically).")

    def handle(self, *args, **options) -> None:
        as_json = options["json"]
        if options["flush"]:
            from audience.services import counters_flush  # the one flush for every counter

            written = counters_flush().republication_views
            if not as_json:
                self.stdout.write(f"Flushed {written} view(s).")
        rows = republication.republication_rows(article_id=options["article"])
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write("No republications seen yet.")
            return
        self.stdout.write(f"{'ARTICLE':<40} {'DOMAIN':<28} {'VIEWS':>7}  FIRST SEEN        LAST SEEN         PAGE")
        for r in rows:
            self.stdout.write(
                f"{r['article'][:40]:<40} {(r['domain'] or '-')[:28]:<28} {r['views']:>7}  "
                f"{r['first_seen'][:16]:<17} {r['last_seen'][:16]:<17} {r['page_url'] or '(no referrer)'}"
            )

