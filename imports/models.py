"""What an import remembers: each object's source id, each run's progress and report.

`ImportedObject` is the idempotency key: (source, kind, source_id) → the page, comment, image
or reader it became, with a checksum of the source data so a re-run updates only what changed.
`ImportRun` is an import started from the admin: a worker claims it through crosspost/lib/leases,
records progress as it goes and the report when done.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from newsroom.blocks import RICH_TEXT_FEATURES


class SimplePage(Page):
    """A plain page (About, Contact, Ethics policy …): a title and rich text, e.g. a WordPress page."""

    body = RichTextField(blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["newsroom.HomePage", "imports.SimplePage"]
    subpage_types = ["imports.SimplePage"]
    template = "imports/simple_page.html"


class ImportedObject(models.Model):
    """One object of an export and what it became here (`target_id` of the model named by `kind`)."""

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"
        AUTHOR = "author", "Author"
        TERM = "term", "Category or tag"
        COMMENT = "comment", "Comment"
        MEDIA = "media", "Image"
        MEMBER = "member", "Member"

    source = models.CharField(max_length=20)  # "wordpress" or "ghost"
    site = models.CharField(max_length=200, blank=True, help_text="The exported site's address.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.CharField(max_length=300)
    target_id = models.PositiveBigIntegerField()
    checksum = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=300, blank=True)
    old_paths = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "site", "kind", "source_id"], name="unique_imported_object")
        ]
        indexes = [models.Index(fields=["kind", "target_id"], name="imported_target")]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id} → {self.target_id}"


class ImportRun(models.Model):
    """An import uploaded in the admin and run by a worker, with its progress and report."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        WORDPRESS = "wordpress", "WordPress (WXR .xml)"
        GHOST = "ghost", "Ghost (.json)"

    source = models.CharField(max_length=10, choices=Source.choices)
    file = models.FileField(upload_to="imports/%Y/%m/")
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("run_import", "Can import a WordPress or Ghost site")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} import {self.pk}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
