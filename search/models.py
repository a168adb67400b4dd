"""One search entry per live article, kept in step by search.services.

The text lives here once; the engine's index is built over it. On SQLite an FTS5 table with
external content (`search_articlefts`, filled by triggers) indexes the text columns; on PostgreSQL
`vector` holds a weighted tsvector with a GIN index. Both are created in migration 0001.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class ArticleSearchEntry(models.Model):
    article = models.OneToOneField(
        "newsroom.ArticlePage", primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    # Short columns first: SQLite reads a row from its start, and filters need only these.
    published_at = models.DateTimeField(db_index=True)
    language = models.CharField(max_length=12, blank=True)
    title = models.TextField()
    dek = models.TextField(blank=True)
    authors = models.TextField(blank=True)
    body = models.TextField(blank=True)
    vector = SearchVectorField(null=True)

    class Meta:
        verbose_name_plural = "article search entries"

    def __str__(self) -> str:
        return self.title
