"""`crosspost extract PATH_OR_URL...`: show what we would repost, saving nothing."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crosspost.lib import safe_fetch
from ingest.extract import Extracted, NoArticleFound, decode, extract


def extract_source(source: str) -> Extracted:
    if source.startswith(("http://", "https://")):
        response = safe_fetch.fetch(source)
        return extract(decode(response.content, response.charset), url=response.url)
    try:
        content = Path(source).read_bytes()
    except OSError as exc:
        raise NoArticleFound(f"cannot read {source}: {exc.strerror}") from None
    return extract(decode(content), url="")


class Command(BaseCommand):
    help = "Extract title, authors, date, publisher and body from pages (files or URLs); nothing is saved."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sources", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--json", action="store_true", help="Print one JSON object per line per input.")

    def handle(self, *args, sources: list[str], json: bool, **options) -> None:
        failures = 0
        for source in sources:
            try:
                result = extract_source(source)
            except (safe_fetch.FetchError, NoArticleFound) as exc:
                failures += 1
                self.stderr.write(f"{source}: {exc}")
                continue
            if json:
                self.stdout.write(_json_line(source, result))
            else:
                self.stdout.write(_human(source, result))
        if failures:
            raise CommandError(f"{failures} of {len(sources)} inputs could not be extracted")


def _json_line(source: str, result: Extracted) -> str:
    data = result.as_json()
    keys = ("title", "authors", "date", "publisher", "language", "canonical_url", "text", "html")
    return json.dumps({"source": source, **{k: data[k] for k in keys}}, ensure_ascii=False)


def _human(source: str, result: Extracted) -> str:
    lines = [
        f"== {source}",
        f"Title:     {result.title}",
        f"Authors:   {', '.join(result.authors) or '-'}",
        f"Date:      {result.date or '-'}",
        f"Publisher: {result.publisher or '-'}",
        f"Language:  {result.language or '-'}",
        f"Canonical: {result.canonical_url or '-'}",
        "",
        result.text,
        "",
    ]
    return "\n".join(lines)
