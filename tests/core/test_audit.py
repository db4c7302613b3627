"""The audit trail is append-only, enforced by the database."""

from __future__ import annotations

import pytest
from django.db import InternalError, ProgrammingError, connection, transaction
from django.db.utils import DatabaseError

from influencer_ops.audit import audit_record
from influencer_ops.models import AuditEvent
from tests.factories import BrandFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    brand = BrandFactory()
    return audit_record(
        organization=brand.organization,
        actor=UserFactory(),
        verb="brand.created",
        target=brand,
        after={"name": brand.name},
    )


def test_the_helper_records_actor_verb_target_and_change(event: AuditEvent) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.verb == "brand.created"
    assert stored.target_type == "organizations.brand"
    assert stored.actor_label.endswith("@example.test")
    assert stored.after == {"name": event.target_label}


def test_the_database_refuses_update(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(verb="tampered")


def test_the_database_refuses_delete(event: AuditEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM influencer_ops_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_errors_are_database_errors() -> None:
    # The trigger raises insufficient_privilege, which psycopg2 maps to ProgrammingError.
    assert issubclass(ProgrammingError, DatabaseError)
    assert issubclass(InternalError, DatabaseError)
