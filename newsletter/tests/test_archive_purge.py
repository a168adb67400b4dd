"""Sending an issue purges the cached sitemap (and archive pages) so the issue shows at once."""

import datetime

import pytest

from crosspost.tests.test_pagecache import reader  # noqa: F401 - the fixture: the WSGI stack with its page cache
from newsletter import services

pytestmark = pytest.mark.django_db


def test_a_sent_issue_appears_in_the_cached_sitemap_at_once(reader, smtp, make_article,  # noqa: F811
                                                            confirmed_subscribers):
    older = datetime.date(2031, 3, 5)
    services.selection_add(article=make_article("Harbour strike ends"))
    confirmed_subscribers(1)
    assert services.digest_send(digest=services.digest_build(date=older), workers=1)["sent"] == 1
    for path in ("/sitemap-newsletter.xml", "/sitemap.xml"):
        reader.get(path)
        assert reader.get(path)[1].get("X-Cache") == "hit", path  # both are cached now

    services.selection_add(article=make_article("Grain prices fall"))
    assert services.digest_send(digest=services.digest_build(date=older + datetime.timedelta(days=1)),
                                workers=1)["sent"] == 1

    status, headers, body = reader.get("/sitemap-newsletter.xml")
    assert status.startswith("200") and headers.get("X-Cache") != "hit"
    assert b"/newsletter/archive/daily/2031-03-06/" in body
    assert reader.get("/sitemap.xml")[1].get("X-Cache") != "hit"
