"""Writes to the article search index: called on publish and unpublish, and by bulk loads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.utils.html import strip_tags

from newsroom.models import ArticlePage
from search.models import ArticleSearchEntry

# PostgreSQL's weighted vector: title A, dek and bylines B, body C. 'simple' does no stemming,
# which suits an archive in many languages; SQLite's unicode61 tokenizer does the same.
_VECTOR_SQL = """
UPDATE search_articlesearchentry SET vector =
    setweight(to_tsvector('simple', title), 'A') ||
    setweight(to_tsvector('simple', dek || ' ' || authors), 'B') ||
    setweight(to_tsvector('simple', body), 'C')
WHERE article_id = ANY(%s)
"""


def body_text(blocks: Iterable) -> str:
    """Plain text of a body StreamField (or its raw JSON list): every block's text, tags removed."""
    parts = []
    for block in blocks:
        value = block.get("value") if isinstance(block, dict) else getattr(block, "value", block)
        source = getattr(value, "source", value)
        if isinstance(source, str):
            parts.append(strip_tags(source))
        elif isinstance(source, dict):
            parts.extend(strip_tags(v) for v in source.values() if isinstance(v, str))
    return " ".join(" ".join(parts).split())


def entry_for(article, *, authors: str | None = None, body: str | None = None) -> ArticleSearchEntry:
    return ArticleSearchEntry(
        article_id=article.pk,
        title=article.title,
        dek=article.dek,
        authors=article.author_names() if authors is None else authors,
        body=body_text(article.body) if body is None else body,
        published_at=article.first_published_at,
        language=article.language,
    )


@transaction.atomic
def entries_save(*, entries: list[ArticleSearchEntry]) -> None:
    """Replace the index entries of these articles (deleting first keeps the FTS triggers simple)."""
    ids = [entry.article_id for entry in entries]
    ArticleSearchEntry.objects.filter(article_id__in=ids).delete()
    ArticleSearchEntry.objects.bulk_create(entries, batch_size=500)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_VECTOR_SQL, [ids])


def articles_index(*, articles: Iterable) -> None:
    """(Re)index live articles; anything not live is taken out instead."""
    articles = list(articles)
    live = [a for a in articles if a.live and a.first_published_at]
    articles_unindex(article_ids=[a.pk for a in articles if not (a.live and a.first_published_at)])
    if live:
        entries_save(entries=[entry_for(article) for article in live])


def articles_unindex(*, article_ids: list[int]) -> None:
    if article_ids:
        ArticleSearchEntry.objects.filter(article_id__in=article_ids).delete()


def _batches(queryset, size: int) -> Iterator[list]:
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def search_index_rebuild(*, batch_size: int = 1000) -> int:
    """Index every live article from scratch; returns how many are indexed."""
    ArticleSearchEntry.objects.all().delete()
    count = 0
    live = ArticlePage.objects.live().prefetch_related("article_authors__author")
    for batch in _batches(live, batch_size):
        entries_save(entries=[entry_for(article) for article in batch])
        count += len(batch)
    return count
