"""Stripe's webhook: verify the delivery, store the raw event, apply it exactly once.

Stripe signs what it sends, but it neither orders deliveries nor promises the shape of every
object across API versions, so every field is read through the typed helpers below: a value of
the wrong type or size counts as absent. An event we cannot use is refused with 400 and leaves
nothing behind.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from membership.models import Member, Payment, StripeEvent, Tier

TOLERANCE_SECONDS = 300


class BadWebhook(Exception):
    """Forged, stale or malformed webhook: answered 400, nothing changed."""


def stripe_event_receive(*, payload: bytes, signature: str) -> str:
    """Verify and apply a webhook delivery. Returns 'processed', 'duplicate' or 'ignored'."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise BadWebhook("webhooks are not configured")
    import stripe  # imported when a webhook arrives: the SDK is tens of MB most processes never need

    try:
        stripe.WebhookSignature.verify_header(payload, signature, settings.STRIPE_WEBHOOK_SECRET,
                                              tolerance=TOLERANCE_SECONDS)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise BadWebhook(str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__) from None
    event = event if isinstance(event, dict) else {}
    event_id, event_type, obj = _str(event, "id"), _str(event, "type"), _dict(_dict(event, "data"), "object")
    if not (event_id and event_type and obj):
        raise BadWebhook("not a Stripe event")
    tries = 2
    while True:
        tries -= 1
        try:
            return _event_apply(event_id, event_type, obj, payload)
        except IntegrityError:
            if StripeEvent.objects.filter(event_id=event_id).exists():
                return "duplicate"
            if not tries:
                raise
            # Two first events of a new customer (checkout completed, invoice paid) arrive together
            # and both create its member; the one that lost finds the member on its second try.


def _event_apply(event_id: str, event_type: str, obj: dict, payload: bytes) -> str:
    with transaction.atomic():
        # The unique event id is the claim: a replayed or concurrent delivery fails here.
        StripeEvent.objects.create(event_id=event_id, type=event_type, payload=payload.decode())
        handler = _HANDLERS.get(event_type)
        if handler is None:
            return "ignored"
        handler(obj)
    return "processed"


# ---- typed reads --------------------------------------------------------------------------------


def _str(obj: dict, key: str, *, max_length: int = 100) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or len(value) > max_length or "\x00" in value:
        return ""
    return value


def _amount(obj: dict, key: str) -> int:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        return 0
    return value


def _when(obj: dict, key: str) -> datetime.datetime | None:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 253_402_300_800:  # year 10000
        return None
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)


def _dict(obj: dict, key: str) -> dict:
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def _first(obj: dict, key: str) -> dict:
    """The first item of a Stripe list (`{"data": [...]}`)."""
    data = _dict(obj, key).get("data")
    return data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}


def _currency(obj: dict) -> str:
    value = _str(obj, "currency").lower()
    return value if re.fullmatch(r"[a-z]{3}", value) else settings.MEMBERSHIP_CURRENCY


def _invoice_subscription(invoice: dict) -> str:
    # Stripe moved the subscription id under `parent` in API version 2025-03-31; accept both.
    return _str(invoice, "subscription") or _str(_dict(_dict(invoice, "parent"), "subscription_details"),
                                                 "subscription")


def _line_price(line: dict) -> str:
    return _str(_dict(line, "price"), "id") or _str(_dict(_dict(line, "pricing"), "price_details"), "price")


# ---- finding rows -------------------------------------------------------------------------------


def _member_for_customer(customer: str, email: str = "") -> Member | None:
    if customer:
        member = Member.objects.select_for_update().filter(stripe_customer_id=customer).first()
        if member:
            return member
    if email:
        return Member.objects.select_for_update().filter(email__iexact=email).first()
    return None


def _tier(tier_id: str = "", price_id: str = "") -> Tier | None:
    if tier_id.isascii() and tier_id.isdigit() and len(tier_id) < 10:
        tier = Tier.objects.filter(pk=int(tier_id)).first()
        if tier:
            return tier
    if price_id:
        return (Tier.objects.filter(stripe_monthly_price_id=price_id).first()
                or Tier.objects.filter(stripe_yearly_price_id=price_id).first())
    return None


def _ended(member: Member, subscription: str) -> bool:
    """A canceled Stripe subscription never comes back, so a late event about it changes nothing."""
    return member.status == Member.Status.CANCELED and (
        not subscription or subscription == member.stripe_subscription_id)


def _superseded(member: Member, subscription: str) -> bool:
    """An event about an earlier subscription than the member's current one."""
    return bool(subscription and member.stripe_subscription_id and subscription != member.stripe_subscription_id
                and member.status != Member.Status.CANCELED)


def _rejoin(member: Member, subscription: str) -> None:
    """A new subscription after a cancellation starts a new membership."""
    member.since, member.canceled_at, member.renews_at = timezone.now(), None, None
    member.stripe_subscription_id = subscription or member.stripe_subscription_id


# ---- effects ------------------------------------------------------------------------------------


def _checkout_completed(session: dict) -> None:
    details = _dict(session, "customer_details")
    email = _str(details, "email", max_length=254) or _str(session, "customer_email", max_length=254)
    if _str(session, "mode") == "payment":
        if not _str(session, "id"):
            raise BadWebhook("checkout session without an id")
        Payment.objects.get_or_create(stripe_id=_str(session, "id"), defaults={
            "email": email, "kind": "donation", "amount": _amount(session, "amount_total"),
            "currency": _currency(session), "paid_at": timezone.now(),
            "member": Member.objects.filter(email__iexact=email).first() if email else None})
        return
    if not email:
        raise BadWebhook("checkout session without an email")
    customer, subscription = _str(session, "customer"), _str(session, "subscription")
    member = _member_for_customer(customer, email) or Member(email=email)
    if member.pk and subscription and (_ended(member, subscription) or _superseded(member, subscription)):
        return
    metadata = _dict(session, "metadata")
    member.name = _str(details, "name", max_length=200) or member.name
    member.stripe_customer_id = customer or member.stripe_customer_id
    member.stripe_subscription_id = subscription or member.stripe_subscription_id
    member.tier = _tier(_str(metadata, "tier_id")) or member.tier
    if _str(metadata, "interval") in ("month", "year"):
        member.interval = metadata["interval"]
    if member.status == Member.Status.CANCELED:
        _rejoin(member, subscription)
    member.since = member.since or timezone.now()
    member.status = Member.Status.ACTIVE
    member.save()


def _invoice_paid(invoice: dict) -> None:
    invoice_id, customer = _str(invoice, "id"), _str(invoice, "customer")
    if not invoice_id:
        raise BadWebhook("invoice without an id")
    email = _str(invoice, "customer_email", max_length=254)
    subscription = _invoice_subscription(invoice)
    line = _first(invoice, "lines")
    member = _member_for_customer(customer, email)
    if member is None and subscription and email:
        # Stripe does not order deliveries: the first invoice often arrives before
        # checkout.session.completed, which then finds this member by customer id.
        member = Member(email=email, name=_str(invoice, "customer_name", max_length=200), since=timezone.now(),
                        stripe_customer_id=customer or None, stripe_subscription_id=subscription,
                        tier=_tier(price_id=_line_price(line)))
        member.save()
    Payment.objects.get_or_create(stripe_id=invoice_id, defaults={
        "member": member, "email": email or (member.email if member else ""), "kind": "membership",
        "amount": _amount(invoice, "amount_paid"), "currency": _currency(invoice),
        "paid_at": _when(_dict(invoice, "status_transitions"), "paid_at") or timezone.now(),
        "receipt_url": _hosted_url(invoice)})
    if member is None or _ended(member, subscription) or _superseded(member, subscription):
        return
    if member.status == Member.Status.CANCELED:
        _rejoin(member, subscription)
    member.status = Member.Status.ACTIVE
    period_end = _when(_dict(line, "period"), "end")
    if period_end and (member.renews_at is None or period_end > member.renews_at):
        member.renews_at = period_end  # a late invoice for an earlier period never moves it back
    member.save(update_fields=["status", "renews_at", "since", "canceled_at", "stripe_subscription_id"])


def _hosted_url(invoice: dict) -> str:
    url = _str(invoice, "hosted_invoice_url", max_length=500)
    return url if url.startswith("https://") else ""


def _invoice_failed(invoice: dict) -> None:
    member = _member_for_customer(_str(invoice, "customer"), _str(invoice, "customer_email", max_length=254))
    subscription = _invoice_subscription(invoice)
    if member and not _ended(member, subscription) and not _superseded(member, subscription):
        member.status = Member.Status.PAST_DUE
        member.save(update_fields=["status"])


_SUBSCRIPTION_STATUS = {"active": Member.Status.ACTIVE, "trialing": Member.Status.ACTIVE,
                        "past_due": Member.Status.PAST_DUE, "unpaid": Member.Status.PAST_DUE,
                        "canceled": Member.Status.CANCELED, "incomplete": Member.Status.INCOMPLETE,
                        "incomplete_expired": Member.Status.CANCELED}


def _subscription_changed(subscription: dict) -> None:
    member = _member_for_customer(_str(subscription, "customer"))
    subscription_id, status = _str(subscription, "id"), _SUBSCRIPTION_STATUS.get(_str(subscription, "status"))
    if member is None or _superseded(member, subscription_id) or (
            _ended(member, subscription_id) and status != Member.Status.CANCELED):
        return
    if member.status == Member.Status.CANCELED and status in (Member.Status.ACTIVE, Member.Status.PAST_DUE):
        _rejoin(member, subscription_id)
    item = _first(subscription, "items")
    price = _dict(item, "price")
    member.status = status or member.status
    member.stripe_subscription_id = subscription_id or member.stripe_subscription_id
    member.tier = _tier(_str(_dict(subscription, "metadata"), "tier_id"), _str(price, "id")) or member.tier
    if _str(_dict(price, "recurring"), "interval") in ("month", "year"):
        member.interval = price["recurring"]["interval"]
    # current_period_end moved from the subscription to its items in API version 2025-03-31.
    member.renews_at = _when(subscription, "current_period_end") or _when(item, "current_period_end") \
        or member.renews_at
    if member.status == Member.Status.CANCELED:
        member.canceled_at = member.canceled_at or _when(subscription, "canceled_at") or timezone.now()
        member.renews_at = None
    member.save()


def _subscription_deleted(subscription: dict) -> None:
    member = _member_for_customer(_str(subscription, "customer"))
    subscription_id = _str(subscription, "id")
    if member is None or (subscription_id and member.stripe_subscription_id
                          and subscription_id != member.stripe_subscription_id):
        return  # an earlier subscription than the member's current one
    member.status = Member.Status.CANCELED
    member.canceled_at = _when(subscription, "ended_at") or _when(subscription, "canceled_at") or timezone.now()
    member.renews_at = None
    member.save(update_fields=["status", "canceled_at", "renews_at"])


_HANDLERS: dict[str, Callable[[dict], Any]] = {
    "checkout.session.completed": _checkout_completed,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_failed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.deleted": _subscription_deleted,
}
