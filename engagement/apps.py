from django.apps import AppConfig


def _announce_published(sender, instance, **kwargs) -> None:
    from engagement.services import webhook_enqueue_for_page

    webhook_enqueue_for_page(page=instance)


def _purge_everything(sender, **kwargs) -> None:
    from engagement.services import pagecache_purge_everything

    pagecache_purge_everything()


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement"

    def ready(self) -> None:
        from django.db.models.signals import post_save
        from wagtail.signals import page_published

        from engagement.models import EngagementSettings

        page_published.connect(_announce_published, dispatch_uid="engagement_webhooks")
        # Follow-us links show in every page's footer.
        post_save.connect(_purge_everything, sender=EngagementSettings, dispatch_uid="engagement_settings_purge")
