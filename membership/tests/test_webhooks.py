import threading
import time

import pytest
from django.conf import settings
from django.db import connection

from membership.models import Member, Payment, StripeEvent
from membership.tests.conftest import event, signed

pytestmark = pytest.mark.django_db

NEXT_RENEWAL = 1_900_000_000


def completed(tier, event_id="evt_1"):
    return event(event_id, "checkout.session.completed", {
        "id": "cs_1", "object": "checkout.session", "mode": "subscription", "customer": "cus_1",
        "subscription": "sub_1", "customer_details": {"email": "Reader@Example.org", "name": "Ada Reader"},
        "metadata": {"tier_id": str(tier.pk), "interval": "month"}})


def test_a_member_goes_from_checkout_to_cancellation(post_event, tier):
    assert post_event(completed(tier)).status_code == 200
    member = Member.objects.get()
    assert (member.email, member.name, member.tier, member.status) == ("Reader@Example.org", "Ada Reader", tier, "active")

    invoice = {"id": "in_1", "customer": "cus_1", "amount_paid": 1200, "currency": "eur",
               "hosted_invoice_url": "https://invoice.stripe.example/in_1", "status_transitions": {"paid_at": 1_800_000_000},
               "lines": {"data": [{"period": {"end": NEXT_RENEWAL}}]}}
    post_event(event("evt_2", "invoice.paid", invoice))
    member.refresh_from_db()
    assert member.renews_at.timestamp() == NEXT_RENEWAL
    assert Payment.objects.get().amount == 1200

    post_event(event("evt_3", "invoice.payment_failed", {"id": "in_2", "customer": "cus_1"}))
    member.refresh_from_db()
    assert member.status == "past_due"

    post_event(event("evt_4", "customer.subscription.updated", {
        "id": "sub_1", "customer": "cus_1", "status": "active", "current_period_end": NEXT_RENEWAL + 3600,
        "items": {"data": [{"price": {"id": "price_year", "recurring": {"interval": "year"}}}]}}))
    member.refresh_from_db()
    assert (member.status, member.interval, member.renews_at.timestamp()) == ("active", "year", NEXT_RENEWAL + 3600)

    post_event(event("evt_5", "customer.subscription.deleted", {"id": "sub_1", "customer": "cus_1",
                                                               "ended_at": NEXT_RENEWAL}))
    member.refresh_from_db()
    assert member.status == "canceled" and member.canceled_at is not None and member.renews_at is None
    assert StripeEvent.objects.count() == 5


def test_a_replayed_event_has_its_effect_once(post_event, tier):
    invoice = event("evt_paid", "invoice.paid", {"id": "in_9", "customer": "cus_1", "amount_paid": 500,
                                                 "currency": "eur", "lines": {"data": []}})
    post_event(completed(tier))
    assert post_event(invoice).content == b"processed"
    assert post_event(invoice).content == b"duplicate"
    assert Payment.objects.count() == 1


def test_a_forged_signature_is_rejected_and_changes_nothing(client, tier):
    body, header = signed(completed(tier), secret="whsec_someone_else")
    response = client.post("/webhooks/stripe/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code == 400
    assert not Member.objects.exists() and not StripeEvent.objects.exists()


def test_a_stale_timestamp_is_rejected(post_event, tier):
    response = post_event(completed(tier), timestamp=int(time.time()) - 3600)
    assert response.status_code == 400
    assert not Member.objects.exists()


@pytest.mark.parametrize("body", [b"", b"not json", b'{"id": "evt_x"}', b"[]"])
def test_malformed_or_unsigned_requests_get_400(client, body):
    assert client.post("/webhooks/stripe/", body, content_type="application/json").status_code == 400
    _, header = signed({"anything": 1})
    response = client.post("/webhooks/stripe/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_unknown_events_are_stored_and_ignored(post_event):
    assert post_event(event("evt_other", "customer.created", {"id": "cus_9"})).content == b"ignored"
    assert StripeEvent.objects.filter(event_id="evt_other").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                    reason="the in-memory SQLite test database has table locks without a busy timeout; "
                           "CI runs this on PostgreSQL, and file-backed SQLite serialises writers (IMMEDIATE)")
def test_concurrent_deliveries_of_one_event_have_one_effect(tier):
    from django.test import Client

    post_completed = completed(tier)
    invoice = event("evt_race", "invoice.paid", {"id": "in_race", "customer": "cus_1", "amount_paid": 700,
                                                 "currency": "eur", "lines": {"data": []}})
    body, header = signed(post_completed)
    Client().post("/webhooks/stripe/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    body, header = signed(invoice)
    outcomes = []
    start = threading.Barrier(4)

    def deliver():
        try:
            start.wait()
            response = Client().post("/webhooks/stripe/", body, content_type="application/json",
                                     HTTP_STRIPE_SIGNATURE=header)
            outcomes.append(response.content)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [b"duplicate", b"duplicate", b"duplicate", b"processed"]
    assert Payment.objects.filter(stripe_id="in_race").count() == 1


def test_a_donation_is_recorded_as_a_payment(post_event):
    post_event(event("evt_d", "checkout.session.completed", {
        "id": "cs_d", "mode": "payment", "amount_total": 2500, "currency": "eur",
        "customer_details": {"email": "donor@example.org"}}))
    payment = Payment.objects.get()
    assert (payment.kind, payment.amount, payment.email) == ("donation", 2500, "donor@example.org")
    assert not Member.objects.exists()
