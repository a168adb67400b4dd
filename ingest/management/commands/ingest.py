"""`crosspost ingest URL`: repost an original article from its URL."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ingest.services import RepostError, repost_from_url
from newsroom.licences import RepostMode
from newsroom.models import ArticlePage


def article_json(article: ArticlePage) -> dict:
    return {
        "id": article.pk,
        "url": article.url,
        "status": "live" if article.live else "draft",
        "title": article.title,
        "authors": [a.title for a in article.authors],
        "source": {"name": article.publication.name, "url": article.original_url} if article.publication else None,
        "date": article.original_published_at.isoformat() if article.original_published_at else None,
    }


class Command(BaseCommand):
    help = "Repost the article at URL as an attributed draft (or publish it with --publish)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url")
        parser.add_argument("--publish", action="store_true", help="Publish instead of saving a draft.")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--excerpt", dest="mode", action="store_const", const=RepostMode.EXCERPT)
        mode.add_argument("--full", dest="mode", action="store_const", const=RepostMode.FULL)
        parser.add_argument("--json", action="store_true", help="Print the result as one JSON object.")

    def handle(self, *args, url: str, publish: bool, mode: str | None, json: bool, **options) -> None:
        try:
            article = repost_from_url(url=url, publish=publish, mode=mode)
        except RepostError as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_dumps(article_json(article)))
        else:
            state = "published" if article.live else "saved as a draft"
            self.stdout.write(f"Reposted {article.title!r} as article {article.pk}, {state}: {article.url}")


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
