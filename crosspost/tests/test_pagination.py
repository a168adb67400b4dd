import pytest

from crosspost.lib.pagination import LookaheadPaginator


class CountingList:
    """Stands in for a QuerySet: slicing reads rows, count() is the query the paginator must avoid."""

    counted = 0

    def __init__(self, rows: range) -> None:
        self.rows = list(rows)

    def __getitem__(self, index: slice) -> list[int]:
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)

    def count(self) -> int:
        CountingList.counted += 1
        return len(self.rows)


@pytest.mark.parametrize(("number", "shown", "more"), [
    (1, [0, 1, 2], True), ("2", [3, 4, 5], True), (3, [6], False), ("junk", [0, 1, 2], True), (-4, [0, 1, 2], True),
])
def test_a_page_knows_if_another_follows_without_counting(number, shown, more):
    CountingList.counted = 0
    page = LookaheadPaginator(CountingList(range(7)), 3).get_page(number)
    assert list(page) == shown and page.has_next() is more
    if page.has_next():
        assert page.next_page_number() == page.number + 1
    if page.has_previous():
        assert page.previous_page_number() == page.number - 1
    assert CountingList.counted == 0


@pytest.mark.parametrize("number", [4, 99, 10**30])
def test_a_page_past_the_end_shows_the_last_one(number):
    page = LookaheadPaginator(CountingList(range(7)), 3).get_page(number)
    assert list(page) == [6] and page.number == 3 and not page.has_next() and page.has_previous()


def test_an_empty_list_has_one_empty_page():
    page = LookaheadPaginator([], 3).get_page(5)
    assert list(page) == [] and page.number == 1 and not page.has_other_pages()
