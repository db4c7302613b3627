"""The shared constant-query check fails on a query per row and passes on a bulk read."""

from __future__ import annotations

import pytest

from organizations.models import Brand, Organization
from tests.factories import BrandFactory, OrganizationFactory
from tests.helpers import assert_constant_queries


def _grow() -> None:
    for organization in OrganizationFactory.create_batch(3):
        BrandFactory(organization=organization)


def test_a_query_per_row_fails(db: None) -> None:
    _grow()

    def fetch() -> list[str]:
        return [brand.organization.name for brand in Brand.objects.all()]

    with pytest.raises(AssertionError, match="queries before growing"):
        assert_constant_queries(fetch, grow=_grow)


def test_a_bulk_read_passes_and_returns_the_last_result(db: None) -> None:
    _grow()

    def fetch() -> list[str]:
        return [brand.organization.name for brand in Brand.objects.select_related("organization")]

    names = assert_constant_queries(fetch, grow=_grow)
    assert len(names) == 6 and Organization.objects.count() == 6
