from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """WordPress and Ghost importers, and the redirects that keep their old URLs working."""

    name = "imports"
    verbose_name = "Import"
