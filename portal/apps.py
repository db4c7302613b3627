from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The creator's side: the portal home and every /portal/ route, gathered from the features."""

    name = "portal"
    default_auto_field = "django.db.models.BigAutoField"
