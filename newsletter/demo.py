"""Demo data: today's newsletter selection and a few readers in different states and languages."""

from __future__ import annotations

from django.utils import timezone

from newsletter.models import Subscriber
from newsletter.services import selection_add
from newsroom.models import ArticlePage

_READERS = [
    ("reader.one@example.org", "Amina", "en", Subscriber.Status.CONFIRMED),
    ("lecteur@example.org", "Lucien", "fr", Subscriber.Status.CONFIRMED),
    ("qari@example.org", "Samir", "ar", Subscriber.Status.CONFIRMED),
    ("waiting@example.org", "", "en", Subscriber.Status.PENDING),
    ("gone@example.org", "", "en", Subscriber.Status.UNSUBSCRIBED),
]


def newsletter_demo_load() -> None:
    """Select the four newest articles for the next digest and add readers. Safe to run twice."""
    for article in ArticlePage.objects.live().order_by("-first_published_at")[:4]:
        selection_add(article=article)
    now = timezone.now()
    for email, name, language, status in _READERS:
        Subscriber.objects.get_or_create(email=email, defaults={
            "name": name, "language": language, "status": status, "source": "import",
            "confirmed_at": now if status == Subscriber.Status.CONFIRMED else None,
            "unsubscribed_at": now if status == Subscriber.Status.UNSUBSCRIBED else None,
        })
