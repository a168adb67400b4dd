"""Memberships: Stripe Checkout and portal sessions, webhook events applied exactly once,
sign-in by emailed link, and the revenue report."""

from __future__ import annotations

import datetime
import json
import logging
from collections import defaultdict
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from crosspost.lib import email as mail
from crosspost.lib.signing import sign, unsign
from membership.models import Member, Payment, StripeEvent, Tier

log = logging.getLogger(__name__)

LOGIN_SALT = "membership.login"
LOGIN_MAX_AGE = 30 * 60


class MembershipError(Exception):
    """A one-line reason shown to the reader; nothing was changed."""


class BadWebhook(Exception):
    """Forged, stale or malformed webhook: answered 400, nothing changed."""


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise MembershipError("Memberships are not enabled yet.")
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY)


def _absolute(name: str) -> str:
    return settings.SITE_URL + reverse(name)


# ---- checkout -----------------------------------------------------------------------------------


def checkout_session_create(*, tier: Tier, interval: str, email: str = "") -> str:
    """A Stripe Checkout session for a subscription to `tier`; returns the URL to send the reader to."""
    price = tier.price_id(interval)
    if interval not in ("month", "year") or not price:
        raise MembershipError("That membership option is not available.")
    params: dict[str, Any] = {
        "mode": "subscription",
        "line_items": [{"price": price, "quantity": 1}],
        "success_url": _absolute("membership:success") + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": _absolute("membership:index"),
        "metadata": {"tier_id": str(tier.pk), "interval": interval},
        "subscription_data": {"metadata": {"tier_id": str(tier.pk)}},
    }
    if email:
        params["customer_email"] = email
    return _stripe_checkout(params)


def donation_session_create(*, amount: int, currency: str, email: str = "") -> str:
    """A one-time Checkout payment of `amount` whole units; returns the URL."""
    if not 1 <= amount <= 10_000:
        raise MembershipError("Please choose an amount between 1 and 10,000.")
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [{"quantity": 1, "price_data": {
            "currency": currency, "unit_amount": amount * 100,
            "product_data": {"name": f"Donation to {settings.SITE_NAME}"}}}],
        "success_url": _absolute("membership:success") + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": _absolute("membership:index"),
        "metadata": {"kind": "donation"},
    }
    if email:
        params["customer_email"] = email
    return _stripe_checkout(params)


def _stripe_checkout(params: dict[str, Any]) -> str:
    try:
        session = _client().checkout.sessions.create(params=params)
    except stripe.StripeError as exc:
        log.warning("stripe checkout failed: %s", exc)
        raise MembershipError("The payment page could not be opened. Please try again in a minute.") from None
    return session.url


def portal_session_create(*, member: Member) -> str:
    """Stripe's customer portal, where members change their card, plan or cancel."""
    if not member.stripe_customer_id:
        raise MembershipError("There is no billing account for this membership yet.")
    try:
        session = _client().billing_portal.sessions.create(params={
            "customer": member.stripe_customer_id, "return_url": _absolute("membership:account")})
    except stripe.StripeError as exc:
        log.warning("stripe portal failed: %s", exc)
        raise MembershipError("Billing could not be opened. Please try again in a minute.") from None
    return session.url


# ---- webhooks -----------------------------------------------------------------------------------


def stripe_event_receive(*, payload: bytes, signature: str) -> str:
    """Verify and apply a webhook delivery. Returns 'processed', 'duplicate' or 'ignored'."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise BadWebhook("webhooks are not configured")
    try:
        stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=300)
        event = json.loads(payload)
        event_id, event_type, obj = event["id"], event["type"], event["data"]["object"]
    except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError) as exc:
        raise BadWebhook(str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__) from None
    try:
        with transaction.atomic():
            # The unique event id is the claim: a replayed or concurrent delivery fails here.
            StripeEvent.objects.create(event_id=event_id, type=event_type, payload=payload.decode())
            handler = _HANDLERS.get(event_type)
            if handler is None:
                return "ignored"
            handler(obj)
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event_id).exists():
            return "duplicate"
        raise
    return "processed"


def _when(timestamp: int | None) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC) if timestamp else None


def _member_for_customer(customer: str | None, email: str = "") -> Member | None:
    if customer:
        member = Member.objects.select_for_update().filter(stripe_customer_id=customer).first()
        if member:
            return member
    if email:
        return Member.objects.select_for_update().filter(email__iexact=email).first()
    return None


def _tier(tier_id: Any = None, price_id: str = "") -> Tier | None:
    if tier_id and str(tier_id).isdigit():
        tier = Tier.objects.filter(pk=int(tier_id)).first()
        if tier:
            return tier
    if price_id:
        return (Tier.objects.filter(stripe_monthly_price_id=price_id).first()
                or Tier.objects.filter(stripe_yearly_price_id=price_id).first())
    return None


def _checkout_completed(session: dict) -> None:
    details = session.get("customer_details") or {}
    email = details.get("email") or session.get("customer_email") or ""
    metadata = session.get("metadata") or {}
    if session.get("mode") == "payment":
        Payment.objects.get_or_create(stripe_id=session["id"], defaults={
            "email": email, "kind": "donation", "amount": session.get("amount_total") or 0,
            "currency": session.get("currency") or "eur", "paid_at": timezone.now(),
            "member": Member.objects.filter(email__iexact=email).first() if email else None})
        return
    if not email:
        raise BadWebhook("checkout session without an email")
    member = _member_for_customer(session.get("customer"), email) or Member(email=email)
    member.name = details.get("name") or member.name
    member.stripe_customer_id = session.get("customer") or member.stripe_customer_id
    member.stripe_subscription_id = session.get("subscription") or member.stripe_subscription_id
    member.tier = _tier(metadata.get("tier_id")) or member.tier
    member.interval = metadata.get("interval", member.interval)
    member.status = Member.Status.ACTIVE
    member.since = member.since or timezone.now()
    member.canceled_at = None
    member.save()


def _invoice_paid(invoice: dict) -> None:
    member = _member_for_customer(invoice.get("customer"), invoice.get("customer_email") or "")
    paid_at = _when((invoice.get("status_transitions") or {}).get("paid_at")) or timezone.now()
    Payment.objects.get_or_create(stripe_id=invoice["id"], defaults={
        "member": member, "email": invoice.get("customer_email") or (member.email if member else ""),
        "kind": "membership", "amount": invoice.get("amount_paid") or 0, "currency": invoice.get("currency") or "eur",
        "paid_at": paid_at, "receipt_url": invoice.get("hosted_invoice_url") or ""})
    if member is None:
        return
    lines = (invoice.get("lines") or {}).get("data") or []
    period_end = (lines[0].get("period") or {}).get("end") if lines else None
    member.status = Member.Status.ACTIVE
    member.renews_at = _when(period_end) or member.renews_at
    member.save(update_fields=["status", "renews_at"])


def _invoice_failed(invoice: dict) -> None:
    member = _member_for_customer(invoice.get("customer"), invoice.get("customer_email") or "")
    if member and member.status != Member.Status.CANCELED:
        member.status = Member.Status.PAST_DUE
        member.save(update_fields=["status"])


_SUBSCRIPTION_STATUS = {"active": Member.Status.ACTIVE, "trialing": Member.Status.ACTIVE,
                        "past_due": Member.Status.PAST_DUE, "unpaid": Member.Status.PAST_DUE,
                        "canceled": Member.Status.CANCELED, "incomplete": Member.Status.INCOMPLETE,
                        "incomplete_expired": Member.Status.CANCELED}


def _subscription_changed(subscription: dict) -> None:
    member = _member_for_customer(subscription.get("customer"))
    if member is None:
        return
    items = (subscription.get("items") or {}).get("data") or []
    price = (items[0].get("price") or {}) if items else {}
    period_end = subscription.get("current_period_end") or (items[0].get("current_period_end") if items else None)
    member.status = _SUBSCRIPTION_STATUS.get(subscription.get("status"), member.status)
    member.stripe_subscription_id = subscription.get("id") or member.stripe_subscription_id
    member.tier = _tier((subscription.get("metadata") or {}).get("tier_id"), price.get("id", "")) or member.tier
    member.interval = (price.get("recurring") or {}).get("interval", member.interval)
    member.renews_at = _when(period_end) or member.renews_at
    if member.status == Member.Status.CANCELED:
        member.canceled_at = member.canceled_at or _when(subscription.get("canceled_at")) or timezone.now()
        member.renews_at = None
    member.save()


def _subscription_deleted(subscription: dict) -> None:
    member = _member_for_customer(subscription.get("customer"))
    if member is None:
        return
    member.status = Member.Status.CANCELED
    member.canceled_at = _when(subscription.get("ended_at") or subscription.get("canceled_at")) or timezone.now()
    member.renews_at = None
    member.save(update_fields=["status", "canceled_at", "renews_at"])


_HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_failed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.deleted": _subscription_deleted,
}


# ---- signing in ---------------------------------------------------------------------------------


def member_login_link_send(*, email: str) -> None:
    """Mail a sign-in link if this address is a member; say nothing either way (no enumeration)."""
    member = Member.objects.filter(email__iexact=email.strip()).first()
    if member is None:
        return
    token = sign(str(member.pk), salt=LOGIN_SALT, timestamped=True)
    link = settings.SITE_URL + reverse("membership:login_confirm", args=[token])
    mail.send(template="membership/mail/login", context={"member": member, "link": link,
                                                           "SITE_NAME": settings.SITE_NAME}, to=[member.email])


def member_from_login_token(token: str) -> Member | None:
    member_id = unsign(token, salt=LOGIN_SALT, max_age=LOGIN_MAX_AGE)
    if member_id is None or not member_id.isdigit():
        return None
    return Member.objects.filter(pk=int(member_id)).first()


# ---- reports ------------------------------------------------------------------------------------


def revenue_report(*, months: int = 12, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per month, oldest first: revenue by currency, new members, cancellations and churn rate."""
    today = today or timezone.localdate()
    starts = [today.replace(day=1)]
    while len(starts) < months:
        starts.insert(0, (starts[0] - datetime.timedelta(days=1)).replace(day=1))
    first = starts[0]
    since = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    revenue: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    for row in (Payment.objects.filter(paid_at__gte=since).annotate(month=TruncMonth("paid_at"))
                .values("month", "currency").annotate(total=Sum("amount"))):
        revenue[_month(row["month"])][row["currency"]] = row["total"]
    joined = _counts(Member.objects.filter(since__gte=since), "since")
    left = _counts(Member.objects.filter(canceled_at__gte=since), "canceled_at")
    report = []
    for start in starts:
        start_dt = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
        active_at_start = Member.objects.filter(since__lt=start_dt).exclude(canceled_at__lt=start_dt).count()
        cancellations = left.get(start, 0)
        report.append({
            "month": start, "revenue": revenue.get(start, {}), "new": joined.get(start, 0),
            "canceled": cancellations,
            "churn": round(100 * cancellations / active_at_start, 1) if active_at_start else 0.0,
        })
    return report


def _month(value) -> datetime.date:
    return value.date().replace(day=1) if isinstance(value, datetime.datetime) else value.replace(day=1)


def _counts(queryset, field: str) -> dict[datetime.date, int]:
    rows = queryset.annotate(month=TruncMonth(field)).values("month").annotate(n=Count("pk"))
    return {_month(row["month"]): row["n"] for row in rows}
