import hashlib
import hmac
import threading
import time

import pytest
from django.db import connection

from membership.models import Member, Payment, StripeEvent
from membership.tests.conftest import SECRET, event, signed

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
def test_concurrent_deliveries_of_one_event_have_one_effect(tier):
    from django.test import Client

    body, header = signed(completed(tier))
    Client().post("/webhooks/stripe/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    body, header = signed(event("evt_race", "invoice.paid", {"id": "in_race", "customer": "cus_1", "amount_paid": 700,
                                                             "currency": "eur", "lines": {"data": []}}))
    outcomes = []
    start = threading.Barrier(4)

    def deliver():
        # PostgreSQL makes the losers wait on the unique event id, then answer "duplicate"; SQLite
        # queues writers on busy_timeout. A delivery refused all the same (a 500) is retried, as
        # Stripe would retry it.
        client = Client(raise_request_exception=False)
        try:
            start.wait()
            for _ in range(50):
                response = client.post("/webhooks/stripe/", body, content_type="application/json",
                                       HTTP_STRIPE_SIGNATURE=header)
                if response.status_code != 500:
                    break
                time.sleep(0.05)
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
    assert StripeEvent.objects.filter(event_id="evt_race").count() == 1


def test_a_first_invoice_that_loses_the_race_to_create_the_member_finds_it_on_a_second_try(
        post_event, tier, monkeypatch):
    from membership import webhooks

    post_event(completed(tier))  # the checkout's delivery created the member ...
    lookup, calls = webhooks._member_for_customer, []

    def not_yet_committed_the_first_time(customer, email):
        calls.append(customer)  # ... but the invoice's delivery looked before that was committed
        return None if len(calls) == 1 else lookup(customer, email)

    monkeypatch.setattr(webhooks, "_member_for_customer", not_yet_committed_the_first_time)
    invoice = event("evt_inv", "invoice.paid", {
        "id": "in_1", "customer": "cus_1", "customer_email": "reader@example.org", "subscription": "sub_1",
        "amount_paid": 700, "currency": "eur", "lines": {"data": [{"period": {"end": NEXT_RENEWAL}}]}})
    assert post_event(invoice).content == b"processed"
    member = Member.objects.get()
    assert member.renews_at.timestamp() == NEXT_RENEWAL
    assert Payment.objects.get().member == member
    assert StripeEvent.objects.filter(event_id="evt_inv").count() == 1


def test_a_donation_is_recorded_as_a_payment(post_event):
    post_event(event("evt_d", "checkout.session.completed", {
        "id": "cs_d", "mode": "payment", "amount_total": 2500, "currency": "eur",
        "customer_details": {"email": "donor@example.org"}}))
    payment = Payment.objects.get()
    assert (payment.kind, payment.amount, payment.email) == ("donation", 2500, "donor@example.org")
    assert not Member.objects.exists()


def test_a_first_invoice_arriving_before_checkout_completion_still_makes_one_member(post_event, tier):
    post_event(event("evt_inv", "invoice.paid", {
        "id": "in_first", "customer": "cus_1", "customer_email": "reader@example.org", "amount_paid": 1200,
        "currency": "eur", "parent": {"subscription_details": {"subscription": "sub_1"}},
        "lines": {"data": [{"period": {"end": NEXT_RENEWAL}, "pricing": {"price_details": {"price": "price_month"}}}]}}))
    post_event(completed(tier))
    member = Member.objects.get()
    assert (member.status, member.tier, member.name, member.renews_at.timestamp()) == (
        "active", tier, "Ada Reader", NEXT_RENEWAL)
    assert list(member.payments.values_list("stripe_id", flat=True)) == ["in_first"]


def test_a_late_event_about_a_canceled_subscription_does_not_revive_it(post_event, tier):
    post_event(completed(tier))
    post_event(event("evt_del", "customer.subscription.deleted", {"id": "sub_1", "customer": "cus_1"}))
    post_event(event("evt_old", "customer.subscription.updated", {
        "id": "sub_1", "customer": "cus_1", "status": "active", "current_period_end": NEXT_RENEWAL}))
    post_event(event("evt_late_invoice", "invoice.paid", {
        "id": "in_late", "customer": "cus_1", "subscription": "sub_1", "amount_paid": 1200, "currency": "eur",
        "lines": {"data": [{"period": {"end": NEXT_RENEWAL}}]}}))
    member = Member.objects.get()
    assert (member.status, member.renews_at) == ("canceled", None)
    assert Payment.objects.filter(stripe_id="in_late").exists()  # the money still counts


def join_cancel_and_rejoin(post_event, tier) -> None:
    """A member whose first subscription (sub_1) was canceled takes out a second one (sub_2)."""
    post_event(completed(tier))
    post_event(event("evt_del", "customer.subscription.deleted", {"id": "sub_1", "customer": "cus_1"}))
    rejoin = completed(tier, event_id="evt_again")
    rejoin["data"]["object"].update(id="cs_2", subscription="sub_2")
    post_event(rejoin)


def test_a_canceled_member_who_rejoins_is_active_again(post_event, tier):
    join_cancel_and_rejoin(post_event, tier)
    member = Member.objects.get()
    assert (member.status, member.stripe_subscription_id, member.canceled_at) == ("active", "sub_2", None)


@pytest.mark.parametrize("payload", [
    {"id": "evt_s", "type": "invoice.paid", "data": {"object": "in_1"}},
    {"id": 7, "type": "invoice.paid", "data": {"object": {}}},
    ["evt_s"],
])
def test_a_signed_body_that_is_not_a_stripe_event_gets_400(post_event, payload):
    assert post_event(payload).status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_signed_body_that_is_not_utf8_gets_400(client):
    body = b"\xff\xfe{}"
    t = int(time.time())
    signature = hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    response = client.post("/webhooks/stripe/", body, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=f"t={t},v1={signature}")
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_member_who_rejoins_is_active_again_whichever_event_comes_first(post_event, tier):
    post_event(completed(tier))
    post_event(event("evt_del", "customer.subscription.deleted", {"id": "sub_1", "customer": "cus_1"}))
    post_event(event("evt_new_invoice", "invoice.paid", {
        "id": "in_new", "customer": "cus_1", "subscription": "sub_2", "amount_paid": 1200, "currency": "eur",
        "lines": {"data": [{"period": {"end": NEXT_RENEWAL}}]}}))
    member = Member.objects.get()
    assert (member.status, member.stripe_subscription_id, member.canceled_at) == ("active", "sub_2", None)
    assert member.renews_at.timestamp() == NEXT_RENEWAL


def test_a_late_cancellation_of_an_earlier_subscription_leaves_the_new_one_alone(post_event, tier):
    join_cancel_and_rejoin(post_event, tier)
    post_event(event("evt_del_again", "customer.subscription.deleted", {"id": "sub_1", "customer": "cus_1"}))
    post_event(event("evt_fail_old", "invoice.payment_failed", {"id": "in_old", "customer": "cus_1",
                                                                 "subscription": "sub_1"}))
    assert Member.objects.get().status == "active"


@pytest.mark.parametrize(("obj", "status", "payments"), [
    ({}, 400, 0),
    ({"id": "in_1", "customer": {"id": "cus_1"}, "customer_email": ["x"], "amount_paid": -5, "currency": "euros",
      "lines": {"data": ["x"]}, "status_transitions": {"paid_at": 10**20}}, 200, 1),
    ({"id": "in_2", "customer": "cus_1", "customer_email": "a\x00@example.org", "subscription": "s" * 500,
      "amount_paid": 2**40, "hosted_invoice_url": "javascript:alert(1)"}, 200, 1),
])
def test_an_invoice_of_the_wrong_shape_is_refused_or_read_safely(post_event, obj, status, payments):
    response = post_event(event("evt_odd", "invoice.paid", obj))
    assert response.status_code == status
    assert Payment.objects.count() == payments
    for payment in Payment.objects.all():
        # Nonsense amounts, currencies and URLs are never stored as they came.
        assert payment.amount == 0 and len(payment.currency) == 3 and payment.receipt_url == ""
