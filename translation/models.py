"""Translations as data (DESIGN.md): a translation memory of segments, and per-page jobs.

A `Segment` is one block of source text (a title, a paragraph's inner HTML, a caption), keyed
by a hash of its language and text, so the same sentence anywhere on the site is translated
once. A `SegmentTranslation` is that segment in one language, by a machine or reviewed by an
editor; reviewed ones are never overwritten by the machine.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Segment(models.Model):
    source_hash = models.CharField(max_length=64, unique=True)
    source_language = models.CharField(max_length=12)
    source_text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.source_text[:80]


class SegmentTranslation(models.Model):
    class Status(models.TextChoices):
        MACHINE = "machine", "Machine"
        REVIEWED = "reviewed", "Reviewed by an editor"

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="translations")
    # Copied from the segment so a page's translations are one indexed lookup, with no join.
    source_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=12)
    text = models.TextField()
    engine = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MACHINE)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_hash", "language"], name="unique_segment_language")
        ]
        # Corrections go live at once and segments are shared by every page with that text, so
        # correcting is publishing: the Editor group has it (Settings → Groups gives it to others).
        permissions = [("publish_translation", "Can correct translations and interface strings (they go live at once)")]

    def __str__(self) -> str:
        return f"[{self.language}] {self.text[:80]}"


class TranslationJob(models.Model):
    """The work of bringing one page up to date in one language; one row per (page, language)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="translation_jobs")
    language = models.CharField(max_length=12)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    segments_translated = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True, default="")  # crosspost/lib/leases.py
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "language"], name="unique_page_language_job")]

    def __str__(self) -> str:
        return f"{self.page} → {self.language}: {self.status}"
