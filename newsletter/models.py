"""Who gets which newsletter, what goes in it, and what happened to each copy sent.

A Newsletter is a list (the daily digest, a weekly per theme, …) with a schedule and a selection
rule. A Subscriber opts in twice (form, then confirm link) to one or more lists (Subscription),
each with a frequency: every issue, or one weekly round-up of the list's issues. Each issue is a
Digest of the articles the list's rule picked since the previous one; a round-up is a Digest too
(kind "roundup"), of the articles of the list's issues since the previous round-up. A Delivery
row per (digest, subscriber) is the send's memory: workers claim rows with a conditional UPDATE,
so a crash, a re-run or a second sender never mails anyone twice (see sending.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def email_key(address: str) -> str:
    """The form two spellings of one address share: 'Ada@Example.ORG ' and 'ada@example.org'."""
    return address.strip().casefold()


def email_clean(address: str) -> str:
    """The address we mail to: trimmed, domain lowercased, local part as the reader typed it."""
    local, _, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else address.strip()


class Subscriber(models.Model):
    """A reader's address, language and where they are in the opt-in / opt-out life cycle."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Complained (marked as spam)"

    email = models.EmailField(max_length=254)
    email_key = models.CharField(max_length=254, unique=True, editable=False)
    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=12, default="en")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    source = models.CharField(max_length=20, blank=True, help_text="form, import or admin")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    soft_bounces = models.PositiveSmallIntegerField(default=0, help_text="temporary failures in a row")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        duplicate = Subscriber.objects.filter(email_key=email_key(self.email)).exclude(pk=self.pk)
        if self.email and duplicate.exists():
            raise ValidationError({"email": "This address is already on the list."})

    def save(self, *args, **kwargs) -> None:
        # The key is derived, never typed: keep it in step with the address however it is saved.
        self.email = email_clean(self.email)
        self.email_key = email_key(self.email)
        super().save(*args, **kwargs)


class Newsletter(models.Model):
    """A list readers subscribe to: when it goes out, what goes in it, who may see its archive."""

    class Schedule(models.TextChoices):
        DAILY = "daily", "Every day"
        WEEKLY = "weekly", "Every week"
        MANUAL = "manual", "When an editor sends it"

    class Rule(models.TextChoices):
        PICKED = "picked", "Articles editors add to it"
        SECTION = "section", "Every new article in a region, theme or dossier"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True, help_text="in the archive's address")
    description = models.TextField(blank=True, help_text="shown on the sign-up page")
    schedule = models.CharField(max_length=10, choices=Schedule.choices, default=Schedule.DAILY)
    weekday = models.PositiveSmallIntegerField(
        default=0, choices=[(n, day) for n, day in enumerate(
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])],
        help_text="for a weekly newsletter")
    rule = models.CharField(max_length=10, choices=Rule.choices, default=Rule.PICKED)
    section = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="the region, theme or dossier whose new articles go in (rule: section)")
    public = models.BooleanField(default=True, help_text="offered on the sign-up form; archive public")
    open_tracking = models.BooleanField(
        default=False, help_text="count opens with a tracking pixel. Opens are unreliable: many mail "
                                 "apps block images, others load every image without the reader")
    held = models.BooleanField(
        default=False, help_text="the next issue waits until an editor releases it on the digest page")
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    def is_due(self, date) -> bool:
        if self.held or self.schedule == self.Schedule.MANUAL:
            return False
        return self.schedule == self.Schedule.DAILY or date.weekday() == self.weekday


class Subscription(models.Model):
    """One reader on one list: asked for (confirmed_at empty until they confirm), or left, and how
    often: every issue, or a weekly round-up instead (a weekly list's readers get its issue)."""

    class Frequency(models.TextChoices):
        EVERY = "every", _("Every issue")
        WEEKLY = "weekly", _("One weekly round-up")

    subscriber = models.ForeignKey("Subscriber", on_delete=models.CASCADE, related_name="subscriptions")
    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_from = models.ForeignKey(
        "Digest", null=True, blank=True, on_delete=models.SET_NULL, related_name="unsubscribes",
        help_text="the issue whose unsubscribe link the reader used")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.EVERY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscriber", "newsletter"], name="unique_subscription")]
        indexes = [models.Index(fields=["newsletter", "subscriber"], name="subscription_list")]

    def __str__(self) -> str:
        return f"{self.subscriber_id} → {self.newsletter_id}"


class Selection(models.Model):
    """An article an editor picked for a newsletter's next issue."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="selections")
    article = models.ForeignKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="newsletter_selections"
    )
    selected_at = models.DateTimeField(default=timezone.now, db_index=True)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["selected_at"]
        constraints = [models.UniqueConstraint(fields=["newsletter", "article"], name="unique_selection")]

    def __str__(self) -> str:
        return f"{self.article} ({self.selected_at:%Y-%m-%d %H:%M})"


def digest_period(kind: str, date) -> str:
    """What makes a digest unique within its list: an issue's day, a round-up's ISO week.

    Keying round-ups by week, not day, means one per list per week even if NEWSLETTER_ROUNDUP_WEEKDAY
    changes mid-week or two schedulers disagree about the day.
    """
    if kind == Digest.Kind.ROUNDUP:
        year, week, _weekday = date.isocalendar()
        return f"{year}-W{week:02d}"
    return date.isoformat()


class Digest(models.Model):
    """One issue of a newsletter, the articles selected in (since, until], frozen when it is built;
    or a weekly round-up of the list's issues dated in [since, until), for its weekly readers."""

    class Kind(models.TextChoices):
        ISSUE = "issue", "Issue"
        ROUNDUP = "roundup", "Weekly round-up"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="digests")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ISSUE)
    date = models.DateField()
    period = models.CharField(max_length=10, editable=False, help_text="an issue's day, a round-up's ISO week")
    since = models.DateTimeField(null=True, blank=True)
    until = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    recipients_ready_at = models.DateTimeField(null=True, blank=True)
    languages = models.JSONField(default=list, blank=True, help_text="languages it was sent in")
    articles = models.ManyToManyField("newsroom.ArticlePage", through="DigestArticle", related_name="+")

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "kind", "period"], name="unique_digest_per_period")]

    def __str__(self) -> str:
        roundup = " round-up" if self.kind == self.Kind.ROUNDUP else ""
        return f"{self.newsletter}{roundup} {self.date}"

    def save(self, *args, **kwargs) -> None:
        # Derived like Subscriber.email_key, so the unique key cannot drift from kind and date.
        self.period = digest_period(self.kind, self.date)
        super().save(*args, **kwargs)

    def frequencies(self) -> list[str]:
        """Which readers of the list this digest goes to: issues to "every", round-ups to "weekly".
        A weekly list's issue is already its round-up, so it goes to both and nobody is left out."""
        every, weekly = str(Subscription.Frequency.EVERY), str(Subscription.Frequency.WEEKLY)
        if self.kind == self.Kind.ROUNDUP:
            return [weekly]
        if self.newsletter.schedule == Newsletter.Schedule.WEEKLY:
            return [every, weekly]
        return [every]


class DigestClick(models.Model):
    """How often readers followed one article's link in one digest (no reader is recorded)."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="clicks")
    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="+")
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["digest", "article"], name="unique_digest_click")]


class DigestArticle(models.Model):
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["digest", "article"], name="unique_digest_article")]


class Delivery(models.Model):
    """One subscriber's copy of one digest: claimed, then sent or failed, exactly once."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        SKIPPED = "skipped"

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=200, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True, help_text="a deferred copy is not tried before")
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    bounced = models.BooleanField(default=False, help_text="this copy struck the reader off (bounce policy)")
    complained = models.BooleanField(default=False, help_text="the reader reported this copy as spam")
    opened_at = models.DateTimeField(null=True, blank=True, help_text="first open, if open tracking is on")

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["digest", "subscriber"], name="unique_delivery_per_subscriber")
        ]
        indexes = [models.Index(fields=["digest", "status"], name="delivery_digest_status")]

    def __str__(self) -> str:
        return f"{self.digest} → {self.subscriber_id}: {self.status}"
