from django.apps import AppConfig


class CrosspostConfig(AppConfig):
    name = "crosspost"
    verbose_name = "Crosspost"

    def ready(self) -> None:
        from crosspost import checks  # noqa: F401  (registers the checks)
