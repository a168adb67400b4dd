"""Reader support: tiers editors set up, members Stripe tells us about, and what they paid.

Money is kept in minor units (cents) as Stripe sends it. Stripe is the source of truth for
billing; these rows are what its webhooks said, applied once per event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


def format_money(amount: int, currency: str) -> str:
    symbols = {"eur": "€", "usd": "$", "gbp": "£"}
    value = f"{amount / 100:,.2f}".replace(".00", "")
    symbol = symbols.get(currency.lower())
    return f"{symbol}{value}" if symbol else f"{value} {currency.upper()}"


class Tier(models.Model):
    """A membership level: name, prices per month and per year, benefits, Stripe price ids."""

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    benefits = models.TextField(blank=True, help_text="One benefit per line.")
    monthly_amount = models.PositiveIntegerField(help_text="In cents (500 = 5.00).")
    yearly_amount = models.PositiveIntegerField(help_text="In cents.")
    currency = models.CharField(max_length=3, default="eur")
    stripe_monthly_price_id = models.CharField("Stripe monthly price ID", max_length=100, blank=True)
    stripe_yearly_price_id = models.CharField("Stripe yearly price ID", max_length=100, blank=True)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [
        FieldPanel("name"), FieldPanel("description"), FieldPanel("benefits"),
        FieldRowPanel([FieldPanel("monthly_amount"), FieldPanel("yearly_amount"), FieldPanel("currency")]),
        MultiFieldPanel([FieldPanel("stripe_monthly_price_id"), FieldPanel("stripe_yearly_price_id")],
                        heading="Stripe"),
        FieldRowPanel([FieldPanel("active"), FieldPanel("sort_order")]),
    ]

    class Meta:
        ordering = ["sort_order", "monthly_amount"]

    def __str__(self) -> str:
        return self.name

    @property
    def benefit_list(self) -> list[str]:
        return [line.strip() for line in self.benefits.splitlines() if line.strip()]

    @property
    def monthly_price(self) -> str:
        return format_money(self.monthly_amount, self.currency)

    @property
    def yearly_price(self) -> str:
        return format_money(self.yearly_amount, self.currency)

    def price_id(self, interval: str) -> str:
        return self.stripe_yearly_price_id if interval == "year" else self.stripe_monthly_price_id


@register_setting(icon="pick")
class MembershipSettings(BaseSiteSetting):
    intro = models.TextField(blank=True, default="Independent journalism depends on readers. Members keep us free to "
                                                  "report and republish without a paywall.")
    donation_amounts = models.CharField(max_length=100, default="10,25,50",
                                        help_text="Suggested one-time amounts, comma-separated, in whole units.")
    donation_currency = models.CharField(max_length=3, default="eur")

    @property
    def suggested_donations(self) -> list[int]:
        return [int(part) for part in self.donation_amounts.split(",") if part.strip().isdigit()]


class Member(models.Model):
    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", "Incomplete"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        CANCELED = "canceled", "Canceled"

    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INCOMPLETE, db_index=True)
    interval = models.CharField(max_length=5, blank=True)
    stripe_customer_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    stripe_subscription_id = models.CharField(max_length=100, blank=True, db_index=True)
    since = models.DateTimeField(null=True, blank=True)
    renews_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    # Sign-in links are bound to it, so signing in with one link retires that link (and older ones).
    last_login_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-since"]
        constraints = [models.UniqueConstraint(Lower("email"), name="unique_member_email_ci")]

    def __str__(self) -> str:
        return self.email


class Payment(models.Model):
    """An invoice paid (membership) or a completed one-time donation."""

    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments")
    email = models.EmailField(blank=True)
    stripe_id = models.CharField(max_length=100, unique=True, help_text="Invoice or checkout session id.")
    kind = models.CharField(max_length=10, choices=[("membership", "Membership"), ("donation", "Donation")])
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    paid_at = models.DateTimeField(db_index=True)
    receipt_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["-paid_at"]

    @property
    def amount_display(self) -> str:
        return format_money(self.amount, self.currency)


class StripeEvent(models.Model):
    """Every webhook event as received; the unique id is what makes processing exactly-once."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    payload = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)
