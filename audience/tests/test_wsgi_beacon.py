"""The beacon's WSGI layer; test_processes.py sends beacons to it through real Granian processes."""

import io

import pytest

from audience.services import counters_flush
from audience.tests.test_beacon import FIREFOX, GOOGLEBOT
from audience.wsgi import BeaconMiddleware
from crosspost.lib import counters

pytestmark = pytest.mark.django_db


class Django:
    """Stands in for the rest of the stack: records what reached it."""

    def __init__(self):
        self.called = 0

    def __call__(self, environ, start_response):
        self.called += 1
        start_response("418 I'm a teapot", [])
        return [b"django"]


def call(app, *, method="POST", body="a=&l=en", host="testserver", **extra):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": extra.pop("path", "/a/v"), "HTTP_HOST": host,
               "REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": FIREFOX,
               "CONTENT_TYPE": "application/x-www-form-urlencoded;charset=UTF-8",
               "CONTENT_LENGTH": str(len(body.encode())), "wsgi.input": io.BytesIO(body.encode()),
               "QUERY_STRING": body if method == "GET" else "", **extra}
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    content = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], content


def views() -> int:
    counters.counters_push()
    return counters_flush().views


def test_a_beacon_is_counted_before_django_is_reached():
    django = Django()
    app = BeaconMiddleware(django)
    status, headers, _ = call(app)
    assert status.startswith("204") and headers["Cache-Control"] == "no-store" and "Set-Cookie" not in headers
    status, headers, content = call(app, method="GET", path="/a/v.gif")
    assert status.startswith("200") and content.startswith(b"GIF89a")
    assert django.called == 0
    assert views() == 2


def test_beacons_from_other_sites_bots_and_dnt_are_answered_but_not_counted():
    app = BeaconMiddleware(Django())
    call(app, HTTP_ORIGIN="https://elsewhere.example")
    call(app, HTTP_USER_AGENT=GOOGLEBOT)
    call(app, HTTP_DNT="1")
    call(app, HTTP_ORIGIN="http://testserver")
    assert views() == 1


def test_what_the_layer_does_not_expect_goes_on_to_django():
    django = Django()
    app = BeaconMiddleware(django)
    assert call(app, host="evil.example")[0].startswith("418")
    assert call(app, body="a=" + "1" * 5000)[0].startswith("418")
    assert call(app, method="PUT")[0].startswith("418")
    assert call(app, path="/articles/")[0].startswith("418")
    assert call(app, CONTENT_TYPE="application/json", body='{"a": 1}')[0].startswith("418")
    assert django.called == 5


def test_remembered_beacon_bodies_still_count_each_article_reader_and_referrer_apart(make_article):
    from audience.models import DailyArticleViews, DailyBreakdown, DailySiteViews

    first, second = make_article("First"), make_article("Second")
    app = BeaconMiddleware(Django())
    google = "&r=https%3A%2F%2Fwww.google.com%2F"
    for _ in range(3):
        call(app, body=f"a={first.pk}&l=en{google}")  # the same bytes from the same reader
    call(app, body=f"a={first.pk}&l=en{google}", REMOTE_ADDR="198.51.100.4")
    call(app, body=f"a={second.pk}&l=fr", HTTP_USER_AGENT=FIREFOX + " Other/1")
    call(app, body=f"a={first.pk}&l=en{google}", HTTP_USER_AGENT=GOOGLEBOT)  # a known body from a bot
    assert views() == 5
    assert {(r.article_id, r.language, r.views) for r in DailyArticleViews.objects.all()} == {
        (first.pk, "en", 4), (second.pk, "fr", 1)}
    assert DailySiteViews.objects.get().visitors == 3
    referrers = dict(DailyBreakdown.objects.filter(dimension="referrer").values_list("value", "views"))
    assert referrers == {"search": 4, "direct": 1}


def test_a_flood_of_made_up_bodies_keeps_what_is_remembered_bounded():
    from audience import beacon

    app = BeaconMiddleware(Django())
    for n in range(beacon.MEMO_SIZE + 50):
        call(app, body=f"a={n}&l=en&c=x{n}")
    assert len(beacon._memo["bodies"]) <= beacon.MEMO_SIZE
    assert views() == beacon.MEMO_SIZE + 50


def test_languages_changed_in_settings_are_seen_by_the_remembered_parse(settings):
    from audience.models import DailyBreakdown

    app = BeaconMiddleware(Django())
    call(app, body="a=&l=xx")
    settings.LANGUAGES = [*settings.LANGUAGES, ("xx", "Test language")]
    call(app, body="a=&l=xx")
    views()
    languages = dict(DailyBreakdown.objects.filter(dimension="language").values_list("value", "views"))
    assert languages == {settings.LANGUAGE_CODE: 1, "xx": 1}
