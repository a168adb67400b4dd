"""The permission to correct translations, given to the groups that already publish."""

from django.db import migrations

CODENAME = "publish_translation"
NAME = "Can correct translations and interface strings (they go live at once)"
# Our Editor group, and Wagtail's own default groups that may publish.
GROUPS = ("Editor", "Editors", "Moderators")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="translation", model="segmenttranslation")
    permission, _ = Permission.objects.get_or_create(content_type=content_type, codename=CODENAME,
                                                     defaults={"name": NAME})
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="translation", codename=CODENAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("translation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="segmenttranslation",
            options={"permissions": [("publish_translation", NAME)]},
        ),
        migrations.RunPython(grant, revoke),
    ]
