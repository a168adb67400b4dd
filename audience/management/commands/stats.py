"""`crosspost stats [--days N] [--json] [--flush]`: readers over the last days, from the daily rows."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from audience.selectors import audience_report
from audience.services import counters_flush


class Command(BaseCommand):
    help = "Views and visitors per day, top articles, referrers, languages and devices."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=7, help="How many days back, today included (default 7).")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the whole report as JSON.")
        parser.add_argument("--flush", action="store_true",
                            help="First write the counts still waiting in the counter store (the worker does "
                                 "this every minute).")

    def handle(self, *args, days: int, as_json: bool, flush: bool, **options) -> None:
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660")
        if flush:
            counters_flush()
        report = audience_report(days=days)
        if as_json:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{report['views']:,} views from {report['from']} to {report['to']}")
        self.stdout.write(f"{'DAY':<12} {'VIEWS':>9} {'VISITORS':>9}")
        for day in report["days"]:
            self.stdout.write(f"{day['day']:<12} {day['views']:>9,} {day['visitors']:>9,}")
        for heading, rows, label in (("Top articles", report["top_articles"][:10], "title"),
                                     ("Referrers", report["referrers"], "value"),
                                     ("Languages", report["languages"][:10], "value"),
                                     ("Devices", report["devices"], "value")):
            self.stdout.write(f"\n{heading}")
            if not rows:
                self.stdout.write("  (none yet)")
            for row in rows:
                self.stdout.write(f"  {row['views']:>9,}  {row[label][:70]}")

