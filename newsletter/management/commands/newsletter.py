"""`crosspost newsletter import|export|send|bounce`: the newsletter from a shell.

The daily send is scheduled by `crosspost scheduler` (NEWSLETTER_SEND_TIME), which enqueues
newsletter.tasks.send_daily_digest for the task workers; on NEWSLETTER_ROUNDUP_WEEKDAY it sends the
weekly round-ups too, as `send` does.
"""

from __future__ import annotations

import csv
import datetime
import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from newsletter import services


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, got {text!r}") from None


class Command(BaseCommand):
    help = "Import, export and bounce subscribers; send the daily digest."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Add subscribers from a CSV file (email, name, language).")
        imp.add_argument("file")
        imp.add_argument("--confirmed", action="store_true", help="The list already opted in elsewhere.")
        exp = sub.add_parser("export", help="Write all subscribers as CSV (to FILE or standard output).")
        exp.add_argument("file", nargs="?", default="-")
        send = sub.add_parser("send", help="Send the digests of a day (default today) to every confirmed reader.")
        send.add_argument("--date", type=_date, default=None)
        send.add_argument("--list", dest="slug", default="",
                          help="Send this newsletter (its slug) whatever its schedule; default: every list due that day.")
        send.add_argument("--roundup", action="store_true",
                          help="Send the weekly round-ups of that day (of --list, or of every list that has one), "
                               "whatever NEWSLETTER_ROUNDUP_WEEKDAY says, and no issue.")
        send.add_argument("--json", action="store_true", help="Print the outcome as one JSON object.")
        send.add_argument("--workers", type=int, default=settings.NEWSLETTER_WORKERS)
        send.add_argument("--batch-size", type=int, default=settings.NEWSLETTER_BATCH_SIZE)
        bounce = sub.add_parser("bounce", help="Stop mailing an address that hard-bounced or complained.")
        bounce.add_argument("email")
        bounce.add_argument("--complaint", action="store_true")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, "do_" + action.replace("-", "_"))(**options)

    def do_import(self, *, file: str, confirmed: bool, **options) -> None:
        try:
            with open(file, newline="", encoding="utf-8-sig") as handle:
                total = sum(1 for _ in handle)
                handle.seek(0)
                with tqdm(total=total, unit="row", file=sys.stderr, disable=None) as bar:
                    result = services.subscribers_import(file=handle, confirmed=confirmed, progress=bar.update)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        except UnicodeDecodeError:
            raise CommandError(f"Cannot read {file}: it is not UTF-8 text (save the CSV as UTF-8)") from None
        self.stdout.write(
            f"{result.created} added, {result.updated} confirmed, {result.unchanged} already there, "
            f"{len(result.rejected)} rejected."
        )
        for line, address, reason in result.rejected:
            self.stdout.write(f"  line {line}: {address or '(empty)'}: {reason}")
        if result.unmailed:
            self.stdout.write(f"{len(result.unmailed)} saved as pending, but their confirmation mail failed; "
                              "import the file again to resend:")
            for line, address, reason in result.unmailed:
                self.stdout.write(f"  line {line}: {address}: {reason}")

    def do_export(self, *, file: str, **options) -> None:
        try:
            handle = self.stdout if file == "-" else open(file, "w", newline="", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc}") from None
        try:
            writer = csv.writer(handle)
            for row in services.subscribers_export_rows():
                writer.writerow(row)
        finally:
            if handle is not self.stdout:
                handle.close()

    def do_send(self, *, date, json: bool, workers: int, batch_size: int, slug: str, roundup: bool,
                **options) -> None:
        from newsletter.models import Newsletter

        day = date or timezone.localdate()
        newsletter = None
        if slug:
            newsletter = Newsletter.objects.filter(slug=slug).first()
            if newsletter is None:
                raise CommandError(f"No newsletter {slug!r}; lists: "
                                   + ", ".join(Newsletter.objects.values_list("slug", flat=True)))
        result = services.daily_digest_send(date=day, workers=workers, batch_size=batch_size, newsletter=newsletter,
                                            roundups=True if roundup else None)
        results = result["lists"]
        if json:
            self.stdout.write(_json(result))
        else:
            for name, one in results.items():
                self.stdout.write(
                    f"{name} {one['date']} ({one['articles']} articles): {one['sent']} sent, "
                    f"{one['failed']} failed, {one['skipped']} skipped."
                )
            if not results:
                self.stdout.write(f"No newsletter is due on {day} (held lists wait for an editor).")
        if result.get("errors"):
            raise CommandError("; ".join(result["errors"]))

    def do_bounce(self, *, email: str, complaint: bool, **options) -> None:
        if not services.subscriber_mark_bounced(email=email, complaint=complaint):
            raise CommandError(f"No subscriber with address {email}")
        self.stdout.write(f"{email} will not be mailed again.")


def _json(result: dict) -> str:
    return json.dumps(result, sort_keys=True)
