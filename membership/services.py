"""Memberships: Stripe Checkout and portal sessions, sign-in by emailed link, and the revenue
report. Stripe's webhook is in webhooks.py."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from crosspost.lib import email as mail
from crosspost.lib.signing import sign, unsign
from membership.models import Member, Payment, Tier
from newsletter.services import subscriber_subscribe

log = logging.getLogger(__name__)

LOGIN_SALT = "membership.login"
LOGIN_MAX_AGE = 30 * 60


class MembershipError(Exception):
    """A one-line reason shown to the reader; nothing was changed."""


def _stripe() -> Any:
    """Stripe's v1 API; the one place tests replace to answer without the network."""
    if not settings.STRIPE_SECRET_KEY:
        raise MembershipError("Memberships are not enabled yet.")
    import stripe

    return stripe.StripeClient(settings.STRIPE_SECRET_KEY).v1


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
    import stripe  # imported when used: Stripe's SDK is tens of MB that most processes never need

    try:
        session = _stripe().checkout.sessions.create(params=params)
    except stripe.StripeError as exc:
        log.warning("stripe checkout failed: %s", exc)
        raise MembershipError("The payment page could not be opened. Please try again in a minute.") from None
    return session.url


def portal_session_create(*, member: Member) -> str:
    """Stripe's customer portal, where members change their card, plan or cancel."""
    if not member.stripe_customer_id:
        raise MembershipError("There is no billing account for this membership yet.")
    import stripe

    try:
        session = _stripe().billing_portal.sessions.create(params={
            "customer": member.stripe_customer_id, "return_url": _absolute("membership:account")})
    except stripe.StripeError as exc:
        log.warning("stripe portal failed: %s", exc)
        raise MembershipError("Billing could not be opened. Please try again in a minute.") from None
    return session.url


# ---- signing in ---------------------------------------------------------------------------------


def member_login_link_send(*, email: str) -> None:
    """Mail a sign-in link if this address is a member; say nothing either way (no enumeration)."""
    member = Member.objects.filter(email__iexact=email.strip()).first()
    if member is None:
        return
    token = sign(f"{member.pk}.{_login_stamp(member)}", salt=LOGIN_SALT, timestamped=True)
    link = settings.SITE_URL + reverse("membership:login_confirm", args=[token])
    try:
        mail.send(template="membership/mail/login", context={"member": member, "link": link,
                                                               "SITE_NAME": settings.SITE_NAME}, to=[member.email])
    except Exception as exc:  # noqa: BLE001 - a member waiting for a link that never comes must be told
        log.warning("sign-in mail to member %s failed: %s", member.pk, exc)
        raise MembershipError("We could not send the sign-in email just now. Please try again in a few minutes.") from exc


def _login_stamp(member: Member) -> str:
    return str(int(member.last_login_at.timestamp() * 1_000_000)) if member.last_login_at else "0"


def member_from_login_token(token: str) -> Member | None:
    """The member a sign-in link is for, while it is fresh and unused; None otherwise."""
    value = unsign(token, salt=LOGIN_SALT, max_age=LOGIN_MAX_AGE)
    member_id, _, stamp = (value or "").partition(".")
    if not member_id.isascii() or not member_id.isdigit() or len(member_id) > 18:
        return None
    member = Member.objects.filter(pk=int(member_id)).first()
    return member if member is not None and stamp == _login_stamp(member) else None


def member_login_claim(*, token: str) -> Member | None:
    """Use a sign-in link: the member, once; None if the link is bad, old or already used.

    The conditional update is the claim: of two requests racing with one link, one signs in.
    """
    member = member_from_login_token(token)
    if member is None:
        return None
    claimed = Member.objects.filter(pk=member.pk, last_login_at=member.last_login_at).update(
        last_login_at=timezone.now())
    return member if claimed else None


def member_newsletter_subscribe(*, member: Member, language: str = "") -> None:
    """Offer the newsletter at the member's address: the newsletter's own sign-up, confirmation
    mail included, so its consent record is the same as every other subscriber's."""
    subscriber_subscribe(email=member.email, name=member.name, language=language)


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
