"""The small, ordered set of roles. Capabilities live in ``permissions.py``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Org admin")
    ISM = "ism", _("Influencer success manager")
    BSM = "bsm", _("Brand success manager")
    BRAND_MANAGER = "brand_manager", _("Brand manager")
    APPROVER = "approver", _("Approver")
    ANALYST = "analyst", _("Analyst")


# Roles whose membership names the brands it covers (at least one).
BRAND_SCOPED_ROLES = frozenset({Role.BRAND_MANAGER, Role.APPROVER, Role.ANALYST})
# Roles that must use MFA when the org requires it (the default).
MFA_ROLES = frozenset({Role.ADMIN, Role.ISM, Role.BSM})
SUCCESS_ROLES = frozenset({Role.ISM, Role.BSM})
