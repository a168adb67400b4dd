import datetime

import pytest
from django.utils import timezone

from audience.models import DailyArticleViews, DailyBreakdown, DailySiteViews
from audience.services import counters_flush
from crosspost.lib import counters

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:135.0) Gecko/20100101 Firefox/135.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.1 Mobile/15E148 Safari/604.1")
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def article(make_article):
    return make_article("Harbour strike ends")


def beacon(client, article=None, *, ua=FIREFOX, ip="203.0.113.7", referrer="", language="en", campaign="",
           method="post", **headers):
    data = {"a": str(article.pk) if article else "", "l": language, "r": referrer, "c": campaign}
    send = client.post if method == "post" else client.get
    path = "/a/v" if method == "post" else "/a/v.gif"
    return send(path, data, HTTP_USER_AGENT=ua, REMOTE_ADDR=ip, **headers)


def flush():
    counters.counters_push()
    return counters_flush()


def today():
    return timezone.localdate()


def test_a_view_is_counted_per_article_language_and_day(client, article):
    beacon(client, article)
    beacon(client, article, language="fr")
    beacon(client, article, language="fr", ip="198.51.100.2")

    result = flush()

    assert result.views == 3
    rows = {(r.language, r.views) for r in DailyArticleViews.objects.filter(article=article, day=today())}
    assert rows == {("en", 1), ("fr", 2)}
    assert DailySiteViews.objects.get(day=today()).views == 3


def test_the_beacon_sets_no_cookie_and_is_never_cached(client, article):
    for method in ("post", "get"):
        response = beacon(client, article, method=method)
        assert response.status_code in (200, 204)
        assert not response.cookies
        assert "no-store" in response["Cache-Control"]
    assert beacon(client, article, method="get")["Content-Type"] == "image/gif"


def test_no_ip_address_or_user_agent_is_stored_anywhere(client, article, django_assert_num_queries, settings):
    from django.db import connection

    from audience.tests.test_wsgi_beacon import Django, call
    from audience.wsgi import BeaconMiddleware

    with django_assert_num_queries(0):  # counting, as the site serves the beacon, writes nothing to the database
        call(BeaconMiddleware(Django()), body=f"a={article.pk}&l=en", REMOTE_ADDR="203.0.113.77",
             HTTP_USER_AGENT=FIREFOX + " Unique/42")
    flush()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith(("audience_", "engagement_daily")):
                cursor.execute(f"SELECT * FROM {table}")
                text = repr(cursor.fetchall())
                assert "203.0.113.77" not in text and "Unique/42" not in text
    store_files = [p.read_bytes() for p in settings.COUNTERS_DIR.rglob("*") if p.is_file()]
    assert not any(b"203.0.113.77" in content or b"Unique/42" in content for content in store_files)


def test_bots_do_not_track_and_global_privacy_control_are_not_counted(client, article):
    beacon(client, article, ua=GOOGLEBOT)
    beacon(client, article, ua="")
    beacon(client, article, ua="python-requests/2.32")
    beacon(client, article, HTTP_DNT="1")
    beacon(client, article, HTTP_SEC_GPC="1")
    beacon(client, article, HTTP_SEC_PURPOSE="prefetch;prerender")
    beacon(client, article)  # the only reader to count

    assert flush().views == 1
    assert DailyArticleViews.objects.get(article=article).views == 1


def test_unique_visitors_are_counted_once_a_day_whatever_they_read(client, article, make_article):
    other = make_article("Second story")
    for _ in range(3):
        beacon(client, article, ip="203.0.113.7")
    beacon(client, other, ip="203.0.113.7")
    beacon(client, article, ip="198.51.100.2")
    beacon(client, article, ip="198.51.100.2", ua=IPHONE)  # another browser behind the same address
    flush()
    beacon(client, other, ip="203.0.113.7")  # the same reader in a later batch
    flush()

    day = DailySiteViews.objects.get(day=today())
    assert (day.views, day.visitors) == (7, 3)


def test_referrers_become_classes_and_domains(client, article):
    beacon(client, article, referrer="https://www.google.com/search?q=harbour")
    beacon(client, article, referrer="https://duckduckgo.com/")
    beacon(client, article, referrer="https://t.co/abc")
    beacon(client, article, referrer="https://mastodon.social/@someone/1234")
    beacon(client, article, referrer="https://blog.example.net/post", campaign="newsletter")
    beacon(client, article, referrer="https://mail.google.com/mail/u/0/")
    beacon(client, article, referrer="http://testserver/articles/")
    beacon(client, article, referrer="")
    beacon(client, article, referrer="https://blog.example.net/other")
    flush()

    classes = dict(DailyBreakdown.objects.filter(dimension="referrer").values_list("value", "views"))
    assert classes == {"search": 2, "social": 1, "fediverse": 1, "newsletter": 2, "internal": 1, "direct": 1,
                       "other": 1}
    domains = dict(DailyBreakdown.objects.filter(dimension="domain").values_list("value", "views"))
    assert domains["google.com"] == 1 and domains["blog.example.net"] == 2
    assert "testserver" not in domains


def test_devices_are_classed_from_the_user_agent(client, article):
    beacon(client, article, ua=FIREFOX)
    beacon(client, article, ua=IPHONE)
    beacon(client, article, ua="Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1")
    flush()
    assert dict(DailyBreakdown.objects.filter(dimension="device").values_list("value", "views")) == {
        "desktop": 1, "mobile": 1, "tablet": 1}


def test_views_of_pages_that_are_not_articles_count_for_the_site_only(client, article):
    beacon(client, None)
    beacon(client, None, language="xx")  # unknown language: counted in the default one
    beacon(client, type("Gone", (), {"pk": 999_999})())  # an article deleted meanwhile
    flush()
    assert DailySiteViews.objects.get().views == 3
    assert not DailyArticleViews.objects.exists()
    assert dict(DailyBreakdown.objects.filter(dimension="language").values_list("value", "views")) == {"en": 3}


def test_malformed_beacons_are_answered_and_change_nothing_else(client, article):
    for data in ({"a": "²"}, {"a": "1" * 40}, {"a": "-3", "l": "<script>"}, {"r": "http://[::1"}, {}):
        assert client.post("/a/v", data, HTTP_USER_AGENT=FIREFOX).status_code == 204
    assert client.put("/a/v").status_code == 405
    flush()
    assert DailySiteViews.objects.get().views == 5
    assert not DailyArticleViews.objects.exists()


def test_a_batch_is_written_once_even_when_two_flushers_read_it(client, article):
    beacon(client, article)
    beacon(client, article)
    batch = counters.counters_push()
    assert batch is not None
    store = counters.store()
    # A flusher that died after committing left the batch in the store: the next one skips it.
    first = counters_flush()
    store.batch_write(batch)
    again = counters_flush()
    assert (first.views, again.views, again.skipped) == (2, 0, 1)
    assert DailyArticleViews.objects.get().views == 2
    assert store.batch_names() == []


def test_counts_that_could_not_reach_the_store_are_kept_for_the_next_push(client, article, monkeypatch):
    beacon(client, article)
    store = counters.store()

    def away(batch):
        raise ConnectionError("store away")

    monkeypatch.setattr(store, "batch_write", away)
    with pytest.raises(ConnectionError):
        counters.counters_push()
    monkeypatch.undo()
    beacon(client, article)
    assert flush().views == 2


def test_yesterdays_visitor_set_and_salt_are_forgotten(client, article, settings):
    beacon(client, article)
    flush()
    day = today().isoformat()
    store = counters.store()
    assert store.visitors_count(day) == 1
    counters_flush(now=timezone.now() + datetime.timedelta(days=1, hours=1))
    assert store.visitors_count(day) == 0
    assert DailySiteViews.objects.get().visitors == 1  # the day's figure stays


def test_counting_can_be_switched_off(client, article, settings):
    settings.AUDIENCE_ENABLED = False
    beacon(client, article)
    assert counters.counters_push() is None


def test_behind_a_trusted_proxy_readers_are_told_apart_by_x_forwarded_for(client, article, settings):
    from crosspost.lib.client import parse_networks

    settings.CROSSPOST_TRUSTED_PROXIES = parse_networks("CROSSPOST_TRUSTED_PROXIES", ["10.0.0.0/8"])
    for reader in ("203.0.113.7", "198.51.100.2"):
        beacon(client, article, ip="10.0.0.2", HTTP_X_FORWARDED_FOR=reader)
    # A spoofed header from outside the proxy's network is not a third reader.
    beacon(client, article, ip="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.99")
    flush()
    day = DailySiteViews.objects.get(day=today())
    assert (day.views, day.visitors) == (3, 2)
