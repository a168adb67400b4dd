"""Demo data: three tiers with prices, suggested donations, and members with a year of payments."""

from __future__ import annotations

import datetime

from django.utils import timezone

from membership.models import Member, Payment, Tier

TIERS = [
    ("Reader", "Keep the site free for everyone.", "Our thanks\nThe members' briefing once a month", 500, 5000),
    ("Supporter", "Fund a week of reporting every year.", "Everything Readers get\nEarly access to in-depth reports",
     1200, 12000),
    ("Patron", "Sponsor a translation desk.", "Everything Supporters get\nA yearly call with the editors", 3000, 30000),
]
MEMBERS = [  # email, tier, status, months ago they joined, months ago they left
    ("amina.reader@example.org", 0, Member.Status.ACTIVE, 11, None),
    ("lucien.supporter@example.org", 1, Member.Status.ACTIVE, 9, None),
    ("samir.patron@example.org", 2, Member.Status.ACTIVE, 7, None),
    ("jo.reader@example.org", 0, Member.Status.ACTIVE, 5, None),
    ("kai.supporter@example.org", 1, Member.Status.PAST_DUE, 4, None),
    ("ines.reader@example.org", 0, Member.Status.CANCELED, 8, 2),
    ("ola.supporter@example.org", 1, Member.Status.CANCELED, 10, 3),
    ("rui.patron@example.org", 2, Member.Status.ACTIVE, 2, None),
]


def membership_demo_load() -> None:
    """Create the tiers, members and their monthly payments. Safe to run twice."""
    tiers = []
    for order, (name, description, benefits, monthly, yearly) in enumerate(TIERS):
        tier, _ = Tier.objects.get_or_create(name=name, defaults={
            "description": description, "benefits": benefits, "monthly_amount": monthly, "yearly_amount": yearly,
            "sort_order": order, "stripe_monthly_price_id": f"price_demo_{name.lower()}_month",
            "stripe_yearly_price_id": f"price_demo_{name.lower()}_year"})
        tiers.append(tier)
    now = timezone.now()
    for email, tier_index, status, joined, left in MEMBERS:
        since = now - datetime.timedelta(days=30 * joined)
        member, created = Member.objects.get_or_create(email=email, defaults={
            "tier": tiers[tier_index], "status": status, "interval": "month", "since": since,
            "stripe_customer_id": f"cus_demo_{email.split('@')[0].replace('.', '_')}",
            "renews_at": None if left else now + datetime.timedelta(days=12),
            "canceled_at": now - datetime.timedelta(days=30 * left) if left else None})
        if not created:
            continue
        for month in range(joined - (left or 0) + 1):  # one invoice a month while they were members
            paid = since + datetime.timedelta(days=30 * month)
            if paid > now:
                break
            Payment.objects.create(member=member, email=email, kind="membership", amount=tiers[tier_index].monthly_amount,
                                   currency="eur", paid_at=paid, stripe_id=f"in_demo_{member.pk}_{month}")
    Payment.objects.get_or_create(stripe_id="cs_demo_donation_1", defaults={
        "email": "donor@example.org", "kind": "donation", "amount": 2500, "currency": "eur",
        "paid_at": now - datetime.timedelta(days=20)})
