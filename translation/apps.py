from django.apps import AppConfig


class TranslationConfig(AppConfig):
    # Publishing queues translations through newsroom/publishing.py.
    name = "translation"
    verbose_name = "Translation"
