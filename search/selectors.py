"""Reads from the article search index: a sanitised query, filters, relevance order, pages.

SQLite ranks with FTS5's bm25() and PostgreSQL with ts_rank(), each weighting title above dek and
bylines above body. A very common word can match most of the archive; ranking all of those rows
would cost time in proportion to the archive, so only the newest RANK_WINDOW matches are ranked
(the window holds years of articles for any word rare enough to be worth ranking). Both engines
walk matches in id order cheaply (FTS5 doclists are sorted by rowid), so the window costs little.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any

from django.db import connection
from django.utils.functional import cached_property

from newsroom.models import ArticlePage

RANK_WINDOW = 1000
MAX_TERMS = 12
# Results are counted up to here ("more than 1,000 articles match"): counting every match of a
# common word would cost time in proportion to the archive, and no reader pages that far.
COUNT_CAP = 1000
_TERM = re.compile(r'"([^"]*)"|(\w+)', re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclasses.dataclass(frozen=True)
class SearchFilters:
    region_id: int | None = None
    theme_id: int | None = None
    author_ids: tuple[int, ...] | None = None  # None: any author; (): no author matched the name
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def query_terms(query: str) -> list[list[str]]:
    """The words of a query, each a list of one word or a quoted phrase's words; operators dropped."""
    terms = []
    for phrase, word in _TERM.findall(query):
        words = _WORD.findall(phrase) if phrase else [word]
        if words:
            terms.append(words)
    return terms[:MAX_TERMS]


def _fts5_expression(terms: list[list[str]]) -> str:
    # Every word double-quoted is a literal string to FTS5: no operator or column filter survives.
    return " ".join('"' + " ".join(words) + '"' for words in terms)


def _websearch_expression(terms: list[list[str]]) -> str:
    return " ".join('"' + " ".join(words) + '"' if len(words) > 1 else words[0] for words in terms)


# A section filter can run two ways on SQLite. As `IN (…)` the section's article ids are gathered
# first: cheap for a small section, but gathering a region of 30,000 articles costs 20 ms on every
# search. As a correlated EXISTS each match is looked up in the link table's unique index, so the
# cost follows the matches read (which the caps bound): cheap for a large section, but a small one
# would be tested against every match of a common word. Sections up to this size go by IN.
SMALL_SECTION = 2000


def _section_clause(table: str, column: str, section_id: int, article_id: str) -> str:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {column} = %s LIMIT {SMALL_SECTION})",
                           [section_id])
            if cursor.fetchone()[0] >= SMALL_SECTION:
                return f"EXISTS (SELECT 1 FROM {table} s WHERE s.articlepage_id = f.rowid AND s.{column} = %s)"
    return f"{article_id} IN (SELECT articlepage_id FROM {table} WHERE {column} = %s)"


def _filter_sql(filters: SearchFilters, article_id: str) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if filters.region_id:
        clauses.append(_section_clause("newsroom_articlepage_regions", "regionpage_id", filters.region_id, article_id))
        params.append(filters.region_id)
    if filters.theme_id:
        clauses.append(_section_clause("newsroom_articlepage_themes", "themepage_id", filters.theme_id, article_id))
        params.append(filters.theme_id)
    if filters.author_ids is not None:
        ids = list(filters.author_ids) or [0]
        clauses.append(f"{article_id} IN (SELECT page_id FROM newsroom_articleauthor "
                       f"WHERE author_id IN ({', '.join(['%s'] * len(ids))}))")
        params.extend(ids)
    if filters.date_from:
        clauses.append("e.published_at >= %s")
        params.append(_day_start(filters.date_from))
    if filters.date_to and filters.date_to < datetime.date.max:  # the last date there is: no upper bound
        clauses.append("e.published_at < %s")
        params.append(_day_start(filters.date_to + datetime.timedelta(days=1)))
    return "".join(f" AND {clause}" for clause in clauses), params


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


class _Match:
    """FROM … WHERE of one query's matches on this database, with its id and rank expressions."""

    def __init__(self, terms: list[list[str]], filters: SearchFilters):
        if connection.vendor == "postgresql":
            self.id, self.rank = "e.article_id", "ts_rank(e.vector, q.query) DESC"
            match = ("FROM search_articlesearchentry e, websearch_to_tsquery('simple', %s) q(query) "
                     "WHERE e.vector @@ q.query")
            params: list[Any] = [_websearch_expression(terms)]
        else:
            self.id, self.rank = "f.rowid", "bm25(search_articlefts, 10.0, 4.0, 4.0, 1.0)"
            match = "FROM search_articlefts f WHERE search_articlefts MATCH %s"
            params = [_fts5_expression(terms)]
            if filters.date_from or filters.date_to:
                # CROSS JOIN keeps FTS5 the outer loop: driven from a date range instead, SQLite
                # would run one full-text lookup per article in the range.
                match = match.replace(" WHERE", " CROSS JOIN search_articlesearchentry e ON e.article_id = f.rowid WHERE")
        # Unary + stops SQLite handing these IN lists to FTS5 as rowid lookups (one per linked
        # article); as plain tests they are checked against each match instead.
        where, filter_params = _filter_sql(filters, "+f.rowid" if connection.vendor == "sqlite" else self.id)
        self.sql, self.params = match + where, params + filter_params

    def select(self, cursor, columns: str, rest: str = "", params: tuple = ()) -> list[tuple]:
        cursor.execute(f"SELECT {columns} {self.sql} {rest}", [*self.params, *params])
        return cursor.fetchall()


class ArticleSearch:
    """The matches of one query, sliceable by Django's Paginator (count() and [a:b]).

    Results are the newest RANK_WINDOW matches (by article id, which follows publication order)
    in order of relevance, then the older matches newest first.
    """

    def __init__(self, query: str, filters: SearchFilters | None = None):
        self.terms = query_terms(query)
        self.filters = filters or SearchFilters()
        self._count: int | None = None
        self._window_floor: int | None | bool = False
        self._beyond_window = False

    @cached_property
    def _match(self) -> _Match:
        return _Match(self.terms, self.filters)

    def count(self) -> int:
        """How many articles match, up to COUNT_CAP + 1 (more than COUNT_CAP: see `count_capped`)."""
        if self._count is None:
            self._count = 0
            if self.terms:
                match = self._match
                with connection.cursor() as cursor:
                    self._floor(match, cursor)
                    if self._beyond_window and COUNT_CAP <= RANK_WINDOW:
                        # The window query already found more matches than are counted.
                        self._count = COUNT_CAP + 1
                    else:
                        cursor.execute(f"SELECT count(*) FROM (SELECT 1 {match.sql} LIMIT {COUNT_CAP + 1}) m",
                                       match.params)
                        self._count = cursor.fetchone()[0]
        return self._count

    @property
    def count_capped(self) -> bool:
        return self.count() > COUNT_CAP

    def __len__(self) -> int:
        return self.count()

    def _floor(self, match: _Match, cursor) -> int | None:
        """The lowest article id in the ranked window (None: every match is in it). Also notes
        whether a match follows the window, which tells count() there are more than RANK_WINDOW."""
        if self._window_floor is False:
            rows = match.select(cursor, match.id, f"ORDER BY {match.id} DESC LIMIT 2 OFFSET {RANK_WINDOW - 1}")
            self._window_floor = rows[0][0] if rows else None
            self._beyond_window = len(rows) == 2
        return self._window_floor

    def ids(self, offset: int, limit: int) -> list[int]:
        """Article ids in result order, from `offset`."""
        if not self.terms or limit <= 0:
            return []
        match = self._match
        end, ids = offset + limit, []
        with connection.cursor() as cursor:
            floor = self._floor(match, cursor)
            if offset < RANK_WINDOW:
                rest = f"AND {match.id} >= %s " if floor is not None else ""
                rows = match.select(cursor, match.id, f"{rest}ORDER BY {match.rank}, {match.id} DESC LIMIT %s OFFSET %s",
                                    (*([floor] if floor is not None else []), min(end, RANK_WINDOW) - offset, offset))
                ids += [row[0] for row in rows]
            if end > RANK_WINDOW and floor is not None:
                start = max(offset, RANK_WINDOW)
                rows = match.select(cursor, match.id, f"AND {match.id} < %s ORDER BY {match.id} DESC LIMIT %s OFFSET %s",
                                    (floor, end - start, start - RANK_WINDOW))
                ids += [row[0] for row in rows]
        return ids

    def __getitem__(self, item: slice) -> list:
        if not isinstance(item, slice):
            raise TypeError("ArticleSearch only supports slicing")
        start = item.start or 0
        ids = self.ids(start, (item.stop if item.stop is not None else self.count()) - start)
        cards = (ArticlePage.objects.live().public().filter(pk__in=ids)
                 .select_related("hero_image", "publication").prefetch_related("article_authors__author"))
        by_id = {card.pk: card for card in cards}
        return [by_id[pk] for pk in ids if pk in by_id]
