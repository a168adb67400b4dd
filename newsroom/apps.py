from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_site(sender, **kwargs) -> None:
    # After every migrate (and test database creation) the tree and groups must exist, so a
    # fresh install serves the newsroom's home page rather than Wagtail's welcome page.
    from newsroom.services import groups_ensure, site_ensure_structure

    site_ensure_structure()
    groups_ensure()


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        post_migrate.connect(_ensure_site, sender=self)
