"""`crosspost sources check [--article ID] [--json]`: run a source-watch pass now."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ingest.sourcewatch import sources_check_article, sources_check_due
from newsroom.models import ArticlePage


class Command(BaseCommand):
    help = "Re-fetch reposted originals that are due (or one article's) and report changes to editors."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        check = actions.add_parser("check", help="Check the originals that are due now, or one article's.")
        check.add_argument("--article", type=int, help="Check this article's original now, whatever its schedule.")
        check.add_argument("--json", action="store_true", help="One JSON object per article checked.")

    def handle(self, *args, action: str, **options) -> None:
        if options["article"] is not None:
            article = ArticlePage.objects.filter(pk=options["article"]).first()
            if article is None:
                raise CommandError(f"there is no article {options['article']}")
            if not article.is_repost:
                raise CommandError(f"article {article.pk} is our own, not a repost: it has no original to watch")
            results = [sources_check_article(article=article)]
        else:
            results = sources_check_due()
        for result in results:
            if options["json"]:
                self.stdout.write(json.dumps({"id": result.article_id, "status": result.status,
                                              "distance": result.distance, **({"error": result.error} if result.error else {})}))
            else:
                distance = "" if result.distance is None else f" (distance {result.distance:.2f})"
                self.stdout.write(f"article {result.article_id}: {result.status}{distance}"
                                  + (f" — {result.error}" if result.error else ""))
        if not options["json"]:
            counts = {s: sum(r.status == s for r in results) for s in ("unchanged", "changed", "gone", "error")}
            self.stdout.write(f"Checked {len(results)}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
