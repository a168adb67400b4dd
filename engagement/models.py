"""How readers and other sites engage with articles: republications, comments, requests, messages.

The article's own switches (licence, republishing, comments) live on ArticlePage; this app keeps
what happens around it. Writes go through each feature's module (comments.py, webhooks.py, ...).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


def email_key(address: str) -> str:
    """The form of an address we compare on: trimmed and case-folded."""
    return address.strip().casefold()


@register_setting(icon="mail")
class EngagementSettings(BaseSiteSetting):
    """Follow-us links shown in the footer, and the addresses reader messages are sent to."""

    telegram = models.URLField(blank=True)
    instagram = models.URLField(blank=True)
    x = models.URLField("X", blank=True)
    mastodon = models.URLField(blank=True)
    bluesky = models.URLField(blank=True)
    facebook = models.URLField(blank=True)
    feedback_email = models.EmailField(blank=True, help_text="Receives the 'We want to hear from you' form.")
    permissions_email = models.EmailField(blank=True, help_text="Receives requests to republish.")

    panels = [
        MultiFieldPanel(
            [FieldPanel(name) for name in ("telegram", "instagram", "x", "mastodon", "bluesky", "facebook")],
            heading="Follow us",
        ),
        MultiFieldPanel(
            [FieldPanel("feedback_email"), FieldPanel("permissions_email")],
            heading="Where reader messages go",
            help_text="Media inquiries go to the address in Site settings, which articles show.",
        ),
    ]

    FOLLOW_FIELDS = ("telegram", "instagram", "x", "mastodon", "bluesky", "facebook")

    class Meta:
        verbose_name = "Engagement"

    def follow_links(self) -> list[tuple[str, str]]:
        return [
            (self._meta.get_field(name).verbose_name.title() if name != "x" else "X", getattr(self, name))
            for name in self.FOLLOW_FIELDS
            if getattr(self, name)
        ]


class Partner(models.Model):
    """A site that republishes our articles from its own feed URL, revocable at any time.

    The token in the feed URL identifies the partner: the pixels inside that feed carry the
    partner, so its views show under its name in *Republications*.
    """

    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=255, help_text="The partner's site, e.g. community-news.example.")
    token = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(default=True, help_text="Untick to revoke the feed URL at once.")
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("name"), FieldPanel("domain"), FieldPanel("active")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("engagement:partner_feed", args=[self.token])

    feed_url.short_description = "Feed URL"  # type: ignore[attr-defined]

    def save(self, *args, **kwargs) -> None:
        domain = self.domain.strip().lower()
        host = (urlsplit(domain).hostname or "") if "//" in domain else domain.split("/")[0]
        self.domain = host.removeprefix("www.")
        if not self.token:
            self.token = secrets.token_urlsafe(24)
        super().save(*args, **kwargs)


class Republication(models.Model):
    """A page elsewhere that shows one of our articles, as seen by the republish pixel.

    `page_url` is what the reader's browser sent as Referer; many sites send only their origin,
    and a blank URL collects the hits that came with no Referer at all.
    """

    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="republications")
    domain = models.CharField(max_length=255, blank=True, db_index=True)
    page_url = models.CharField(max_length=1000, blank=True)
    views = models.PositiveBigIntegerField(default=0)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="republications")

    class Meta:
        ordering = ["-last_seen"]
        constraints = [models.UniqueConstraint(fields=["article", "page_url"], name="unique_republication_page")]

    def __str__(self) -> str:
        return self.page_url or f"(no referrer) {self.article_id}"


class DailyRepublicationViews(models.Model):
    """Views of republished copies per day, article, domain and partner (0: none), for the charts."""

    day = models.DateField()
    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.DO_NOTHING, db_constraint=False,
                                related_name="+")
    domain = models.CharField(max_length=255, blank=True)
    # A plain number, not a key: 0 (no partner) must take part in the unique constraint, which
    # NULL does not.
    partner_pk = models.PositiveIntegerField(default=0)
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "article", "domain", "partner_pk"],
                                               name="unique_daily_republication")]
        indexes = [models.Index(fields=["day", "article"], name="daily_republication_range")]


class BannedAddress(models.Model):
    """An email address whose comments are refused."""

    email = models.EmailField(unique=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("email"), FieldPanel("reason")]

    class Meta:
        verbose_name_plural = "banned addresses"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs) -> None:
        self.email = email_key(self.email)
        super().save(*args, **kwargs)


class Comment(models.Model):
    """A reader's comment under an article; replies hang one level deep under a top comment."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    name = models.CharField(max_length=80)
    email = models.EmailField()
    email_key = models.CharField(max_length=254, db_index=True, editable=False)
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.text[:50]}"

    def save(self, *args, **kwargs) -> None:
        self.email_key = email_key(self.email)
        super().save(*args, **kwargs)


class PermissionRequest(models.Model):
    """Someone asks to republish an article (or our work in general) commercially or in print."""

    class Use(models.TextChoices):
        COMMERCIAL = "commercial", "Commercial website"
        PRINT = "print", "Print"
        BROADCAST = "broadcast", "Radio, TV or podcast"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"

    article = models.ForeignKey(
        "newsroom.ArticlePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="permission_requests"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    organisation = models.CharField(max_length=200)
    use = models.CharField(max_length=12, choices=Use.choices)
    message = models.TextField(max_length=3000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    answer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_use_display()})"


class ContactMessage(models.Model):
    """A message from the feedback form or the media-inquiries form."""

    class Kind(models.TextChoices):
        FEEDBACK = "feedback", "Feedback"
        MEDIA = "media", "Media inquiry"

    kind = models.CharField(max_length=10, choices=Kind.choices, db_index=True)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    organisation = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200)
    message = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    handled = models.BooleanField(default=False)

    panels = [FieldPanel("handled")]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


class WebhookEndpoint(models.Model):
    """A URL told about every newly published article, e.g. a newsroom's own channel bot."""

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    secret = models.CharField(max_length=200, help_text="Shared with the receiver, which checks the signature.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("name"), FieldPanel("url"), FieldPanel("secret"), FieldPanel("active")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event for one endpoint, with its attempts; unique so an event is announced once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    article = models.ForeignKey("newsroom.ArticlePage", null=True, on_delete=models.SET_NULL, related_name="+")
    event = models.CharField(max_length=50)
    payload = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True, default="")  # crosspost/lib/leases.py
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "article", "event"], name="unique_webhook_event")
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
