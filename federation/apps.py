from django.apps import AppConfig


class FederationConfig(AppConfig):
    """ActivityPub actors, inboxes and deliveries; the WebSub hub and our subscriptions."""

    name = "federation"
    verbose_name = "Fediverse"
