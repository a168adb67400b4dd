from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _grant_editors(sender, **kwargs) -> None:
    # Editors read the audience report and manage partners; newsroom's set-up creates the group first.
    from audience.services import editors_grant_audience_permissions

    editors_grant_audience_permissions()


class AudienceConfig(AppConfig):
    """Counting readers without tracking them: views, reports and the editors' dashboard."""

    name = "audience"
    verbose_name = "Audience"

    def ready(self) -> None:
        post_migrate.connect(_grant_editors, sender=self)
