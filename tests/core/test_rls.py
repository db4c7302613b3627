"""The database wall: row-level security on every tenant table, and a role it applies to."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from influencer_ops.rls import policy_name, table_rls_state, tenant_models
from influencer_ops.tenancy import db_scope
from organizations.models import Brand, Membership
from tests.factories import BrandFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_table_with_an_organization_column_has_forced_rls_and_its_policy() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'organization_id'"
        )
        tables_with_org_column = {row[0] for row in cursor.fetchall()}
        # Partitions (raw clicks by day) carry their parent's policy, checked below.
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relispartition AND c.relkind = 'r'"
        )
        partitions = {row[0] for row in cursor.fetchall()}
    tables_with_org_column -= partitions
    model_tables = {m._meta.db_table: m for m in tenant_models()}
    parents = {
        partition: next(m for t, m in model_tables.items() if partition.startswith(f"{t}_"))
        for partition in partitions
    }
    for partition, model in parents.items():
        enabled, forced, policies = table_rls_state(partition)
        assert enabled and forced and policies == [policy_name(model)], partition
    # Every table with the column is a known tenant model, and vice versa.
    assert tables_with_org_column == set(model_tables)
    assert len(model_tables) >= 6
    for table, model in model_tables.items():
        enabled, forced, policies = table_rls_state(table)
        assert enabled, f"{table}: RLS not enabled"
        assert forced, f"{table}: RLS not forced"
        assert policy_name(model) in policies, f"{table}: policy missing"


def test_the_app_role_is_neither_superuser_nor_bypassrls() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        rolsuper, rolbypassrls = cursor.fetchone()
    assert rolsuper is False
    assert rolbypassrls is False


def _raw_count(sql: str, params: list[object]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def test_a_raw_unscoped_query_under_org_a_returns_none_of_org_bs_rows() -> None:
    org_a, org_b = OrganizationFactory(), OrganizationFactory()
    BrandFactory(organization=org_a)
    BrandFactory.create_batch(3, organization=org_b)
    with db_scope(org_ids=[org_a.pk]):
        # No WHERE clause at all: the policy alone keeps org B out.
        assert _raw_count("SELECT count(*) FROM organizations_brand", []) == 1
        assert (
            _raw_count(
                "SELECT count(*) FROM organizations_brand WHERE organization_id = %s", [org_b.pk]
            )
            == 0
        )
        assert Brand.objects.filter(organization=org_b).count() == 0
        assert (
            _raw_count(
                "SELECT count(*) FROM influencer_ops_auditevent WHERE organization_id = %s",
                [org_b.pk],
            )
            == 0
        )


def test_outside_any_scope_tenant_tables_look_empty() -> None:
    BrandFactory()
    with db_scope():
        assert _raw_count("SELECT count(*) FROM organizations_brand", []) == 0


def test_writing_a_row_for_another_org_is_refused_by_the_database() -> None:
    org_a, org_b = OrganizationFactory(), OrganizationFactory()
    with (
        db_scope(org_ids=[org_a.pk]),
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
    ):
        Brand.objects.create(organization=org_b, name="Sneaky", slug="sneaky")


def test_moving_a_row_to_another_org_is_refused() -> None:
    org_a, org_b = OrganizationFactory(), OrganizationFactory()
    brand = BrandFactory(organization=org_a)
    with db_scope(org_ids=[org_a.pk]), pytest.raises(ProgrammingError), transaction.atomic():
        Brand.objects.filter(pk=brand.pk).update(organization=org_b)


def test_a_user_sees_their_own_memberships_in_every_org_but_no_one_elses() -> None:
    user, stranger = UserFactory(), UserFactory()
    org_a, org_b = OrganizationFactory(), OrganizationFactory()
    Membership.objects.create(organization=org_a, user=user, role="admin")
    Membership.objects.create(organization=org_b, user=user, role="ism")
    Membership.objects.create(organization=org_b, user=stranger, role="admin")
    with db_scope(user_id=user.pk):
        visible = set(Membership.objects.values_list("user_id", "organization_id"))
    assert visible == {(user.pk, org_a.pk), (user.pk, org_b.pk)}


def test_db_scope_restores_the_previous_scope() -> None:
    org_a, org_b = OrganizationFactory(), OrganizationFactory()
    BrandFactory(organization=org_a)
    BrandFactory(organization=org_b)
    with db_scope(org_ids=[org_a.pk]):
        with db_scope(org_ids=[org_b.pk]):
            assert list(Brand.objects.values_list("organization_id", flat=True)) == [org_b.pk]
        assert list(Brand.objects.values_list("organization_id", flat=True)) == [org_a.pk]


def test_unique_constraints_still_hold_across_the_wall() -> None:
    org = OrganizationFactory()
    BrandFactory(organization=org, slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        BrandFactory(organization=org, slug="same")


@pytest.mark.django_db(transaction=True)
def test_the_scope_ends_with_the_transaction_so_nothing_leaks_to_the_next() -> None:
    from influencer_ops.tenancy import dangerously_unscoped

    with dangerously_unscoped():
        org = OrganizationFactory()
        BrandFactory(organization=org)
    with db_scope(org_ids=[org.pk]):
        assert Brand.objects.count() == 1
    # A new transaction on the same connection starts with no org at all.
    with transaction.atomic():
        assert Brand.objects.count() == 0
    assert Brand.objects.count() == 0  # autocommit, no scope
