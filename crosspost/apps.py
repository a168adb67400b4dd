from django.apps import AppConfig


class CrosspostConfig(AppConfig):
    name = "crosspost"
    verbose_name = "Crosspost"
