"""What reposting remembers: each original's fingerprint, the feeds we follow and their inbox."""

from __future__ import annotations

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
