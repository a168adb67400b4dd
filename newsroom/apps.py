from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save


def _ensure_site(sender, **kwargs) -> None:
    # After every migrate (and test database creation) the tree and groups must exist, so a
    # fresh install serves the newsroom's home page rather than Wagtail's welcome page.
    from newsroom.services import groups_ensure, site_ensure_structure

    site_ensure_structure()
    groups_ensure()


def _published(sender, instance, **kwargs) -> None:
    from newsroom.publishing import page_published

    page_published(page=instance)


def _unpublished(sender, instance, **kwargs) -> None:
    from newsroom.publishing import page_unpublished

    page_unpublished(page=instance)


def _purge_all(sender, **kwargs) -> None:
    from crosspost.pagecache import pagecache_purge_all

    transaction.on_commit(pagecache_purge_all)


def _purge_translated_page(sender, page, language, **kwargs) -> None:
    from newsroom.services import pagecache_purge_for_page

    # Every language: the other language pages list this one as an alternate once it exists.
    pagecache_purge_for_page(page)


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from wagtail.models import Page
        from wagtail.signals import page_published, page_slug_changed, page_unpublished

        from newsroom.models import Publication, SiteSettings
        from translation.signals import page_translation_changed

        post_migrate.connect(_ensure_site, sender=self)
        # The publish pipeline (newsroom/publishing.py) is the only receiver of these two.
        page_published.connect(_published, dispatch_uid="publishing_published")
        page_unpublished.connect(_unpublished, dispatch_uid="publishing_unpublished")
        page_slug_changed.connect(_purge_all, dispatch_uid="pagecache_slug_changed")
        post_delete.connect(_purge_all, sender=Page, dispatch_uid="pagecache_deleted")
        for model in (SiteSettings, Publication):
            post_save.connect(_purge_all, sender=model, dispatch_uid=f"pagecache_{model.__name__}")
        page_translation_changed.connect(_purge_translated_page, dispatch_uid="pagecache_translation")
