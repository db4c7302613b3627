from django.apps import AppConfig


class InfluencersConfig(AppConfig):
    name = "influencers"
    default_auto_field = "django.db.models.BigAutoField"
