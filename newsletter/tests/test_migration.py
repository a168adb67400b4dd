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


@pytest.mark.django_db(transaction=True)
def test_existing_subscriptions_stay_on_every_issue_and_digests_stay_issues_of_their_day():
    before, after = ("newsletter", "0006_lists_required"), ("newsletter", "0007_frequency")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps
    now = timezone.now()
    daily = old.get_model("newsletter", "Newsletter").objects.create(name="Daily digest", slug="daily")
    reader = old.get_model("newsletter", "Subscriber").objects.create(
        email="c@example.org", email_key="c@example.org", status="confirmed", confirmed_at=now)
    old.get_model("newsletter", "Subscription").objects.create(subscriber=reader, newsletter=daily, confirmed_at=now)
    old.get_model("newsletter", "Digest").objects.create(newsletter=daily, date=now.date(), until=now)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([after])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from newsletter import services
    from newsletter.models import Digest, Subscription

    assert Subscription.objects.get().frequency == "every"
    digest = Digest.objects.get()
    assert (digest.kind, digest.period) == ("issue", now.date().isoformat())
    assert services.digest_build(date=now.date(), newsletter=digest.newsletter) == digest, \
        "the day's issue is still found, not built again"
