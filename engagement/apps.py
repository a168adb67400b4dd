from django.apps import AppConfig


def _purge_everything(sender, **kwargs) -> None:
    from engagement.services import pagecache_purge_everything

    pagecache_purge_everything()


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement"

    def ready(self) -> None:
        # Publishing announces to webhooks through newsroom/publishing.py.
        from django.db.models.signals import post_save

        from engagement.models import EngagementSettings

        # Follow-us links show in every page's footer.
        post_save.connect(_purge_everything, sender=EngagementSettings, dispatch_uid="engagement_settings_purge")
