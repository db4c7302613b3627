"""The base of every tenant-row factory: the row's organization follows its parent's."""

from __future__ import annotations

from typing import Any, TypeVar

import factory
from django.db import models

T = TypeVar("T", bound=models.Model)


class TenantFactory(factory.django.DjangoModelFactory[T]):
    """A factory for a ``TenantModel``. Sub-factories are built in the same organization
    (``organization=factory.SelfAttribute("..organization")``). Called with a parent row but
    no ``organization`` (``EnrollmentFactory(program=p)``), the row takes the parent's
    organization, so a test never builds a row that straddles two tenants by accident."""

    class Meta:
        abstract = True

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        if "organization" not in params and "organization_id" not in params:
            for value in params.values():
                if isinstance(value, models.Model) and getattr(value, "organization_id", None):
                    params = {**params, "organization": value.organization}
                    break
        return super()._generate(strategy, params)


def same_org(factory_class: type[factory.Factory], **fields: Any) -> factory.SubFactory:
    """A sub-factory built in the organization of the row being built."""
    return factory.SubFactory(
        factory_class, organization=factory.SelfAttribute("..organization"), **fields
    )
