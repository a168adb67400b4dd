"""Demo data: two newsletters, the next daily digest's selection, a few readers in different states
(one of them on the daily digest's weekly round-up).

The daily digest is *held*: the scheduler's first run, right after the demo loads, would otherwise
send the selection at once and leave *Newsletter → Digest preview* showing "0 articles" to a
newcomer. An editor looks at it there and presses "Release for the next send".
"""

from __future__ import annotations

from django.utils import timezone

from newsletter.models import Newsletter, Subscriber, Subscription
from newsletter.services import selection_add
from newsroom.models import ArticlePage, ThemePage

# Lucien reads the daily digest as a weekly round-up (the preference centre's "How often").
_WEEKLY_READERS = {"lecteur@example.org"}
_READERS = [
    ("reader.one@example.org", "Amina", "en", Subscriber.Status.CONFIRMED, ("daily", "weekly")),
    ("lecteur@example.org", "Lucien", "fr", Subscriber.Status.CONFIRMED, ("daily",)),
    ("qari@example.org", "Samir", "ar", Subscriber.Status.CONFIRMED, ("daily",)),
    ("waiting@example.org", "", "en", Subscriber.Status.PENDING, ("daily",)),
    ("gone@example.org", "", "en", Subscriber.Status.UNSUBSCRIBED, ("daily",)),
]


def _lists() -> dict[str, Newsletter]:
    daily, created = Newsletter.objects.get_or_create(slug="daily", defaults={
        "name": "Daily digest", "description": "The stories our editors pick, every morning."})
    if created or not daily.digests.exists():
        Newsletter.objects.filter(pk=daily.pk).update(held=True)
    theme = ThemePage.objects.live().order_by("pk").first()
    weekly, _ = Newsletter.objects.get_or_create(slug="weekly", defaults={
        "name": f"{theme.title} weekly" if theme else "The week",
        "description": f"Every new article on {theme.title}, on Fridays." if theme else "The week's articles.",
        "schedule": Newsletter.Schedule.WEEKLY, "weekday": 4,
        "rule": Newsletter.Rule.SECTION if theme else Newsletter.Rule.PICKED, "section": theme, "position": 1})
    return {"daily": daily, "weekly": weekly}


def newsletter_demo_load() -> None:
    """Select the four newest articles for the next digest and add readers. Safe to run twice."""
    lists = _lists()
    for article in ArticlePage.objects.live().order_by("-first_published_at")[:4]:
        selection_add(article=article, newsletter=lists["daily"])
    now = timezone.now()
    for email, name, language, status, slugs in _READERS:
        reader, _ = Subscriber.objects.get_or_create(email=email, defaults={
            "name": name, "language": language, "status": status, "source": "import",
            "confirmed_at": now if status == Subscriber.Status.CONFIRMED else None,
            "unsubscribed_at": now if status == Subscriber.Status.UNSUBSCRIBED else None,
        })
        for slug in slugs:
            frequency = Subscription.Frequency.WEEKLY if email in _WEEKLY_READERS else Subscription.Frequency.EVERY
            Subscription.objects.get_or_create(subscriber=reader, newsletter=lists[slug], defaults={
                "confirmed_at": now if status != Subscriber.Status.PENDING else None,
                "unsubscribed_at": now if status == Subscriber.Status.UNSUBSCRIBED else None, "frequency": frequency})
