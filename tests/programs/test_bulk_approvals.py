"""Approving several versions at once from the approvals inbox, and through the API: one service
(``content.reviews_bulk_approve``), each version through the one-review service (review,
audit event, closed review task, the creator told), all or none, each refusal with nothing
written."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.urls import reverse

from influencer_ops.audit import AuditVerb
from influencer_ops.models import AuditEvent
from messaging.kinds import TaskKind, TaskState
from messaging.models import Notification, Task
from organizations.roles import Role
from programs.content import services as content
from programs.models import Deliverable, DeliverableState, Review, Submission
from tests.conftest import World
from tests.factories.programs import SubmissionFactory
from tests.programs.test_approvals import waiting
from tests.programs.test_content import launch, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def launched(world: World) -> World:
    return launch(world)


def inbox(slug: str = "northwind") -> str:
    return reverse("approvals_inbox", kwargs={"org_slug": slug})


def api(slug: str = "northwind") -> str:
    return f"/api/v1/orgs/{slug}/submissions/bulk-approve/"


def latest(deliverable: Deliverable) -> Submission:
    return Submission.objects.filter(deliverable=deliverable).order_by("-version")[0]


def snapshot() -> tuple[list[tuple[int, str]], int, int, int]:
    states = list(Deliverable.objects.order_by("pk").values_list("pk", "state"))
    audits = AuditEvent.objects.filter(verb=AuditVerb.SUBMISSION_REVIEWED).count()
    notes = Notification.objects.filter(event_key__startswith="review:").count()
    return states, Review.objects.count(), audits, notes


def two_waiting(world: World) -> list[Submission]:
    """A version submitted through the service (with its review task) and one more."""
    first = submit(world)
    (other,) = waiting(world, 1)
    return [first, latest(other)]


def failing(world: World) -> Submission:
    (deliverable,) = waiting(world, 1)
    version = latest(deliverable)
    Submission.objects.filter(pk=version.pk).update(disclosure_passed=False)
    return version


def foreign_version(world: World) -> Submission:
    return cast(Submission, SubmissionFactory(organization=world.cast.outsider_org))


# --- the page ---


def test_the_approver_ticks_two_versions_and_approves_them_at_once(launched: World) -> None:
    chosen = two_waiting(launched)
    task = Task.objects.get(kind=TaskKind.CONTENT_REVIEW)
    client = launched.cast.client_for(Role.APPROVER)

    page = client.get(inbox()).content.decode()
    for version in chosen:
        assert f'name="submission" value="{version.pk}" form="approve-form"' in page
    response = client.post(
        inbox(), {"submission": [v.pk for v in chosen], "comment": "Lovely"}, follow=True
    )

    assert response.redirect_chain[-1][0] == inbox()
    assert "2 versions approved: each creator has been told." in response.content.decode()
    approver = launched.cast.members[Role.APPROVER].user
    for version in chosen:
        version.deliverable.refresh_from_db()
        assert version.deliverable.state == DeliverableState.APPROVED
        review = Review.objects.get(submission=version)
        assert (review.outcome, review.reviewer_id, review.comment) == (
            Review.Outcome.APPROVED,
            approver.pk,
            "Lovely",
        )
        assert AuditEvent.objects.filter(
            verb=AuditVerb.SUBMISSION_REVIEWED, target_id=str(version.pk), actor=approver
        ).exists()
    task.refresh_from_db()
    assert task.state == TaskState.DONE  # the review task closes as for one decision
    assert Notification.objects.filter(event_key__startswith="review:").count() == 2
    assert "Nothing else awaits you." in response.content.decode()


def test_a_version_failing_disclosure_refuses_the_whole_batch(launched: World) -> None:
    good = two_waiting(launched)
    bad = failing(launched)
    before = snapshot()
    client = launched.cast.client_for(Role.APPROVER)
    ids = [good[0].pk, bad.pk, good[1].pk]
    response = client.post(inbox(), {"submission": ids})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was approved: 1 of the chosen versions needs its own review." in html
    assert "the disclosure check failed" in html
    assert f'value="{good[0].pk}" form="approve-form" aria-label' in html
    assert f'value="{good[0].pk}" form="approve-form"' in html and " checked>" in html
    assert snapshot() == before
    # The failing one is never offered a checkbox: it needs its own review.
    assert f'name="submission" value="{bad.pk}"' not in client.get(inbox()).content.decode()


def test_nothing_ticked_is_a_400_with_a_message(launched: World) -> None:
    two_waiting(launched)
    before = snapshot()
    response = launched.cast.client_for(Role.APPROVER).post(inbox(), {})
    assert response.status_code == 400
    assert "Tick at least one version to approve." in response.content.decode()
    assert snapshot() == before


def test_another_orgs_version_is_a_404_and_nothing_is_written(launched: World) -> None:
    chosen = two_waiting(launched)
    foreign = foreign_version(launched)
    before = snapshot()
    client = launched.cast.client_for(Role.APPROVER)
    response = client.post(inbox(), {"submission": [chosen[0].pk, foreign.pk]})
    assert response.status_code == 404
    assert client.post(inbox(), {"submission": ["x1"]}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.ISM, Role.BSM, Role.ANALYST])
def test_a_role_that_does_not_approve_is_refused(launched: World, role: str) -> None:
    chosen = two_waiting(launched)
    before = snapshot()
    response = launched.cast.client_for(role).post(inbox(), {"submission": [chosen[0].pk]})
    assert response.status_code == 403
    assert snapshot() == before


def test_a_version_decided_meanwhile_rolls_the_others_back(launched: World) -> None:
    chosen = two_waiting(launched)
    content.review_create(
        submission=chosen[1],
        membership=launched.cast.members[Role.APPROVER],
        outcome=Review.Outcome.CHANGES_REQUESTED,
        comment="Shorter please",
    )
    before = snapshot()
    client = launched.cast.client_for(Role.APPROVER)
    response = client.post(inbox(), {"submission": [v.pk for v in chosen]})
    assert response.status_code == 409
    assert "Only the latest version of a submitted deliverable" in response.content.decode()
    assert snapshot() == before


# --- the API ---


def post(world: World, role: str, body: Any, slug: str = "northwind") -> Any:
    client = world.cast.client_for(role)
    return client.post(api(slug), body, content_type="application/json")


def test_the_api_approves_several_versions_with_the_same_service(launched: World) -> None:
    chosen = two_waiting(launched)
    response = post(launched, Role.APPROVER, {"submissions": [v.pk for v in chosen]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert sorted(body["submissions"]) == sorted(v.pk for v in chosen)
    assert {r["outcome"] for r in body["reviews"]} == {"approved"}
    assert Review.objects.filter(outcome=Review.Outcome.APPROVED).count() == 2


@pytest.mark.parametrize(
    ("case", "status"),
    [("empty", 400), ("failing", 400), ("foreign", 404), ("ism", 403), ("unknown-field", 400)],
)
def test_the_api_refuses_and_writes_nothing(launched: World, case: str, status: int) -> None:
    chosen = two_waiting(launched)
    ids = [v.pk for v in chosen]
    role = Role.APPROVER
    body: dict[str, Any] = {"submissions": ids}
    if case == "empty":
        body = {"submissions": []}
    elif case == "failing":
        body = {"submissions": [*ids, failing(launched).pk]}
    elif case == "foreign":
        body = {"submissions": [*ids, foreign_version(launched).pk]}
    elif case == "ism":
        role = Role.ISM
    else:
        body["outcome"] = "approved"
    before = snapshot()
    response = post(launched, role, body)
    assert response.status_code == status, response.content
    if case == "failing":
        assert len(response.json()["refusals"]) == 1
    assert snapshot() == before


def test_the_bulk_approval_is_in_the_schema(launched: World) -> None:
    client = launched.cast.client_for(Role.APPROVER)
    schema = client.get("/api/schema/").content.decode()
    assert "/submissions/bulk-approve/" in schema
