"""Writes for audience: moving counted views from the counter store into daily rows.

`counters_flush` runs on the task worker (the scheduler enqueues it every minute) and also
carries the republication pixel's counts to engagement, so both reach the database through the
same exactly-once path (see crosspost/lib/counters.py).
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audience import classify
from audience.beacon import VIEW
from audience.models import CounterBatch, DailyArticleViews, DailyBreakdown, DailySiteViews, MonthlyBreakdown
from crosspost.lib.counters import Batch, store
from crosspost.lib.upsert import rows_add

log = logging.getLogger(__name__)
PIXEL = "px"
BATCHES_KEPT = datetime.timedelta(days=4)  # longer than a batch can wait in the store (3 days)


@dataclass
class FlushResult:
    batches: int = 0
    views: int = 0
    republication_views: int = 0
    skipped: int = 0  # batches another flusher had already written
    days: set[str] = field(default_factory=set)


def own_hosts() -> set[str]:
    hosts = {(urlsplit(settings.SITE_URL).hostname or "").lower().removeprefix("www.")}
    hosts.update(h.lower().removeprefix("www.") for h in settings.ALLOWED_HOSTS if h and not h.startswith("."))
    return hosts - {""}


def _article_facets(ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    """For each existing article: the (dimension, value) pairs its views also count under."""
    from newsroom.models import ArticleAuthor, ArticlePage

    if not ids:
        return {}
    facets: dict[int, list[tuple[str, str]]] = {
        pk: [("kind", "repost" if publication else "own")]
        for pk, publication in ArticlePage.objects.filter(pk__in=ids).values_list("pk", "publication_id")}
    for page_id, author_id in ArticleAuthor.objects.filter(page_id__in=facets).values_list("page_id", "author_id"):
        facets[page_id].append(("author", str(author_id)))
    for relation, dimension in (("regions", "region"), ("themes", "theme"), ("dossiers", "dossier")):
        through = ArticlePage._meta.get_field(relation).remote_field.through
        column = f"{through._meta.get_field('articlepage').attname}"
        other = next(f.attname for f in through._meta.concrete_fields if f.attname not in ("id", column))
        for page_id, section_id in through.objects.filter(**{f"{column}__in": facets}).values_list(column, other):
            facets[page_id].append((dimension, str(section_id)))
    return facets


def _republisher_domains() -> set[str]:
    from engagement.models import Partner, Republication

    domains = set(Republication.objects.exclude(domain="").values_list("domain", flat=True).distinct()[:5000])
    domains.update(Partner.objects.values_list("domain", flat=True))
    return {d.lower().removeprefix("www.") for d in domains if d}


def _views_write(counts: dict[tuple, int], republishers: set[str], hosts: set[str]) -> int:
    site: Counter = Counter()
    articles: Counter = Counter()
    breakdown: Counter = Counter()
    facets = _article_facets({key[2] for key in counts if key[2]})
    for (_, day, article_id, language, host, campaign, device, country), n in counts.items():
        site[day] += n
        if article_id in facets:
            articles[(day, article_id, language)] += n
            for dimension, value in facets[article_id]:
                breakdown[(day, dimension, value)] += n
        internal = host == "@internal"
        kind = "internal" if internal else classify.referrer_class(
            host, campaign=campaign, own_hosts=hosts, republishers=republishers)
        breakdown[(day, "referrer", kind)] += n
        if host and not internal and kind != "internal":
            breakdown[(day, "domain", host)] += n
        breakdown[(day, "device", device)] += n
        breakdown[(day, "language", language)] += n
        if country:
            breakdown[(day, "country", country)] += n
    counts_write(site={datetime.date.fromisoformat(d): n for d, n in site.items()},
                 articles={(datetime.date.fromisoformat(d), a, lang): n for (d, a, lang), n in articles.items()},
                 breakdown={(datetime.date.fromisoformat(d), dim, v): n for (d, dim, v), n in breakdown.items()})
    return sum(site.values())


def counts_write(*, site: dict[datetime.date, int], articles: dict[tuple[datetime.date, int, str], int],
                 breakdown: dict[tuple[datetime.date, str, str], int], visitors: dict[datetime.date, int] | None = None
                 ) -> None:
    """Add counts to the daily rows, to each article's all-language row and to the monthly rows."""
    breakdown = Counter(breakdown)
    for (day, article_id, _), n in articles.items():
        breakdown[(day, str(DailyBreakdown.Dimension.ARTICLE), str(article_id))] += n
    months: Counter = Counter()
    for (day, dimension, value), n in breakdown.items():
        months[(day.replace(day=1), dimension, value)] += n
    visitors = visitors or {}
    rows_add(DailySiteViews, [{"day": d, "views": n, "visitors": visitors.get(d, 0)} for d, n in site.items()],
             unique=["day"], add=["views"])
    rows_add(DailyArticleViews, [{"day": d, "article": a, "language": lang, "views": n}
                                 for (d, a, lang), n in articles.items()],
             unique=["day", "article", "language"], add=["views"])
    rows_add(DailyBreakdown, [{"day": d, "dimension": dim, "value": value, "views": n}
                              for (d, dim, value), n in breakdown.items() if n],
             unique=["dimension", "value", "day"], add=["views"])
    rows_add(MonthlyBreakdown, [{"month": m, "dimension": dim, "value": value, "views": n}
                                for (m, dim, value), n in months.items() if n],
             unique=["dimension", "value", "month"], add=["views"])


def rollups_rebuild(*, daily_articles=DailyArticleViews, breakdown=DailyBreakdown, monthly=MonthlyBreakdown) -> None:
    """Recompute the article rows of the breakdown and every monthly row from the daily rows.

    For rows written before the monthly rows existed (the migration that added them), and for
    bench/audience_reports.py, which writes a year of daily rows directly. The models are
    parameters so that the migration can pass its historical ones.
    """
    from django.db import connection

    quote = connection.ops.quote_name
    month = "date(day, 'start of month')" if connection.vendor == "sqlite" else "date_trunc('month', day)::date"
    article, table, months = (quote(m._meta.db_table) for m in (daily_articles, breakdown, monthly))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {months}")
        cursor.execute(f"DELETE FROM {table} WHERE dimension = 'article'")
        cursor.execute(f"INSERT INTO {table} (day, dimension, value, views) SELECT day, 'article', "
                       f"CAST(article_id AS varchar(20)), SUM(views) FROM {article} GROUP BY day, article_id")
        cursor.execute(f"INSERT INTO {months} (month, dimension, value, views) SELECT {month}, dimension, value, "
                       f"SUM(views) FROM {table} GROUP BY {month}, dimension, value")


def _batch_apply(batch: Batch, republishers: set[str], hosts: set[str]) -> tuple[int, int]:
    from engagement.republication import republication_counts_add

    views = {key: n for key, n in batch.counts.items() if key[0] == VIEW and len(key) == 8}
    pixel = {key: n for key, n in batch.counts.items() if key[0] == PIXEL}
    with transaction.atomic():
        try:
            with transaction.atomic():
                CounterBatch.objects.create(name=batch.name)
        except IntegrityError:
            return -1, -1  # already written by another flusher (or by us before a crash)
        written = _views_write(views, republishers, hosts)
        seen = datetime.datetime.fromtimestamp(batch.ended, tz=datetime.UTC)
        first = datetime.datetime.fromtimestamp(batch.started, tz=datetime.UTC)
        republished = republication_counts_add(
            counts={key[1:]: n for key, n in pixel.items()}, first_seen=first, last_seen=seen)
    return written, republished


def counters_flush(*, now: datetime.datetime | None = None) -> FlushResult:
    """Write every batch in the counter store to daily rows, each exactly once; then tidy up."""
    now = now or timezone.now()
    counters = store()
    result = FlushResult()
    republishers, hosts = _republisher_domains(), own_hosts()
    live_days = _days_kept(now)
    for name in counters.batch_names():
        batch = counters.batch_read(name)
        if batch is None:
            continue
        written, republished = _batch_apply(batch, republishers, hosts)
        if written < 0:
            result.skipped += 1
        else:
            result.batches += 1
            result.views += written
            result.republication_views += republished
        # Visitor sets take each hash once, so merging again after a crash changes nothing.
        # A finished day's set is gone; late hashes for it must not start a new, smaller one.
        for day, hashes in batch.visitors.items():
            if day in live_days:
                counters.visitors_merge(day, hashes)
                result.days.add(day)
        counters.batch_delete(name)
    for day in result.days:
        DailySiteViews.objects.filter(day=datetime.date.fromisoformat(day)).update(
            visitors=counters.visitors_count(day))
    counters.days_forget(live_days)
    CounterBatch.objects.filter(applied_at__lt=now - BATCHES_KEPT).delete()
    return result


def _days_kept(now: datetime.datetime) -> set[str]:
    """Days whose visitor sets and salts still live: today, and yesterday for ten minutes past
    midnight (for batches pushed just before it)."""
    local = timezone.localtime(now)
    today = local.date()
    keep = {today.isoformat()}
    if local - local.replace(hour=0, minute=0, second=0, microsecond=0) < datetime.timedelta(minutes=10):
        keep.add((today - datetime.timedelta(days=1)).isoformat())
    return keep


VIEW_REPORTS = "audience.view_dailysiteviews"
EDITOR_PERMISSIONS = (("audience", "view_dailysiteviews"), ("engagement", "view_partner"),
                      ("engagement", "add_partner"), ("engagement", "change_partner"),
                      ("engagement", "view_dailyrepublicationviews"))


def editors_grant_audience_permissions() -> None:
    """Let the Editor group read the audience report and manage republishing partners. Idempotent."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    from newsroom.services import EDITOR_GROUP

    group = Group.objects.filter(name=EDITOR_GROUP).first()
    if group:
        wanted = Q()
        for app_label, codename in EDITOR_PERMISSIONS:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*Permission.objects.filter(wanted))
