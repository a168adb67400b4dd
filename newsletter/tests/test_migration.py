"""Readers, selections and digests from before lists keep working: they belong to the daily digest."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE, AFTER = ("newsletter", "0003_bounce_policy"), ("newsletter", "0006_lists_required")


@pytest.mark.django_db(transaction=True)
def test_existing_readers_selections_and_digests_move_onto_the_daily_list(make_article):
    article = make_article("Ports reopen")
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    Subscriber = old.get_model("newsletter", "Subscriber")
    now = timezone.now()
    for email, status in [("c@example.org", "confirmed"), ("p@example.org", "pending"),
                          ("u@example.org", "unsubscribed")]:
        Subscriber.objects.create(email=email, email_key=email, status=status,
                                  confirmed_at=now if status != "pending" else None,
                                  unsubscribed_at=now if status == "unsubscribed" else None)
    old.get_model("newsletter", "Selection").objects.create(article_id=article.pk)
    old.get_model("newsletter", "Digest").objects.create(date=now.date(), until=now)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([AFTER])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from newsletter import services
    from newsletter.models import Digest, Selection
    from newsletter.models import Subscriber as Reader

    daily = services.newsletter_default()
    assert daily.slug == "daily"
    assert Selection.objects.get().newsletter == daily and Digest.objects.get().newsletter == daily
    lists = {r.email: {n.slug for n in services.subscriber_lists(subscriber=r)} for r in Reader.objects.all()}
    assert lists == {"c@example.org": {"daily"}, "p@example.org": set(), "u@example.org": set()}
    pending = Reader.objects.get(email="p@example.org")
    services.subscriber_confirm(subscriber=pending)
    assert {n.slug for n in services.subscriber_lists(subscriber=pending)} == {"daily"}, \
        "a sign-up waiting from before lists joins the daily digest when confirmed"
