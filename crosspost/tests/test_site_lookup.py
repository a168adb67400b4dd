"""Wagtail's Site lookup is kept per process for a couple of seconds, a fresh copy per request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crosspost import middleware

pytestmark = pytest.mark.django_db


def site_queries(client, path: str = "/") -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return sum('FROM "wagtailcore_site"' in q["sql"] for q in captured)


def test_the_site_is_looked_up_once_every_few_seconds(client, monkeypatch):
    middleware._sites.clear()
    assert site_queries(client) == 1
    assert site_queries(client) == 0
    monkeypatch.setattr(middleware, "_SITE_SECONDS", 0.0)
    middleware._sites.clear()
    client.get("/")
    assert site_queries(client) == 1


def test_each_request_gets_its_own_copy_of_the_site(rf):
    middleware._sites.clear()
    seen = []

    def view(request) -> None:
        seen.append(request._wagtail_site)

    handler = middleware.SiteLookupMiddleware(view)
    handler(rf.get("/"))
    handler(rf.get("/"))
    assert seen[0] is not None and seen[0] is not seen[1] and seen[0].pk == seen[1].pk
    assert seen[0].root_page is not seen[1].root_page
