from django.apps import AppConfig


class AudienceConfig(AppConfig):
    """Counting readers without tracking them: views, reports and the editors' dashboard."""

    name = "audience"
    verbose_name = "Audience"
