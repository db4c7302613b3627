"""The small, ordered set of roles. Capabilities live in ``permissions.py``."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Org admin"
    ISM = "ism", "Influencer success manager"
    BSM = "bsm", "Brand success manager"
    BRAND_MANAGER = "brand_manager", "Brand manager"
    APPROVER = "approver", "Approver"
    ANALYST = "analyst", "Analyst"


# Roles whose membership names the brands it covers (at least one).
BRAND_SCOPED_ROLES = frozenset({Role.BRAND_MANAGER, Role.APPROVER, Role.ANALYST})
# Roles that must use MFA when the org requires it (the default).
MFA_ROLES = frozenset({Role.ADMIN, Role.ISM, Role.BSM})
SUCCESS_ROLES = frozenset({Role.ISM, Role.BSM})
