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
