from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _index_existing_articles(sender, **kwargs) -> None:
    # A site upgraded from a version without this index has live articles and no entries: fill it
    # once, so search works straight after `migrate` (a fresh site's index fills as it publishes).
    from newsroom.models import ArticlePage
    from search.models import ArticleSearchEntry
    from search.services import search_index_rebuild

    if not ArticleSearchEntry.objects.exists() and ArticlePage.objects.live().exists():
        search_index_rebuild()


class SearchConfig(AppConfig):
    """The article search index: one row per live article, matched with FTS5 or tsvector."""

    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # Publishing indexes through newsroom/publishing.py; deleting an article deletes its
        # entry through the foreign key's cascade.
        post_migrate.connect(_index_existing_articles, sender=self, dispatch_uid="search_index_existing")
