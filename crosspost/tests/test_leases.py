"""The one coordination layer: holders, liveness, claims, lease expiry and backoff."""

from __future__ import annotations

import datetime
import subprocess
import sys
import threading

import pytest
from django.db import connection
from django.utils import timezone

from crosspost.lib import leases
from newsletter.models import Delivery, Digest, Subscriber, email_key
from newsletter.services import newsletter_default


def test_this_process_is_alive_and_a_finished_one_is_not():
    assert leases.holder_alive(leases.holder()) is True
    child = subprocess.Popen([sys.executable, "-c", "print()"], stdout=subprocess.DEVNULL)
    child.wait()
    host = leases.holder().split(":")[0]
    assert leases.holder_alive(f"{host}:{child.pid}:123") is False


def test_a_reused_pid_does_not_pass_for_the_dead_holder():
    host, pid, start = leases.holder().split(":")
    assert leases.holder_alive(f"{host}:{pid}:{int(start) + 1}") is False


def test_a_holder_on_another_host_lapses_only_after_the_lease(settings):
    settings.CROSSPOST_LEASE_SECONDS = 600
    now = timezone.now()
    assert leases.holder_alive("elsewhere:1:1") is None
    assert not leases.lease_lapsed("elsewhere:1:1", now - datetime.timedelta(seconds=599), now=now)
    assert leases.lease_lapsed("elsewhere:1:1", now - datetime.timedelta(seconds=601), now=now)
    assert leases.lease_lapsed("", None, now=now)


def test_backoff_doubles_then_stops_at_the_cap():
    delays = [leases.backoff(n, base=10, cap=100, jitter=0).total_seconds() for n in range(1, 7)]
    assert delays == [10, 20, 40, 80, 100, 100]
    jittered = {leases.backoff(3, base=10, jitter=0.2).total_seconds() for _ in range(50)}
    assert min(jittered) >= 32 and max(jittered) <= 48 and len(jittered) > 1


@pytest.fixture
def deliveries(db):
    digest = Digest.objects.create(newsletter=newsletter_default(), date=datetime.date(2026, 1, 1), until=timezone.now())
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.org", email_key=email_key(f"reader{n}@example.org"),
                   status=Subscriber.Status.CONFIRMED) for n in range(25)
    )
    Delivery.objects.bulk_create(Delivery(digest=digest, subscriber=s) for s in subscribers)
    return Delivery.objects.filter(digest=digest)


def _claim(queryset, size=10):
    return leases.claim_batch(
        queryset.filter(status=Delivery.Status.PENDING), size=size,
        changes={"status": Delivery.Status.SENDING, "claimed_by": leases.holder(), "claimed_at": timezone.now()},
        increment=["attempts"],
    )


def test_a_batch_claim_takes_at_most_its_size_and_never_a_row_twice(deliveries):
    first, second, third, fourth = _claim(deliveries), _claim(deliveries), _claim(deliveries), _claim(deliveries)
    assert [len(first), len(second), len(third), len(fourth)] == [10, 10, 5, 0]
    assert len(set(first) | set(second) | set(third)) == 25
    claimed = deliveries.get(pk=first[0])
    assert claimed.status == Delivery.Status.SENDING and claimed.attempts == 1
    assert claimed.claimed_by == leases.holder()


@pytest.mark.django_db(transaction=True)
def test_concurrent_claimers_pick_disjoint_rows():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the statement alone is the claim")
    digest = Digest.objects.create(newsletter=newsletter_default(), date=datetime.date(2026, 1, 2), until=timezone.now())
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"many{n}@example.org", email_key=email_key(f"many{n}@example.org"),
                   status=Subscriber.Status.CONFIRMED) for n in range(200)
    )
    Delivery.objects.bulk_create(Delivery(digest=digest, subscriber=s) for s in subscribers)
    queryset = Delivery.objects.filter(digest=digest)
    results: list[list[int]] = [[], [], [], []]

    def claim_all(slot: int) -> None:
        try:
            while batch := _claim(queryset, size=7):
                results[slot].extend(batch)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim_all, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [pk for batch in results for pk in batch]
    assert len(everything) == 200 and len(set(everything)) == 200


def test_reclaim_hands_back_only_dead_holders_rows(deliveries, settings):
    settings.CROSSPOST_LEASE_SECONDS = 600
    mine = _claim(deliveries, size=5)
    dead = list(deliveries.filter(status=Delivery.Status.PENDING).values_list("pk", flat=True)[:5])
    deliveries.filter(pk__in=dead).update(status=Delivery.Status.SENDING, claimed_by="nohost:1:1",
                                         claimed_at=timezone.now() - datetime.timedelta(hours=1))
    returned = leases.claims_reclaim(deliveries.filter(status=Delivery.Status.SENDING),
                                     reset={"status": Delivery.Status.PENDING, "claimed_by": ""})
    assert returned == 5
    assert set(deliveries.filter(status=Delivery.Status.SENDING).values_list("pk", flat=True)) == set(mine)
