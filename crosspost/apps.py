from django.apps import AppConfig


class CrosspostConfig(AppConfig):
    name = "crosspost"
    verbose_name = "Crosspost"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Site

        from crosspost import checks  # noqa: F401  (registers the checks)
        from crosspost.middleware import sites_forget

        post_save.connect(sites_forget, sender=Site, dispatch_uid="crosspost_sites_forget")
        post_delete.connect(sites_forget, sender=Site, dispatch_uid="crosspost_sites_forget_deleted")
