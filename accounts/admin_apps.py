"""``django.contrib.admin`` with the two-factor admin site as ``admin.site`` (kept apart from
``admin_site.py``, which imports models: INSTALLED_APPS loads this before the models are ready)."""

from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.PlatformAdminSite"
