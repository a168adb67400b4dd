"""What reposting remembers: each original's fingerprint, the feeds we follow and their inbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class OriginalFingerprint(models.Model):
    """The original behind a repost: its normalised URL and a MinHash signature of its text.

    One row per reposted original, so the same original is never reposted twice: the unique
    URL catches the same link, the bands (see `FingerprintBand`) catch the same text elsewhere.
    """

    article = models.OneToOneField(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="original_fingerprint"
    )
    canonical_url = models.CharField(max_length=1000, unique=True)
    signature = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.canonical_url


class FingerprintBand(models.Model):
    """One LSH band hash of a fingerprint; texts sharing any band are near-duplicate candidates."""

    fingerprint = models.ForeignKey(OriginalFingerprint, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    hash = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band", "hash"], name="ingest_band_lookup")]


class FeedSubscription(models.Model):
    """An RSS or Atom feed of an outlet we follow; polling puts its new items in the inbox."""

    url = models.URLField("Feed URL", max_length=1000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    # A feed that keeps failing is polled less often: after `failures` failed polls in a row it
    # waits until `next_poll_at` (crosspost/lib/leases.py's backoff).
    failures = models.PositiveIntegerField(default=0, editable=False)
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_by = models.CharField(max_length=200, blank=True, default="", editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # WebSub: a feed naming a hub is subscribed there too (ingest/websub.py); its pushes land in
    # the inbox at once and polling stays the fallback. `push_lease_until` is null until the hub
    # has verified our intent.
    hub = models.URLField(max_length=1000, blank=True, editable=False)
    topic = models.URLField(max_length=1000, blank=True, editable=False)
    push_secret = models.CharField(max_length=64, blank=True, editable=False)
    push_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    push_lease_until = models.DateTimeField("Pushed (WebSub) until", null=True, blank=True, editable=False)
    last_pushed_at = models.DateTimeField("Last push", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["title", "url"]

    def __str__(self) -> str:
        return self.title or self.url


class InboxItem(models.Model):
    """An item from a followed feed, waiting for an editor to repost or dismiss it."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        REPOSTED = "reposted", "Reposted"
        DISMISSED = "dismissed", "Dismissed"

    subscription = models.ForeignKey(FeedSubscription, on_delete=models.CASCADE, related_name="items")
    url = models.URLField(max_length=1000)
    title = models.CharField(max_length=500, blank=True)
    summary = models.TextField(blank=True)
    published = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    article = models.ForeignKey(
        "newsroom.ArticlePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["subscription", "url"], name="unique_inbox_item")]

    def __str__(self) -> str:
        return self.title or self.url


class SourceWatch(models.Model):
    """One repost's original, re-fetched on a schedule for a while after reposting.

    `next_check_at` makes a pass O(reposts due): the scheduler claims the due rows by that index
    (leases.claim_batch), never scanning the archive. `reported_hash` is the last version shown
    to editors, so a version they dismissed is not reported again.
    """

    article = models.OneToOneField("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="source_watch")
    url = models.URLField(max_length=1000)
    host = models.CharField(max_length=255)
    watch_until = models.DateTimeField()
    next_check_at = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=12, blank=True)
    last_distance = models.FloatField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    errors = models.PositiveIntegerField(default=0)
    reported_hash = models.CharField(max_length=64, blank=True)
    claimed_by = models.CharField(max_length=120, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_check_at"], name="ingest_watch_due")]

    def __str__(self) -> str:
        return self.url


class HostBudget(models.Model):
    """Requests made to one host in the current clock hour; a conditional UPDATE spends one."""

    host = models.CharField(max_length=255, unique=True)
    hour = models.DateTimeField()
    used = models.PositiveIntegerField(default=0)


class SourceChange(models.Model):
    """An original that changed, vanished or now says it was corrected or retracted, for editors."""

    class Kind(models.TextChoices):
        CHANGED = "changed", "Text changed"
        GONE = "gone", "Gone (404/410)"
        CORRECTED = "corrected", "Says it was corrected or updated"
        RETRACTED = "retracted", "Says it was retracted"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an editor"
        APPLIED = "applied", "New text applied"
        NOTED = "noted", "Correction note added"
        DISMISSED = "dismissed", "Dismissed"

    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="source_changes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    distance = models.FloatField(null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    published_html = models.TextField(blank=True, help_text="Our body when the change was found.")
    new_html = models.TextField(blank=True, help_text="The original's body as fetched (sanitised).")
    new_title = models.CharField(max_length=500, blank=True)
    detected_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-detected_at"]
        constraints = [models.UniqueConstraint(fields=["article"], condition=models.Q(status="open"),
                                               name="one_open_source_change")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.article}"
