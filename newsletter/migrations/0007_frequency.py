"""How often a reader gets a list: every issue (what everyone had so far) or a weekly round-up.

Existing subscriptions stay on every issue and existing digests are issues, keyed by their day.
"""

from django.db import migrations, models


def periods_fill(apps, schema_editor):
    Digest = apps.get_model("newsletter", "Digest")
    for digest in Digest.objects.only("pk", "date").iterator(chunk_size=2000):
        Digest.objects.filter(pk=digest.pk).update(period=digest.date.isoformat())


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0006_lists_required")]
    operations = [
        migrations.AddField(
            model_name="subscription", name="frequency",
            field=models.CharField(choices=[("every", "Every issue"), ("weekly", "One weekly round-up")],
                                   default="every", max_length=10)),
        migrations.AddField(
            model_name="digest", name="kind",
            field=models.CharField(choices=[("issue", "Issue"), ("roundup", "Weekly round-up")], default="issue",
                                   max_length=10)),
        migrations.AddField(
            model_name="digest", name="period",
            field=models.CharField(default="", editable=False, help_text="an issue's day, a round-up's ISO week",
                                   max_length=10),
            preserve_default=False),
        migrations.RunPython(periods_fill, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="digest", name="unique_digest_per_day"),
        migrations.AddConstraint(
            model_name="digest",
            constraint=models.UniqueConstraint(fields=("newsletter", "kind", "period"), name="unique_digest_per_period")),
    ]
