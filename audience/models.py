"""Pre-aggregated daily counts of readers: what the reports read, never one row per view.

Rows are written only by the flush (audience.services.counters_flush), which adds a batch of
counts with `INSERT … ON CONFLICT DO UPDATE SET views = views + excluded.views`. Article rows
keep their article's id without a database constraint: the history of a deleted article stays in
the totals.

Every breakdown row (articles included, as the `article` dimension) is also added to its month's
row in `MonthlyBreakdown`, so a year's report reads twelve months of rows plus the days at its
edges instead of 365 days (audience.selectors.top_values).
"""

from __future__ import annotations

from django.db import models


class DailySiteViews(models.Model):
    """Views of every page and unique visitors (estimated from a daily salted hash), per day."""

    day = models.DateField(unique=True)
    views = models.PositiveBigIntegerField(default=0)
    visitors = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["day"]


class DailyArticleViews(models.Model):
    """Views of one article in one language on one day."""

    day = models.DateField()
    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.DO_NOTHING, db_constraint=False,
                                related_name="+")
    language = models.CharField(max_length=12)
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "article", "language"], name="unique_daily_article")]
        # Reports sum a range of days per article; the article index serves one article's history.
        indexes = [models.Index(fields=["day", "article", "views"], name="daily_article_range"),
                   models.Index(fields=["article", "day"], name="daily_article_history")]


class DailyBreakdown(models.Model):
    """Views per day by one dimension: referrer class or domain, device class, country, language,
    and, for article views, own/repost, author and section as they were when the view was counted."""

    class Dimension(models.TextChoices):
        REFERRER = "referrer", "Referrer class"
        DOMAIN = "domain", "Referring site"
        DEVICE = "device", "Device"
        COUNTRY = "country", "Country"
        LANGUAGE = "language", "Language"
        # Written at flush time from the article's byline and sections, so the report needs no join.
        KIND = "kind", "Our articles or reposts"
        AUTHOR = "author", "Author (page id)"
        REGION = "region", "Region (page id)"
        THEME = "theme", "Theme (page id)"
        DOSSIER = "dossier", "In-depth report (page id)"
        # Views of one article in all languages (DailyArticleViews keeps them per language).
        ARTICLE = "article", "Article (page id)"

    day = models.DateField()
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    value = models.CharField(max_length=255)
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        # The unique index also finds one value's days; the range index gives a day's top values.
        constraints = [models.UniqueConstraint(fields=["dimension", "value", "day"], name="unique_daily_breakdown")]
        indexes = [models.Index(fields=["dimension", "day", "views"], name="daily_breakdown_top")]


class MonthlyBreakdown(models.Model):
    """The sum of a month's DailyBreakdown rows (`month` is its first day), kept by the flush."""

    month = models.DateField()
    dimension = models.CharField(max_length=12, choices=DailyBreakdown.Dimension.choices)
    value = models.CharField(max_length=255)
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dimension", "value", "month"], name="unique_monthly_breakdown")]
        indexes = [models.Index(fields=["dimension", "month", "views"], name="monthly_breakdown_top")]


class CounterBatch(models.Model):
    """A batch of counts already written, so no batch is ever counted twice; kept a few days."""

    name = models.CharField(max_length=120, unique=True)
    applied_at = models.DateTimeField(auto_now_add=True, db_index=True)
