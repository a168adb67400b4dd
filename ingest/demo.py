"""Demo data for reposting: a source-watch change waiting for an editor in Reposting → Source changes.

The demo's outlets are fictional hosts, so instead of fetching, the watch records what a check
would have found: the original's second paragraph rewritten since we reposted it.
"""

from __future__ import annotations

from django.utils import timezone

from ingest.models import SourceChange, SourceWatch
from ingest.sourcewatch import published_html, source_watch_start, text_blocks, text_distance
from newsroom.models import ArticlePage


def ingest_demo_load() -> None:
    article = ArticlePage.objects.filter(publication__isnull=False, repost_mode="full").order_by("pk").first()
    if article is None or SourceChange.objects.filter(article=article).exists():
        return
    watch = source_watch_start(article=article)
    if watch is None:  # a repost without an original URL: nothing to show a change of
        return
    ours = published_html(article)
    paragraphs = text_blocks(ours)
    if len(paragraphs) < 2:
        return
    paragraphs[1] = ("Update: after this story was first published, the port authority said the figures it gave "
                     "earlier were provisional; the final count is lower by about a fifth.")
    new_html = "".join(f"<p>{p}</p>" for p in paragraphs)
    distance = text_distance("\n".join(text_blocks(ours)), "\n".join(paragraphs))
    SourceChange.objects.create(article=article, kind=SourceChange.Kind.CORRECTED, distance=distance,
                                http_status=200, published_html=ours, new_html=new_html, new_title=article.title)
    SourceWatch.objects.filter(pk=watch.pk).update(last_checked_at=timezone.now(), last_status="changed",
                                                   last_distance=distance)
