from django.db import migrations


def move_media_address(apps, schema_editor):
    # One media address: keep the site settings' public one, filling it from ours where it is empty.
    EngagementSettings = apps.get_model("engagement", "EngagementSettings")
    SiteSettings = apps.get_model("newsroom", "SiteSettings")
    for config in EngagementSettings.objects.exclude(media_email=""):
        site_settings, _ = SiteSettings.objects.get_or_create(site_id=config.site_id)
        if not site_settings.media_inquiries_email:
            site_settings.media_inquiries_email = config.media_email
            site_settings.save(update_fields=["media_inquiries_email"])


class Migration(migrations.Migration):

    dependencies = [
        ("engagement", "0001_initial"),
        ("newsroom", "0002_licence_and_comments"),
    ]

    operations = [
        migrations.RunPython(move_media_address, migrations.RunPython.noop),
        migrations.RemoveField(model_name="engagementsettings", name="media_email"),
    ]
