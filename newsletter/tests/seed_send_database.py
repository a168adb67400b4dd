"""Seed a scratch database for tests that run `crosspost newsletter send` in subprocesses.

    DATABASE_URL=… python -m newsletter.tests.seed_send_database SUBSCRIBERS DATE

makes one selected article, SUBSCRIBERS confirmed readers and the digest of DATE.
"""

import datetime
import os
import sys


def seed(subscribers: int, date: datetime.date) -> None:
    from wagtail.rich_text import RichText

    from newsletter import services
    from newsletter.models import Subscriber, Subscription
    from newsroom.models import ArticlePage
    from newsroom.services import section_folder, unique_child_slug

    folder = section_folder("articles")
    article = ArticlePage(
        title="Ports reopen",
        slug=unique_child_slug(folder, "Ports reopen"),
        dek="Ships are moving again.",
        body=[("paragraph", RichText("<p>Text.</p>"))],
    )
    folder.add_child(instance=article)
    article.save_revision().publish()
    services.selection_add(article=article)
    Subscriber.objects.bulk_create(
        Subscriber(email=f"r{n}@example.org", email_key=f"r{n}@example.org", status="confirmed")
        for n in range(subscribers)
    )
    daily = services.newsletter_default()
    Subscription.objects.bulk_create(Subscription(subscriber=s, newsletter=daily, confirmed_at=s.created_at)
                                     for s in Subscriber.objects.all())
    services.digest_build(date=date)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspost.settings")
    import django

    django.setup()
    seed(int(sys.argv[1]), datetime.date.fromisoformat(sys.argv[2]))
