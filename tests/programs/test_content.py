"""Deliverables and content review: the disclosure check, submissions and versions, reviews,
publishing, the review SLA sweep; pages, API and every refusal."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from influencer_ops.errors import Conflict, DomainError, Forbidden
from influencer_ops.models import AuditEvent
from influencer_ops.tenancy import dangerously_unscoped
from messaging.kinds import TaskKind, TaskState
from messaging.models import Notification, Task
from messaging.services.queue import task_cancel
from organizations.roles import Role
from programs.content import services as content
from programs.content.disclosure import check_disclosure
from programs.content.tasks import review_sla_sweep_all
from programs.deadlines.delivery import deliverables_create_for_enrollment
from programs.models import Deliverable, DeliverableState, Enrollment, Review, Submission
from programs.recruiting import services as recruiting
from programs.states import EnrollmentState
from tests.conftest import World, confirm_and_launch, login_client, make_creator
from tests.factories import member
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

DEFAULT_RULE = "#ad, #sponsored, paid partnership"


# --- the disclosure check (table-driven) ---


@pytest.mark.parametrize(
    ("text", "rule", "matches"),
    [
        ("Loving the serum #ad", DEFAULT_RULE, ["#ad"]),
        ("LOVING IT #AD, truly", DEFAULT_RULE, ["#AD"]),
        ("#ad at the start", DEFAULT_RULE, ["#ad"]),
        ("(#Sponsored)", DEFAULT_RULE, ["#Sponsored"]),
        ("An #adventure awaits", DEFAULT_RULE, []),
        ("Too #bad", DEFAULT_RULE, []),
        ("#ad_campaign", DEFAULT_RULE, []),
        ("This is a Paid   Partnership with Lumen", DEFAULT_RULE, ["Paid   Partnership"]),
        ("paid\npartnership", DEFAULT_RULE, ["paid\npartnership"]),
        ("An unpaid partnership", DEFAULT_RULE, []),
        ("paid partnerships galore", DEFAULT_RULE, []),
        ("#ad then #sponsored then #AD again", DEFAULT_RULE, ["#ad", "#sponsored", "#AD"]),
        ("#ad and #ad", DEFAULT_RULE, ["#ad"]),
        ("", DEFAULT_RULE, []),
        ("Werbung: the serum", "#partner, Werbung", ["Werbung"]),
        ("#partnership", "#partner, Werbung", []),
        ("Thanks #ad", "", ["#ad"]),  # an empty rule falls back to the default
    ],
)
def test_disclosure_check(text: str, rule: str, matches: list[str]) -> None:
    result = check_disclosure(text, rule)
    assert result.matches == matches
    assert result.passed is bool(matches)


def test_disclosure_check_lists_the_required_terms() -> None:
    result = check_disclosure("nothing here", " #ad,, #Sponsored ,paid   partnership, #AD")
    assert result.required == ["#ad", "#Sponsored", "paid partnership"]
    assert not result.passed


# --- helpers ---


@pytest.fixture
def launched(world: World) -> World:
    return launch(world)


def launch(world: World) -> World:
    confirm_and_launch(world)
    if not Deliverable.objects.filter(enrollment=world.enrollment).exists():
        # The bare moves of confirm_and_launch accept no terms, so launch made no deliverables.
        world.enrollment.terms_version = recruiting.latest_terms(world.enrollment)
        world.enrollment.save(update_fields=["terms_version"])
        deliverables_create_for_enrollment(
            enrollment=world.enrollment, launch_on=world.program.launch_on
        )
    return world


def the_deliverable(world: World) -> Deliverable:
    return Deliverable.objects.filter(enrollment=world.enrollment).order_by("pk")[0]


def submit(world: World, caption: str = "My spring routine #ad", **kwargs: Any) -> Submission:
    return content.submission_create(
        deliverable=the_deliverable(world), user=world.creator.user, caption=caption, **kwargs
    )


def make_advisory(world: World) -> World:
    """The program's disclosure check only advises: failing versions go to review flagged."""
    world.program.disclosure_advisory = True
    world.program.save(update_fields=["disclosure_advisory"])
    return world


def review(world: World, submission: Submission, outcome: str, **kwargs: Any) -> Review:
    kwargs.setdefault("comment", "Thanks!")
    return content.review_create(
        submission=submission,
        membership=world.cast.members[Role.APPROVER],
        outcome=outcome,
        **kwargs,
    )


def page(name: str, slug: str = "northwind", **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": slug, **kwargs})


def api(path: str, slug: str = "northwind") -> str:
    return f"/api/v1/orgs/{slug}/{path}"


def review_tasks(world: World) -> list[Task]:
    return list(
        Task.objects.filter(organization=world.cast.org, kind=TaskKind.CONTENT_REVIEW).order_by(
            "pk"
        )
    )


def activate_other_creator(world: World) -> Deliverable:
    """Give the other creator an active place and a deliverable of their own."""
    admin = world.cast.members[Role.ADMIN].user
    for state in ("accepted", "confirmed", "active"):
        recruiting.enrollment_move(enrollment=world.other_enrollment, target=state, actor=admin)
    deliverable = the_deliverable(world)
    return Deliverable.objects.create(
        organization=world.cast.org,
        enrollment=world.other_enrollment,
        program=world.program,
        number=1,
        kind="post",
        platform="instagram",
        due_on=deliverable.due_on,
        original_due_on=deliverable.due_on,
    )


# --- the state machine ---


def test_the_deliverable_state_machine_refuses_illegal_moves(launched: World) -> None:
    deliverable = the_deliverable(launched)
    with pytest.raises(Conflict):
        content.deliverable_move(deliverable, DeliverableState.APPROVED)
    content.deliverable_move(deliverable, DeliverableState.SUBMITTED)
    content.deliverable_move(deliverable, DeliverableState.CHANGES_REQUESTED)
    content.deliverable_move(deliverable, DeliverableState.SUBMITTED)
    content.deliverable_move(deliverable, DeliverableState.APPROVED)
    with pytest.raises(Conflict):
        content.deliverable_move(deliverable, DeliverableState.CANCELLED)
    content.deliverable_move(deliverable, DeliverableState.PUBLISHED)
    with pytest.raises(Conflict):
        content.deliverable_move(deliverable, DeliverableState.SUBMITTED)


# --- submissions ---


def test_a_submission_is_a_new_version_with_its_disclosure_result(launched: World) -> None:
    submission = submit(
        launched,
        caption="  Glow all spring #AD  ",
        links=["https://drive.example.test/draft", "  "],
        media_url="https://cdn.example.test/v.mp4",
    )
    assert submission.version == 1
    assert submission.caption == "Glow all spring #AD"
    assert submission.links == ["https://drive.example.test/draft"]
    assert submission.disclosure_passed is True
    assert submission.disclosure_matches == ["#AD"]
    assert the_deliverable(launched).state == DeliverableState.SUBMITTED
    event = AuditEvent.objects.get(verb="submission.created")
    assert event.actor == launched.creator.user
    assert event.after["disclosure_passed"] is True


def test_versions_are_kept(launched: World) -> None:
    make_advisory(launched)
    first = submit(launched, caption="First try")
    review(launched, first, Review.Outcome.CHANGES_REQUESTED, comment="Add #ad please.")
    assert the_deliverable(launched).state == DeliverableState.CHANGES_REQUESTED
    second = submit(launched, caption="Second try #ad")
    assert second.version == 2
    assert list(
        Submission.objects.filter(deliverable=the_deliverable(launched)).values_list(
            "version", "disclosure_passed"
        )
    ) == [(1, False), (2, True)]
    response = launched.creator_client().get(
        reverse("portal_deliverable", kwargs={"pk": the_deliverable(launched).pk})
    )
    body = response.content.decode()
    assert "Version 1" in body and "Version 2 (latest)" in body
    assert "Add #ad please." in body


def test_an_empty_submission_is_refused(launched: World) -> None:
    with pytest.raises(DomainError) as refused:
        submit(launched, caption="   ", links=[" "], media_url="")
    assert refused.value.status_code == 400
    deliverable = the_deliverable(launched)
    response = launched.creator_client().post(
        reverse("portal_deliverable", kwargs={"pk": deliverable.pk}),
        {"action": "submit", "caption": "", "links": "", "media_url": ""},
    )
    assert response.status_code == 400
    assert "the submission is empty" in response.content.decode()
    response = launched.creator_client().post(
        f"/api/v1/me/deliverables/{deliverable.pk}/submit/", {}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Submission.objects.exists()
    assert the_deliverable(launched).state == DeliverableState.PENDING


@pytest.mark.parametrize(
    ("links", "media_url"),
    [
        (["javascript:alert(1)"], ""),
        (["ftp://files.example.test/a"], ""),
        ([f"https://example.test/{n}" for n in range(11)], ""),
        ([], "not a url"),
    ],
)
def test_links_must_be_web_addresses(launched: World, links: list[str], media_url: str) -> None:
    with pytest.raises(DomainError) as refused:
        submit(launched, caption="#ad", links=links, media_url=media_url)
    assert refused.value.status_code == 400
    assert not Submission.objects.exists()


def test_a_new_version_may_replace_one_awaiting_review_but_not_an_approved_one(
    launched: World,
) -> None:
    first = submit(launched)
    second = submit(launched, caption="Again, better #ad")
    assert (first.version, second.version) == (1, 2)
    review = content.review_create(
        submission=second, membership=launched.cast.members[Role.APPROVER], outcome="approved"
    )
    assert review.submission == second
    with pytest.raises(Conflict):
        submit(launched, caption="After approval #ad")
    assert Submission.objects.count() == 2


def test_submitting_to_someone_elses_deliverable_is_404(launched: World) -> None:
    theirs = activate_other_creator(launched)
    mine = the_deliverable(launched)
    with pytest.raises(DomainError) as refused:
        content.submission_create(
            deliverable=theirs, user=launched.creator.user, caption="Sneaky #ad"
        )
    assert refused.value.status_code == 404
    client = launched.creator_client()
    url = reverse("portal_deliverable", kwargs={"pk": theirs.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "submit", "caption": "Sneaky #ad"}).status_code == 404
    assert client.get(f"/api/v1/me/deliverables/{theirs.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/me/deliverables/{theirs.pk}/submit/",
        {"caption": "Sneaky #ad"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Submission.objects.exists()
    listed = client.get("/api/v1/me/deliverables/").json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]


def test_submitting_after_termination_is_409(launched: World) -> None:
    admin = launched.cast.members[Role.ADMIN].user
    recruiting.enrollment_move(
        enrollment=launched.enrollment, target=EnrollmentState.TERMINATED, actor=admin
    )
    with pytest.raises(Conflict):
        submit(launched)
    deliverable = the_deliverable(launched)
    client = launched.creator_client()
    response = client.post(
        reverse("portal_deliverable", kwargs={"pk": deliverable.pk}),
        {"action": "submit", "caption": "Late #ad"},
    )
    assert response.status_code == 409
    response = client.post(
        f"/api/v1/me/deliverables/{deliverable.pk}/submit/",
        {"caption": "Late #ad"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert not Submission.objects.exists()


def test_the_review_task_opens_once_and_closes_on_review(launched: World) -> None:
    launched.program.review_sla_days = 2
    launched.program.save()
    first = submit(launched)
    (task,) = review_tasks(launched)
    assert task.state == TaskState.OPEN
    assert task.owner_role == "approver"  # the approvers' queue, not the BSM
    assert task.dedupe_key == f"review:{the_deliverable(launched).pk}"
    assert task.assignee is None
    assert timedelta(days=2) - (task.due_at - first.created_at) < timedelta(minutes=1)
    review(launched, first, Review.Outcome.CHANGES_REQUESTED, comment="Brighter light.")
    task.refresh_from_db()
    assert task.state == TaskState.DONE
    submit(launched, caption="Brighter #ad")
    tasks = review_tasks(launched)
    assert [t.state for t in tasks] == [TaskState.DONE, TaskState.OPEN]


def test_approvers_hear_of_a_submission_and_the_creator_of_the_review(launched: World) -> None:
    submission = submit(launched)
    approver = launched.cast.members[Role.APPROVER].user
    assert Notification.objects.filter(
        recipient=approver, event_key=f"submission:{submission.pk}:created"
    ).exists()
    review(
        launched,
        submission,
        Review.Outcome.CHANGES_REQUESTED,
        comment="Please show the bottle.",
        internal_note="Brand is nervous about this creator.",
    )
    note = Notification.objects.get(
        recipient=launched.creator.user, event_key__startswith="review:"
    )
    assert "Please show the bottle." in note.body
    assert "nervous" not in note.body + note.title


# --- reviews ---


def test_a_failing_disclosure_check_blocks_approval_without_an_override_reason(
    launched: World,
) -> None:
    make_advisory(launched)
    submission = submit(launched, caption="Loving my #adventure")
    assert submission.disclosure_passed is False
    for outcome in (Review.Outcome.APPROVED, Review.Outcome.APPROVED_WITH_CORRECTIONS):
        with pytest.raises(DomainError):
            review(launched, submission, outcome)
    assert the_deliverable(launched).state == DeliverableState.SUBMITTED
    done = review(
        launched,
        submission,
        Review.Outcome.APPROVED,
        override_reason="Disclosed in the video itself.",
    )
    assert done.override_reason == "Disclosed in the video itself."
    assert the_deliverable(launched).state == DeliverableState.APPROVED
    assert the_deliverable(launched).approved_at is not None


def test_the_review_page_asks_for_an_override_reason_when_the_check_failed(
    launched: World,
) -> None:
    make_advisory(launched)
    submission = submit(launched, caption="No disclosure here")
    client = launched.cast.client_for(Role.APPROVER)
    url = page("content_deliverable", pk=the_deliverable(launched).pk)
    body = client.get(url).content.decode()
    assert "Disclosure: failed" in body
    assert 'name="override_reason"' in body
    data = {"submission": submission.pk, "outcome": "approved", "comment": ""}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "give a reason to approve anyway" in response.content.decode()
    response = client.post(url, {**data, "override_reason": "Verbal disclosure in video."})
    assert response.status_code == 302
    assert the_deliverable(launched).state == DeliverableState.APPROVED


def test_approved_with_corrections_needs_no_new_review(launched: World) -> None:
    submission = submit(launched)
    review(
        launched,
        submission,
        Review.Outcome.APPROVED_WITH_CORRECTIONS,
        comment="Fix the typo “LUMEN” before posting.",
    )
    deliverable = the_deliverable(launched)
    assert deliverable.state == DeliverableState.APPROVED
    with pytest.raises(Conflict):
        submit(launched, caption="Fixed #ad")
    content.deliverable_publish(
        deliverable=deliverable,
        user=launched.creator.user,
        live_url="https://instagram.example.test/p/1",
        caption="Fixed LUMEN #ad",
    )
    assert the_deliverable(launched).state == DeliverableState.PUBLISHED
    assert Review.objects.count() == 1


def test_only_the_latest_version_of_a_submitted_deliverable_can_be_reviewed(
    launched: World,
) -> None:
    first = submit(launched)
    review(launched, first, Review.Outcome.CHANGES_REQUESTED, comment="More light.")
    with pytest.raises(Conflict):
        review(launched, first, Review.Outcome.APPROVED)
    submit(launched, caption="Brighter #ad")
    response = launched.cast.client_for(Role.APPROVER).post(
        api(f"submissions/{first.pk}/review/"),
        {"outcome": "approved"},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_changes_requested_needs_a_comment_for_the_creator(launched: World) -> None:
    submission = submit(launched)
    with pytest.raises(DomainError):
        review(launched, submission, Review.Outcome.CHANGES_REQUESTED, comment=" ")


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ISM, Role.BSM])
def test_a_reviewer_without_the_approver_role_gets_403(launched: World, role: str) -> None:
    submission = submit(launched)
    client = launched.cast.client_for(role)
    url = page("content_deliverable", pk=the_deliverable(launched).pk)
    response = client.get(url)
    assert response.status_code == 200  # they cover the brand: they may look
    assert "Save the review" not in response.content.decode()
    data = {"submission": submission.pk, "outcome": "approved", "comment": "ok"}
    assert client.post(url, data).status_code == 403
    body = {key: value for key, value in data.items() if key != "submission"}  # in the path
    response = client.post(
        api(f"submissions/{submission.pk}/review/"), body, content_type="application/json"
    )
    assert response.status_code == 403
    with pytest.raises(Forbidden):
        content.review_create(
            submission=submission,
            membership=launched.cast.members[role],
            outcome=Review.Outcome.APPROVED,
        )
    assert not Review.objects.exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.BRAND_MANAGER, Role.APPROVER])
def test_those_who_may_approve_can_review(launched: World, role: str) -> None:
    submission = submit(launched)
    response = launched.cast.client_for(role).post(
        api(f"submissions/{submission.pk}/review/"),
        {"outcome": "approved", "comment": "Lovely.", "internal_note": "Best so far."},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["internal_note"] == "Best so far."
    assert the_deliverable(launched).state == DeliverableState.APPROVED


def test_an_approver_of_another_brand_gets_404(launched: World) -> None:
    submission = submit(launched)
    elsewhere = member(
        launched.cast.org,
        Role.APPROVER,
        brands=[launched.cast.other_brand],
        email="trail-approver@northwind.test",
    )
    client = login_client(elsewhere.user)
    deliverable = the_deliverable(launched)
    url = page("content_deliverable", pk=deliverable.pk)
    assert client.get(url).status_code == 404
    data = {"submission": submission.pk, "outcome": "approved", "comment": "ok"}
    assert client.post(url, data).status_code == 404
    assert client.get(page("program_content", pk=launched.program.pk)).status_code == 404
    assert client.get(api(f"deliverables/{deliverable.pk}/")).status_code == 404
    assert client.get(api(f"submissions/{submission.pk}/")).status_code == 404
    response = client.post(
        api(f"submissions/{submission.pk}/review/"), data, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.get(api("deliverables/")).json()["results"] == []
    with pytest.raises(Forbidden):
        content.review_create(submission=submission, membership=elsewhere, outcome="approved")
    assert not Review.objects.exists()


def test_an_outsider_gets_404(launched: World) -> None:
    submission = submit(launched)
    deliverable = the_deliverable(launched)
    client = login_client(launched.cast.outsider.user)
    for slug in ("northwind", "acme"):
        assert client.get(page("content_deliverable", slug, pk=deliverable.pk)).status_code == 404
        assert client.get(page("program_content", slug, pk=launched.program.pk)).status_code == 404
        assert client.get(api(f"deliverables/{deliverable.pk}/", slug)).status_code == 404
        response = client.post(
            api(f"submissions/{submission.pk}/review/", slug),
            {"outcome": "approved", "comment": "ok"},
            content_type="application/json",
        )
        assert response.status_code == 404
    with pytest.raises(DomainError) as refused:
        content.review_create(
            submission=submission, membership=launched.cast.outsider, outcome="approved"
        )
    assert refused.value.status_code == 404


# --- publishing ---


def test_publish_records_the_live_url_and_checks_the_published_caption(launched: World) -> None:
    submission = submit(launched)
    deliverable = the_deliverable(launched)
    url = reverse("portal_deliverable", kwargs={"pk": deliverable.pk})
    client = launched.creator_client()
    live = {"action": "publish", "live_url": "https://instagram.example.test/p/9", "caption": ""}
    assert client.post(url, live).status_code == 409  # not approved yet
    review(launched, submission, Review.Outcome.APPROVED)
    assert "record the live URL" in client.get(url).content.decode()
    assert client.post(url, {**live, "live_url": "javascript:alert(1)"}).status_code == 400
    response = client.post(url, {**live, "caption": "Out now, no tag"})
    assert response.status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.state == DeliverableState.PUBLISHED
    assert deliverable.live_url == "https://instagram.example.test/p/9"
    assert deliverable.published_at is not None
    # A failing published check is recorded and shown, not blocking.
    assert deliverable.published_disclosure_passed is False
    assert deliverable.published_disclosure_matches == []
    assert "Disclosure: failed" in client.get(url).content.decode()
    assert AuditEvent.objects.filter(verb="deliverable.published").exists()
    staff = launched.cast.client_for(Role.APPROVER)
    body = staff.get(page("content_deliverable", pk=deliverable.pk)).content.decode()
    assert "https://instagram.example.test/p/9" in body


def test_publish_through_the_api(launched: World) -> None:
    review(launched, submit(launched), Review.Outcome.APPROVED)
    deliverable = the_deliverable(launched)
    response = launched.creator_client().post(
        f"/api/v1/me/deliverables/{deliverable.pk}/publish/",
        {"live_url": "https://blog.example.test/spring", "caption": "Paid partnership with Lumen"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == "published"
    assert data["published_disclosure_matches"] == ["Paid partnership"]


# --- the review SLA sweep ---


def test_the_sla_sweep_opens_the_task_and_auto_approves_once(launched: World) -> None:
    launched.program.review_sla_days = 2
    launched.program.auto_approve_after_days = 5
    launched.program.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submission = submit(launched)
    (task,) = review_tasks(launched)
    task_cancel(task=task, actor=None, reason="Closed by mistake.")
    org = launched.cast.org
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert content.review_sla_sweep(organization=org).tasks_opened == 0
    with time_machine.travel(start + timedelta(days=3), tick=False):
        assert content.review_sla_sweep(organization=org) == content.SweepResult(1, 0)
        assert content.review_sla_sweep(organization=org) == content.SweepResult(0, 0)
    assert [t.state for t in review_tasks(launched)] == [TaskState.CANCELLED, TaskState.OPEN]
    with time_machine.travel(start + timedelta(days=6), tick=False):
        assert content.review_sla_sweep(organization=org) == content.SweepResult(0, 1)
        assert content.review_sla_sweep(organization=org) == content.SweepResult(0, 0)
    deliverable = the_deliverable(launched)
    assert deliverable.state == DeliverableState.APPROVED
    (auto,) = Review.objects.all()
    assert auto.submission == submission
    assert auto.reviewer is None
    (event,) = AuditEvent.objects.filter(verb="submission.auto_approved")
    assert event.actor is None and event.actor_label == "system"
    assert "automatically" in event.after["reason"]
    assert [t.state for t in review_tasks(launched)] == [TaskState.CANCELLED, TaskState.DONE]
    assert (
        Notification.objects.filter(recipient=launched.creator.user)
        .filter(event_key=f"review:{auto.pk}")
        .exists()
    )


def test_the_sla_sweep_never_auto_approves_a_failed_disclosure(launched: World) -> None:
    make_advisory(launched)
    launched.program.auto_approve_after_days = 1
    launched.program.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit(launched, caption="No tag at all")
    with time_machine.travel(start + timedelta(days=10), tick=False):
        result = content.review_sla_sweep(organization=launched.cast.org)
    assert result.auto_approved == 0
    assert the_deliverable(launched).state == DeliverableState.SUBMITTED
    assert len(review_tasks(launched)) == 1  # the open one from the submission


def test_the_sweep_task_runs_each_org_in_its_scope(launched: World) -> None:
    launched.program.auto_approve_after_days = 1
    launched.program.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit(launched)
    with time_machine.travel(start + timedelta(days=4), tick=False):
        assert review_sla_sweep_all() == {"tasks_opened": 0, "auto_approved": 1}
        assert review_sla_sweep_all() == {"tasks_opened": 0, "auto_approved": 0}


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_auto_approve_each_submission_exactly_once(
    cast_and_world_unscoped: World,
) -> None:
    world = cast_and_world_unscoped
    with dangerously_unscoped():
        launch(world)
        world.program.auto_approve_after_days = 2
        world.program.save()
        submit(world)
        add_creators_with_deliverables(world, 40, 0, every=1)
        Submission.objects.update(created_at=timezone.now() - timedelta(days=3))
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            results.append(review_sla_sweep_all())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=sweep) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors
    assert sum(r["auto_approved"] for r in results) == 41
    with dangerously_unscoped():
        assert Review.objects.filter(reviewer__isnull=True).count() == 41
        assert AuditEvent.objects.filter(verb="submission.auto_approved").count() == 41
        assert not Deliverable.objects.filter(state=DeliverableState.SUBMITTED).exists()


# --- pages and API: what each side sees ---


def test_the_portal_shows_versions_results_and_comments_but_no_internal_notes(
    launched: World,
) -> None:
    submission = submit(launched, caption="Glow #Sponsored")
    review(
        launched,
        submission,
        Review.Outcome.CHANGES_REQUESTED,
        comment="Show the bottle.",
        internal_note="SECRET-NOTE",
    )
    client = launched.creator_client()
    body = client.get(reverse("portal_deliverables")).content.decode()
    assert "Changes requested" in body and "Passed" in body
    detail = reverse("portal_deliverable", kwargs={"pk": the_deliverable(launched).pk})
    body = client.get(detail).content.decode()
    assert "Disclosure: passed" in body and "“#Sponsored”" in body
    assert "Show the bottle." in body
    assert "SECRET-NOTE" not in body
    assert "Send a new version" in body
    data = client.get(f"/api/v1/me/deliverables/{the_deliverable(launched).pk}/").json()
    assert data["versions"][0]["reviews"][0]["comment"] == "Show the bottle."
    assert "SECRET-NOTE" not in str(data)
    staff = launched.cast.client_for(Role.ANALYST)
    body = staff.get(page("content_deliverable", pk=the_deliverable(launched).pk)).content
    assert b"SECRET-NOTE" in body


def test_staff_cannot_use_the_portal(launched: World) -> None:
    client = launched.cast.client_for(Role.APPROVER)
    assert client.get(reverse("portal_deliverables")).status_code == 403
    assert client.get("/api/v1/me/deliverables/").status_code == 403


def test_the_content_status_page_counts_by_state(launched: World) -> None:
    make_advisory(launched)
    submit(launched, caption="No tag")
    response = launched.cast.client_for(Role.APPROVER).get(
        page("program_content", pk=launched.program.pk)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<strong>1</strong> submitted" in body
    assert "Failed" in body and "Cara Creator" in body


def test_the_deliverables_api_filters_and_shows_versions(launched: World) -> None:
    submission = submit(launched)
    review(launched, submission, Review.Outcome.CHANGES_REQUESTED, internal_note="Hmm.")
    client = launched.cast.client_for(Role.BSM)
    program = launched.program.pk
    rows = client.get(api(f"deliverables/?program={program}&state=changes_requested")).json()
    assert [r["latest_version"] for r in rows["results"]] == [1]
    assert client.get(api("deliverables/?state=approved")).json()["results"] == []
    assert client.get(api("deliverables/?state=nonsense")).status_code == 400
    deliverable = the_deliverable(launched)
    data = client.get(api(f"deliverables/{deliverable.pk}/")).json()
    assert data["versions"][0]["reviews"][0]["internal_note"] == "Hmm."
    listed = client.get(api(f"submissions/?deliverable={deliverable.pk}")).json()["results"]
    assert [s["version"] for s in listed] == [1]


def test_the_creator_submits_through_the_api(launched: World) -> None:
    deliverable = the_deliverable(launched)
    response = launched.creator_client().post(
        f"/api/v1/me/deliverables/{deliverable.pk}/submit/",
        {"caption": "Spring #ad", "links": ["https://drive.example.test/x"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["disclosure_matches"] == ["#ad"]
    assert the_deliverable(launched).state == DeliverableState.SUBMITTED


# --- constant query counts ---


def add_creators_with_deliverables(world: World, count: int, start: int, every: int = 2) -> None:
    """Active creators, each with a deliverable; every ``every``-th one submitted."""
    due = the_deliverable(world).due_on
    for n in range(start, start + count):
        creator = make_creator(world.cast.org, f"Extra {n}", f"extra{n}@example.test")
        enrollment = Enrollment.objects.create(
            organization=world.cast.org,
            program=world.program,
            creator=creator,
            state=EnrollmentState.ACTIVE,
        )
        deliverable = Deliverable.objects.create(
            organization=world.cast.org,
            enrollment=enrollment,
            program=world.program,
            kind="post",
            platform="instagram",
            due_on=due,
            original_due_on=due,
        )
        if n % every == 0:
            content.submission_create(deliverable=deliverable, user=creator.user, caption="#ad")


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_content_status_page_has_a_constant_number_of_queries(launched: World) -> None:
    client = launched.cast.client_for(Role.APPROVER)
    url = page("program_content", pk=launched.program.pk)
    add_creators_with_deliverables(launched, 4, 0)
    response = assert_constant_queries(
        lambda: client.get(url), grow=lambda: add_creators_with_deliverables(launched, 45, 4)
    )
    assert response.status_code == 200
    assert Deliverable.objects.filter(program=launched.program).count() == 50
    response = assert_constant_queries(
        lambda: client.get(api("deliverables/?limit=100")),
        grow=lambda: add_creators_with_deliverables(launched, 5, 49),
    )
    assert response.status_code == 200


def test_the_portal_deliverables_list_has_a_constant_number_of_queries(
    launched: World,
) -> None:
    client = launched.creator_client()
    url = reverse("portal_deliverables")
    mine = the_deliverable(launched)

    def add(count: int, start: int) -> None:
        Deliverable.objects.bulk_create(
            Deliverable(
                organization=launched.cast.org,
                enrollment=launched.enrollment,
                program=launched.program,
                number=n,
                kind="story",
                platform="instagram",
                due_on=mine.due_on,
                original_due_on=mine.due_on,
            )
            for n in range(start, start + count)
        )

    submit(launched)
    add(4, 1)
    assert (
        assert_constant_queries(lambda: client.get(url), grow=lambda: add(45, 5)).status_code == 200
    )
    assert Deliverable.objects.filter(enrollment=launched.enrollment).count() == 50
    assert count_queries(client, "/api/v1/me/deliverables/?limit=100") == count_queries(
        client, "/api/v1/me/deliverables/?limit=5"
    )
