"""Demo audience: four weeks of daily counts and a republishing partner, so Reports → Audience,
Republications and the admin home show something on first start. Safe to run twice.

The figures are made up (a fixed seed, so every demo looks the same) and written as the daily rows
the flush would have written; from then on, real views of the demo site add to them.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from audience.models import DailySiteViews
from audience.services import counts_write
from crosspost.lib.upsert import rows_add

DAYS = 28
REFERRERS = (("search", "google.com", 0.34), ("direct", "", 0.25), ("social", "t.co", 0.12),
             ("newsletter", "", 0.11), ("fediverse", "mastodon.social", 0.07),
             ("republisher", "community-news.example", 0.05), ("other", "news.ycombinator.com", 0.06))
DEVICES = (("mobile", 0.58), ("desktop", 0.36), ("tablet", 0.06))
LANGUAGES = (("en", 0.82), ("fr", 0.11), ("ar", 0.07))


def audience_demo_load() -> None:
    from engagement.models import DailyRepublicationViews, Partner, Republication
    from newsroom.models import ArticlePage

    if DailySiteViews.objects.exists():
        return
    rng = random.Random(17)
    today = timezone.localdate()
    articles = list(ArticlePage.objects.live().order_by("-first_published_at").values_list("pk", flat=True)[:40])
    site, article_rows, breakdown = {}, [], {}
    for back in range(DAYS):
        day = today - datetime.timedelta(days=back)
        weekday = 0.75 if day.weekday() >= 5 else 1.0
        total = 0
        for rank, article_id in enumerate(articles):
            views = int(rng.uniform(0.6, 1.4) * weekday * 900 / (rank + 2))
            for language, share in LANGUAGES:
                n = int(views * share)
                if n:
                    article_rows.append({"day": day, "article": article_id, "language": language, "views": n})
                    total += n
        site[day] = total
        for dimension, values in (("device", DEVICES), ("language", LANGUAGES)):
            for value, share in values:
                breakdown[(day, dimension, value)] = int(total * share)
        for kind, domain, share in REFERRERS:
            breakdown[(day, "referrer", kind)] = breakdown.get((day, "referrer", kind), 0) + int(total * share)
            if domain:
                breakdown[(day, "domain", domain)] = int(total * share)
    counts_write(site=site, articles={(r["day"], r["article"], r["language"]): r["views"] for r in article_rows},
                 breakdown=breakdown, visitors={d: int(n * rng.uniform(0.55, 0.65)) for d, n in site.items()})

    partner, _ = Partner.objects.get_or_create(name="Community News (demo partner)",
                                               defaults={"domain": "community-news.example"})
    for republication in Republication.objects.all():
        if republication.domain == partner.domain:
            Republication.objects.filter(pk=republication.pk).update(partner=partner)
        rows_add(DailyRepublicationViews, [
            {"day": today - datetime.timedelta(days=back), "article": republication.article_id,
             "domain": republication.domain, "partner_pk": partner.pk if republication.domain == partner.domain else 0,
             "views": int(republication.views / 21 * rng.uniform(0.5, 1.5))}
            for back in range(21)], unique=["day", "article", "domain", "partner_pk"], add=["views"])
