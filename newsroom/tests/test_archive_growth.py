"""Newsletter and translation jobs cost what their work costs, whatever the archive's size.

Each job runs once on the demo alone and once after hundreds of archive articles are added: it
must make the same number of queries, and on SQLite none of them may scan a table that grows with
the archive (a full scan costs nothing at 300 rows and seconds at a million).
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletter import services as newsletter
from newsletter.models import Selection, Subscriber
from newsroom.bulk import articles_bulk_create
from newsroom.models import ArticlePage
from translation.engines.base import Engine
from translation.jobs import page_translate

pytestmark = pytest.mark.django_db

# Tables whose row count follows the archive's size.
ARCHIVE_SCAN = re.compile(r"\bSCAN (wagtailcore_page|wagtailcore_revision|wagtailcore_referenceindex|newsroom_\w+|"
                          r"search_\w+|translation_\w+|newsletter_selection|newsletter_digestarticle)\b")


class UppercaseEngine(Engine):
    """Stands in for the machine-translation server, which is not what is measured here."""

    name = "uppercase"

    def pair(self, source: str, target: str) -> tuple[str, str]:
        return source, target

    def translate(self, fragments: list[str], *, source: str, target: str) -> list[str]:
        return [fragment.upper() for fragment in fragments]


@pytest.fixture
def demo(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("demo")
    # The same readers and nothing else selected on both days, so only the archive differs.
    Subscriber.objects.all().delete()
    Selection.objects.all().delete()
    for n in range(3):
        newsletter.subscriber_create_confirmed(email=f"reader{n}@example.org")
    return list(ArticlePage.objects.live().order_by("pk")[:4])


def newsletter_day(articles: list[ArticlePage], day: int) -> None:
    for article in articles:
        newsletter.selection_add(article=article)
    digest = newsletter.digest_build(date=datetime.date(2026, 1, day))
    result = newsletter.digest_send(digest=digest, workers=1)
    assert (result["sent"], result["articles"]) == (3, len(articles))


def queries_of(job) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        job()
    return [query["sql"] for query in captured.captured_queries]


def archive_scans(sql_statements: list[str]) -> list[str]:
    scans = []
    with connection.cursor() as cursor:
        for sql in sql_statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            scans += [f"{row[-1]}  <-  {sql[:160]}" for row in cursor.fetchall() if ARCHIVE_SCAN.search(row[-1])]
    return scans


def test_a_days_newsletter_costs_the_same_with_a_large_archive(demo):
    small = queries_of(lambda: newsletter_day(demo[:2], day=1))
    articles_bulk_create(count=400, batch_size=200, author_count=20)
    large = queries_of(lambda: newsletter_day(demo[2:4], day=2))
    assert len(large) == len(small)
    if connection.vendor == "sqlite":
        assert archive_scans(large) == []


def test_translating_an_article_costs_the_same_with_a_large_archive(demo):
    article = demo[0]
    small = queries_of(lambda: page_translate(page=article, language="de", engine=UppercaseEngine()))
    articles_bulk_create(count=400, batch_size=200, author_count=20)
    for other in ArticlePage.objects.order_by("-pk")[:50]:  # a translation memory that grew too
        page_translate(page=other, language="es", engine=UppercaseEngine())
    article = ArticlePage.objects.get(pk=article.pk)  # as fresh as the first: pages cache what they read
    large = queries_of(lambda: page_translate(page=article, language="es", engine=UppercaseEngine()))
    assert len(large) == len(small)
    if connection.vendor == "sqlite":
        assert archive_scans(large) == []
