"""Rate limits count hits in a sliding window, in a store every process shares."""

import threading
import time

import pytest
from django.db import connection

from crosspost.lib.ratelimit import ratelimit_hit, ratelimit_hit_all
from crosspost.models import RateLimitWindow

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """time.time() under the test's control (the Redis limiter reads it too)."""
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(time, "time", lambda: now["t"])
    return now


def test_it_accepts_the_limit_and_refuses_the_next_hit(clock):
    assert all(ratelimit_hit("k", 3, 60) for _ in range(3))
    assert not ratelimit_hit("k", 3, 60)
    assert ratelimit_hit("other", 3, 60)


def test_a_burst_across_a_window_boundary_gets_no_more_than_the_limit(clock):
    # A fixed hourly window let 5 through just before the hour and 5 more just after.
    clock["t"] = 1_800_003_599.0 - 1_800_003_599.0 % 3600 + 3599
    assert all(ratelimit_hit("share", 5, 3600) for _ in range(5))
    clock["t"] += 2
    assert not any(ratelimit_hit("share", 5, 3600) for _ in range(5))


def test_a_hit_is_forgotten_an_hour_after_it_was_made(clock):
    assert ratelimit_hit("k", 2, 3600)
    clock["t"] += 1800
    assert ratelimit_hit("k", 2, 3600)
    clock["t"] += 1799
    assert not ratelimit_hit("k", 2, 3600)
    clock["t"] += 2  # the first hit is now more than an hour old; the second is not
    assert ratelimit_hit("k", 2, 3600)
    assert not ratelimit_hit("k", 2, 3600)


def test_refused_hits_do_not_push_the_window_further(clock):
    assert ratelimit_hit("k", 1, 60)
    for _ in range(30):
        clock["t"] += 1.9
        assert not ratelimit_hit("k", 1, 60)
    clock["t"] += 3
    assert ratelimit_hit("k", 1, 60)


def test_every_key_of_a_combined_limit_counts_the_hit(clock):
    assert all(ratelimit_hit_all(["ip:1", f"to:{n}"], 3, 60) for n in range(3))
    assert not ratelimit_hit_all(["ip:1", "to:new"], 3, 60)
    assert ratelimit_hit("to:new", 3, 60) and ratelimit_hit("to:new", 3, 60)
    assert not ratelimit_hit("to:new", 3, 60), "the refused combined hit still counted for the recipient"


def test_keys_carrying_reader_input_are_stored_hashed(clock, settings):
    assert ratelimit_hit("share:from:Ada \r\n<evil>@example.org" + "x" * 500, 3, 60)
    if not settings.REDIS_URL:
        [row] = RateLimitWindow.objects.all()
        assert len(row.key) <= 64 and "evil" not in row.key


def test_lapsed_windows_are_removed_when_new_keys_arrive(clock, settings):
    if settings.REDIS_URL:
        pytest.skip("Redis expires its own keys")
    ratelimit_hit("old", 3, 60)
    clock["t"] += 120
    ratelimit_hit("new", 3, 60)
    [row] = RateLimitWindow.objects.all()
    assert row.hits == str(int(clock["t"] * 1000))


@pytest.mark.django_db(transaction=True)
def test_racing_threads_never_take_more_than_the_limit():
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("threads cannot share SQLite's in-memory test database (the web-process test covers SQLite)")
    accepted: list[int] = []
    start = threading.Barrier(8)

    def hit() -> None:
        from django.db import connections

        start.wait()
        try:
            accepted.extend(1 for _ in range(5) if ratelimit_hit("race", 10, 60))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(accepted) == 10
