"""`crosspost import wordpress FILE.xml …` and `crosspost import ghost FILE.json …`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.mapping import MappingError
from imports.services import ExportError, ghost_import, wordpress_import


class Command(BaseCommand):
    help = "Import a WordPress (WXR) or Ghost (JSON) export: posts, pages, authors, comments, images, old URLs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="source", required=True)
        for name, helptext in (("wordpress", "a WordPress export (Tools → Export, .xml)"),
                               ("ghost", "a Ghost export (Settings → Labs → Export, .json)")):
            p = sub.add_parser(name, help=f"import {helptext}")
            p.add_argument("file", type=Path)
            p.add_argument("--media", type=Path, metavar="DIR",
                           help="a local copy of wp-content/uploads (or content/images) to read images from")
            p.add_argument("--map", action="append", default=[], metavar="RULE",
                           help="category:SLUG=region:SLUG, tag:*=theme:*, category:news=drop … (repeatable)")
            p.add_argument("--dry-run", action="store_true", help="print the report, write nothing")
            p.add_argument("--json", action="store_true", help="end with the report as one JSON line")
            if name == "ghost":
                p.add_argument("--members-confirmed", action="store_true",
                               help="members opted in on Ghost: make them confirmed newsletter readers")
                p.add_argument("--send-confirmations", action="store_true",
                               help="mail members imported as pending a link to confirm their subscription")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if options["media"] and not options["media"].is_dir():
            raise CommandError(f"--media {options['media']}: not a directory")
        bar = self._progress_bar(options)
        common = {"media_dir": options["media"], "maps": options["map"], "dry_run": options["dry_run"],
                  "progress": bar}
        try:
            with path.open("rb") as file:
                if options["source"] == "wordpress":
                    report = wordpress_import(file=file, **common)
                else:
                    report = ghost_import(file=file, members_confirmed=options["members_confirmed"],
                                          send_confirmations=options["send_confirmations"], **common)
        except (ExportError, MappingError) as exc:
            raise CommandError(f"{path}: {exc}") from None
        finally:
            if bar is not None:
                bar.close()
        data = report.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self._summary(data)

    def _progress_bar(self, options: dict) -> Any:
        if options["json"] or not sys.stderr.isatty():
            return None
        from tqdm import tqdm

        bar = tqdm(unit="item", file=sys.stderr, desc="Importing")

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        progress.close = bar.close  # type: ignore[attr-defined]
        return progress

    def _summary(self, data: dict) -> None:
        prefix = "Would import" if data["dry_run"] else "Imported"
        self.stdout.write(
            f"{prefix}: {data['articles']} articles, {data['pages']} pages, {data['authors']} authors, "
            f"{data['comments']} comments, {data['images']} images, {data['redirects']} redirects"
            + (f", {data['readers']} readers" if data["readers"] else "")
            + (f", {data['confirmations_sent']} confirmation mails sent" if data["confirmations_sent"] else ""))
        for label in ("created", "updated", "unchanged"):
            if data[label]:
                self.stdout.write(f"  {label}: " + ", ".join(f"{n} {k}" for k, n in sorted(data[label].items())))
        if data["terms_dropped"]:
            self.stdout.write("  dropped terms: " + ", ".join(f"{n} {k}" for k, n in data["terms_dropped"].items())
                              + " (use --map to keep them as sections)")
        if data["comments_dropped"]:
            self.stdout.write("  comments not imported: "
                              + ", ".join(f"{n} {k}" for k, n in data["comments_dropped"].items()))
        if data["shortcodes_dropped"]:
            self.stdout.write("  shortcodes dropped: "
                              + ", ".join(f"{n} [{k}]" for k, n in data["shortcodes_dropped"].items()))
        for note in data["notes"]:
            self.stdout.write(f"  note: {note['source_id']}: {note['note']}")
        for skipped in data["skipped"]:
            self.stdout.write(f"  skipped {skipped['source_id']}: {skipped['reason']}")
        if data["media_missing"]:
            self.stdout.write(f"  {data['media_missing']} images could not be had (the bodies link to them):")
            for url in data["media_missing_urls"][:20]:
                self.stdout.write(f"    {url}")
