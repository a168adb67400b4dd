from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _grant_editors(sender, **kwargs) -> None:
    # Editors follow feeds as well as repost; newsroom's own set-up creates the group first.
    from ingest.services import editors_grant_feed_permissions

    editors_grant_feed_permissions()


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Reposting"

    def ready(self) -> None:
        post_migrate.connect(_grant_editors, sender=self)
