"""Pagination that never counts the whole list: a page fetches one row more to know if another follows.

Django's Paginator runs COUNT(*) over the full query on every page, which grows with the archive
(a section of 30,000 articles costs more to count than to list). Here the count is only taken when
a reader asks for a page past the end, to send them to the last one.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

MAX_OFFSET = 10**9


class LookaheadPage(Page):
    def __init__(self, object_list: Any, number: int, paginator: LookaheadPaginator, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def has_other_pages(self) -> bool:
        return self.more or self.number > 1

    # Django's versions validate the number against num_pages, which counts the whole list.
    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class LookaheadPaginator(Paginator):
    """Paginator whose pages know whether there is a next one without knowing how many there are."""

    def get_page(self, number: Any) -> LookaheadPage:
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        if (number - 1) * self.per_page > MAX_OFFSET:
            number = self.num_pages  # no database takes offsets that large
        page = self._fetch(number)
        if not page.object_list and number > 1:
            page = self._fetch(self.num_pages)  # past the end: the real count, once
        return page

    def page(self, number: Any) -> LookaheadPage:
        return self.get_page(number)

    def _fetch(self, number: int) -> LookaheadPage:
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom:bottom + self.per_page + 1])
        return LookaheadPage(rows[:self.per_page], number, self, more=len(rows) > self.per_page)

    @cached_property
    def count(self) -> int:
        return super().count
