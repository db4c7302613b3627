"""Every model of our apps has a factory, and each factory builds a valid row (constraints,
triggers and all) whose tenant rows share one organization."""

from __future__ import annotations

import factory
import pytest
from django.apps import apps
from django.db import models

from tests import factories

OUR_APPS = {
    "accounts",
    "commerce",
    "influencer_ops",
    "influencers",
    "integrations",
    "messaging",
    "organizations",
    "payments",
    "programs",
    "tracking",
}


def _factories() -> dict[type[models.Model], type[factory.django.DjangoModelFactory]]:
    found = {}
    for name in factories.__all__:
        value = getattr(factories, name)
        if (
            isinstance(value, type)
            and issubclass(value, factory.django.DjangoModelFactory)
            and not value._meta.abstract
        ):
            found[value._meta.get_model_class()] = value
    return found


FACTORIES = _factories()
OUR_MODELS = sorted(
    (m for m in apps.get_models() if m._meta.app_label in OUR_APPS), key=lambda m: m._meta.label
)


def test_every_model_of_our_apps_has_a_factory() -> None:
    assert OUR_MODELS
    missing = [m._meta.label for m in OUR_MODELS if m not in FACTORIES]
    assert missing == []


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_each_factory_creates_a_row_in_one_organization(db: None, model: type) -> None:
    row = FACTORIES[model]()
    row.refresh_from_db()
    organization_id = getattr(row, "organization_id", None)
    if organization_id is None:
        return
    for field in model._meta.concrete_fields:
        parent = getattr(row, field.name) if field.is_relation else None
        if parent is not None and getattr(parent, "organization_id", None) is not None:
            assert parent.organization_id == organization_id, field.name


def test_a_row_built_from_a_parent_takes_the_parents_organization(db: None) -> None:
    program = factories.ProgramFactory()
    enrollment = factories.EnrollmentFactory(program=program)
    assert enrollment.organization_id == program.organization_id
    assert enrollment.creator.organization_id == program.organization_id
