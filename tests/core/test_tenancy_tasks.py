"""Celery tasks run inside their org's RLS scope, and the scope ends with the task."""

from __future__ import annotations

import pytest
from django.db import connection

from influencer_ops.tenancy import dangerously_unscoped, org_scoped
from organizations.models import Brand
from tests.factories import BrandFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@org_scoped
def count_brands(org_id: int) -> list[int]:
    # Deliberately unfiltered: only the database wall keeps other orgs out.
    return list(Brand.objects.values_list("organization_id", flat=True))


def test_an_org_scoped_task_sees_only_its_org_and_leaves_no_scope_behind() -> None:
    with dangerously_unscoped():
        org_a, org_b = OrganizationFactory(), OrganizationFactory()
        BrandFactory(organization=org_a)
        BrandFactory.create_batch(2, organization=org_b)
    assert count_brands(org_a.pk) == [org_a.pk]
    assert count_brands(org_id=org_b.pk) == [org_b.pk, org_b.pk]
    # The next unit of work on the same connection starts with nothing visible.
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.org_ids', true)")
        assert cursor.fetchone()[0] in (None, "")
    assert Brand.objects.count() == 0
