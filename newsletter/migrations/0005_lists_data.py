"""Existing readers, selections and digests belong to the daily digest, the one list there was."""

from django.db import migrations


def to_lists(apps, schema_editor):
    Newsletter = apps.get_model("newsletter", "Newsletter")
    Subscriber = apps.get_model("newsletter", "Subscriber")
    Subscription = apps.get_model("newsletter", "Subscription")
    daily, _ = Newsletter.objects.get_or_create(
        slug="daily", defaults={"name": "Daily digest", "description": "A selection of our articles every morning."})
    apps.get_model("newsletter", "Selection").objects.filter(newsletter__isnull=True).update(newsletter=daily)
    apps.get_model("newsletter", "Digest").objects.filter(newsletter__isnull=True).update(newsletter=daily)
    rows = Subscriber.objects.values_list("id", "status", "created_at", "confirmed_at", "unsubscribed_at")
    batch = []
    for pk, status, created_at, confirmed_at, unsubscribed_at in rows.iterator(chunk_size=5000):
        confirmed = confirmed_at or (created_at if status in ("confirmed", "bounced", "complained") else None)
        batch.append(Subscription(
            subscriber_id=pk, newsletter=daily, created_at=created_at,
            confirmed_at=confirmed if status != "pending" else None,
            unsubscribed_at=unsubscribed_at if status == "unsubscribed" else None))
        if len(batch) >= 5000:
            Subscription.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Subscription.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0004_lists")]
    operations = [migrations.RunPython(to_lists, migrations.RunPython.noop)]
