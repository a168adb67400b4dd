"""Listings of articles: newest first, one slice at a time, paginated without counting.

The page models (newsroom/models.py) hold fields, panels and `get_context`; what they list comes
from here, as do the search results page and the corrections page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.db import models
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import cached_property
from wagtail.models import Page

from crosspost.lib.pagination import LookaheadPaginator

if TYPE_CHECKING:
    from newsroom.models import ArticlePage

PAGE_SIZE = 12


def _articles() -> type[ArticlePage]:
    # By name: the page models list their articles with this module, so it cannot import them.
    return cast("type[ArticlePage]", apps.get_model("newsroom", "ArticlePage"))


def paginate(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> PaginatorPage:
    """A page of results from `?page=`; junk or out-of-range numbers give the nearest page."""
    return LookaheadPaginator(queryset, per_page).get_page(request.GET.get("page"))


def translated(page_obj: Any) -> Any:
    """Listed articles get their titles and deks in the reader's language where stored."""
    from translation.selectors import cards_translate

    language = translation.get_language() or settings.LANGUAGE_CODE
    if isinstance(page_obj, PaginatorPage):
        page_obj.object_list = cards_translate(list(page_obj.object_list), language)
        return page_obj
    return cards_translate(list(page_obj), language)


class NewestArticles:
    """Live, public articles meeting `conditions`, newest first, fetched one slice at a time.

    The ids come from `wagtailcore_page` alone, the conditions being correlated tests
    (`EXISTS`), so the database's only good plan is to walk the first_published_at index and stop
    after the slice; then the slice's cards are fetched by id. Joined to the article and link
    tables, SQLite's planner sometimes sorted a whole 30,000-article section for every page.
    """

    def __init__(self, *conditions: models.Q | models.Exists):
        self.conditions = conditions or (models.Exists(_articles().objects.filter(pk=models.OuterRef("pk"))),)

    @cached_property
    def ids(self) -> models.QuerySet:
        return (Page.objects.live().public().filter(*self.conditions)
                .order_by("-first_published_at", "-pk").values_list("pk", flat=True))

    def count(self) -> int:
        return self.ids.count()

    def __getitem__(self, item: slice) -> list[ArticlePage]:
        if not isinstance(item, slice):
            raise TypeError("NewestArticles only supports slicing")
        ids = list(self.ids[item])
        cards = (_articles().objects.filter(pk__in=ids).select_related("hero_image", "publication")
                 .prefetch_related("article_authors__author"))
        by_id = {card.pk: card for card in cards}
        return [by_id[pk] for pk in ids if pk in by_id]


def articles_linked_to(links: models.QuerySet, article_column: str) -> NewestArticles:
    """The articles named by `links` (an author's bylines, a section's links), newest first."""
    return NewestArticles(models.Exists(links.filter(**{article_column: models.OuterRef("pk")})))
