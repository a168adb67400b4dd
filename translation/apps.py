from django.apps import AppConfig


def _pretranslate_on_publish(sender, instance, **kwargs) -> None:
    from django.conf import settings

    from translation.services import translation_request_many

    if settings.CROSSPOST_PRETRANSLATE and hasattr(instance, "body_html"):
        translation_request_many(page=instance, languages=settings.CROSSPOST_PRETRANSLATE)


class TranslationConfig(AppConfig):
    name = "translation"
    verbose_name = "Translation"

    def ready(self) -> None:
        from wagtail.signals import page_published

        page_published.connect(_pretranslate_on_publish, dispatch_uid="translation_pretranslate")
