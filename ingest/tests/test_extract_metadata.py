import datetime

from ingest.extract import extract
from ingest.tests.conftest import PARAGRAPHS


def page(head: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"<html><head>{head}</head><body><article>{paragraphs}</article></body></html>"


def test_a_utc_timestamp_is_dated_on_the_publishers_day_when_the_page_gives_its_zone():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2019-10-18T22:04:00Z"}</script>'
    local = '<meta property="article:published_time" content="2019-10-19T00:04:00+02:00">'
    assert extract(page(ld + local)).date == datetime.date(2019, 10, 19)


def test_a_utc_timestamp_alone_keeps_its_own_day():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2019-10-18T22:04:00Z"}</script>'
    assert extract(page(ld)).date == datetime.date(2019, 10, 18)


def test_a_page_that_declares_no_date_is_dated_from_its_visible_text():
    assert extract(page("").replace("<article>", "<article><p>Published 3 March 2021</p>")).date == datetime.date(2021, 3, 3)
