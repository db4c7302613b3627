"""Recruiting: invitations with a terms snapshot, waitlist, accept/decline, confirm, amend,
expiry. Pages, API and every refusal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from influencer_ops.errors import Conflict, DomainError
from influencers.models import Availability
from messaging.kinds import TaskKind, Topic
from messaging.models import Notification, Task
from messaging.services.requests import request_create
from organizations.roles import Role
from programs.models import DeliverableSpec, Enrollment, TermsVersion
from programs.recruiting import services as recruiting
from programs.states import EnrollmentState
from tests.conftest import World, login_client, make_creator

pytestmark = pytest.mark.django_db


def setup_program(world: World, **fields: object) -> None:
    program = world.program
    program.flat_fee = Decimal("500.00")
    program.click_milestone = None
    program.launch_on = date(2027, 3, 1)
    program.end_on = date(2027, 3, 31)
    program.recruit_by = date(2027, 2, 15)
    for key, value in fields.items():
        setattr(program, key, value)
    program.save()
    DeliverableSpec.objects.create(
        organization=program.organization,
        program=program,
        kind="post",
        platform="instagram",
        count=2,
        due_offset_days=7,
    )


def fresh(world: World, name: str, email: str):
    return make_creator(world.cast.org, name, email)


def ism(world: World):
    return world.cast.members[Role.ISM].user


def invite(world: World, *creators, **kwargs):
    return recruiting.enrollment_invite(
        program=world.program, creators=list(creators), actor=ism(world), **kwargs
    )


def test_an_invitation_snapshots_the_terms_and_expires_at_recruit_by(world: World) -> None:
    setup_program(world)
    (enrollment,) = invite(world, fresh(world, "Nia", "nia@example.test"))
    assert enrollment.state == EnrollmentState.INVITED
    terms = TermsVersion.objects.get(enrollment=enrollment)
    assert terms.number == 1
    assert terms.snapshot["fee"] == "500.00"
    assert terms.snapshot["click_milestone"] == 1000  # the creator's own when the program sets none
    assert {
        (d["kind"], d["platform"], d["count"], d["due_on"]) for d in terms.snapshot["deliverables"]
    } >= {("post", "instagram", 2, "2027-03-08")}
    assert enrollment.expires_at.date() == date(2027, 2, 15)
    # The brief changing later does not change what was offered.
    world.program.flat_fee = Decimal("1.00")
    world.program.save()
    terms.refresh_from_db()
    assert terms.snapshot["fee"] == "500.00"
    assert Notification.objects.filter(
        recipient=enrollment.creator.user, kind="invitation"
    ).exists()


def test_inviting_twice_is_refused(world: World) -> None:
    with pytest.raises(Conflict, match="Already in"):
        invite(world, world.creator)


def test_inviting_an_unavailable_creator_needs_a_reason(world: World) -> None:
    setup_program(world)
    away = fresh(world, "Ada Away", "ada@example.test")
    Availability.objects.create(
        organization=world.cast.org,
        profile=away,
        away_from=date(2027, 3, 10),
        away_to=date(2027, 3, 20),
    )
    with pytest.raises(DomainError, match="Not available"):
        invite(world, away)
    assert not Enrollment.objects.filter(creator=away).exists()
    (enrollment,) = invite(world, away, override_reason="Posts are pre-scheduled")
    assert enrollment.availability_override_reason == "Posts are pre-scheduled"


def test_a_bulk_invitation_is_all_or_nothing(world: World) -> None:
    newcomer = fresh(world, "New", "new@example.test")
    with pytest.raises(Conflict):
        invite(world, newcomer, world.creator)
    assert not Enrollment.objects.filter(creator=newcomer).exists()


def test_a_creator_of_another_org_cannot_be_invited(world: World) -> None:
    stranger = make_creator(world.cast.outsider_org, "Sam", "sam@example.test")
    with pytest.raises(DomainError):
        invite(world, stranger)


def test_only_recruiting_programs_invite(world: World) -> None:
    from programs.services import program_cancel

    program_cancel(program=world.program, actor=ism(world), reason="Budget cut")
    world.program.refresh_from_db()
    with pytest.raises(Conflict, match="recruiting"):
        invite(world, fresh(world, "Late", "late@example.test"))


def test_over_capacity_goes_to_the_waitlist_and_is_promoted_in_order(world: World) -> None:
    world.program.capacity = 3  # two places are held by the world's invitations
    world.program.save()
    a, b, c = (fresh(world, n, f"{n}@example.test") for n in ("a", "b", "c"))
    first, second, third = invite(world, a, b, c)
    assert first.state == EnrollmentState.INVITED
    assert (second.state, second.waitlist_position) == (EnrollmentState.WAITLISTED, 1)
    assert (third.state, third.waitlist_position) == (EnrollmentState.WAITLISTED, 2)
    # A waitlisted place is invisible to the creator until it is sent.
    assert not TermsVersion.objects.filter(enrollment=second).exists()
    recruiting.invitation_decline(
        enrollment=world.enrollment, user=world.creator.user, reason="Too busy"
    )
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.state == EnrollmentState.INVITED
    assert TermsVersion.objects.filter(enrollment=second, number=1).exists()
    assert third.state == EnrollmentState.WAITLISTED


def test_accepting_records_the_terms_version_and_opens_a_confirm_task(world: World) -> None:
    user = world.creator.user
    recruiting.invitation_accept(enrollment=world.enrollment, user=user, terms_version=1)
    world.enrollment.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.ACCEPTED
    assert world.enrollment.accepted_at is not None
    assert world.enrollment.terms_version.number == 1
    assert world.enrollment.terms_version.accepted_at is not None
    task = Task.objects.get(kind=TaskKind.CONFIRM_CREATOR)
    assert task.owner_role == "ism"


def test_accepting_a_stale_version_is_refused(world: World) -> None:
    recruiting.terms_amend(
        enrollment=world.enrollment, actor=ism(world), reason="Better fee", changes={"fee": "750"}
    )
    with pytest.raises(Conflict, match="terms changed"):
        recruiting.invitation_accept(
            enrollment=world.enrollment, user=world.creator.user, terms_version=1
        )
    recruiting.invitation_accept(
        enrollment=world.enrollment, user=world.creator.user, terms_version=2
    )


def test_the_nda_must_be_accepted_when_required(world: World) -> None:
    world.program.nda_required = True
    world.program.save()
    (enrollment,) = invite(world, fresh(world, "Nda", "nda@example.test"))
    with pytest.raises(DomainError, match="NDA"):
        recruiting.invitation_accept(
            enrollment=enrollment, user=enrollment.creator.user, terms_version=1
        )
    recruiting.invitation_accept(
        enrollment=enrollment, user=enrollment.creator.user, terms_version=1, accept_nda=True
    )
    enrollment.refresh_from_db()
    assert enrollment.nda_accepted_at is not None


def test_accepting_an_expired_invitation_is_a_conflict(world: World) -> None:
    Enrollment.objects.filter(pk=world.enrollment.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(Conflict, match="expired"):
        recruiting.invitation_accept(
            enrollment=world.enrollment, user=world.creator.user, terms_version=1
        )


def test_accepting_a_withdrawn_invitation_is_a_conflict(world: World) -> None:
    recruiting.enrollment_withdraw(
        enrollment=world.enrollment, actor=ism(world), reason="Brief changed"
    )
    with pytest.raises(Conflict):
        recruiting.invitation_accept(
            enrollment=world.enrollment, user=world.creator.user, terms_version=1
        )


def test_someone_elses_invitation_cannot_be_answered(world: World) -> None:
    with pytest.raises(DomainError):
        recruiting.invitation_accept(
            enrollment=world.enrollment, user=world.other_creator.user, terms_version=1
        )
    with pytest.raises(DomainError):
        recruiting.invitation_decline(
            enrollment=world.enrollment, user=world.other_creator.user, reason="x"
        )


def test_declining_needs_a_reason(world: World) -> None:
    with pytest.raises(DomainError):
        recruiting.invitation_decline(
            enrollment=world.enrollment, user=world.creator.user, reason=" "
        )


def test_confirmation_waits_for_an_open_milestone_correction(world: World) -> None:
    user = world.creator.user
    recruiting.invitation_accept(enrollment=world.enrollment, user=user, terms_version=1)
    request = request_create(
        creator=world.creator,
        user=user,
        topic=Topic.MILESTONE_CORRECTION,
        text="My milestone should be 800",
        enrollment=world.enrollment,
    )
    with pytest.raises(Conflict, match="milestone"):
        recruiting.enrollment_confirm(enrollment=world.enrollment, actor=ism(world))
    from messaging.services.queue import task_complete

    task_complete(
        task=Task.objects.get(source_request=request),
        actor=ism(world),
        resolution="Corrected to 800",
    )
    recruiting.enrollment_confirm(enrollment=world.enrollment, actor=ism(world))
    world.enrollment.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.CONFIRMED
    assert Task.objects.get(kind=TaskKind.CONFIRM_CREATOR).state == "done"


def test_an_amendment_is_a_new_version_the_creator_must_accept(world: World) -> None:
    user = world.creator.user
    recruiting.invitation_accept(enrollment=world.enrollment, user=user, terms_version=1)
    version = recruiting.terms_amend(
        enrollment=world.enrollment,
        actor=ism(world),
        reason="Performance-based pay",
        changes={"per_click_rate": "0.25"},
    )
    assert version.number == 2
    world.enrollment.refresh_from_db()
    assert world.enrollment.terms_version.number == 1  # still in force until accepted
    with pytest.raises(Conflict, match="amendment"):
        recruiting.enrollment_confirm(enrollment=world.enrollment, actor=ism(world))
    recruiting.terms_accept(enrollment=world.enrollment, user=user, terms_version=2)
    world.enrollment.refresh_from_db()
    assert world.enrollment.terms_version.number == 2
    assert world.enrollment.terms_version.snapshot["per_click_rate"] == "0.2500"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fee": "-5"}, "negative"),
        ({"fee": "abc"}, "number"),
        ({"click_milestone": 0}, "milestone"),
        ({"owner": "me"}, "cannot be amended"),
        ({}, "changes nothing"),
    ],
)
def test_bad_amendments_are_refused(world: World, changes: dict, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        recruiting.terms_amend(
            enrollment=world.enrollment, actor=ism(world), reason="x", changes=changes
        )
    assert TermsVersion.objects.filter(enrollment=world.enrollment).count() == 1


def test_the_expiry_sweep_expires_once_and_promotes_the_waitlist(world: World) -> None:
    world.program.capacity = 2
    world.program.save()
    (waiting,) = invite(world, fresh(world, "W", "w@example.test"))
    assert waiting.state == EnrollmentState.WAITLISTED
    Enrollment.objects.filter(pk=world.enrollment.pk).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    assert recruiting.expire_invitations(organization=world.cast.org) == 1
    assert recruiting.expire_invitations(organization=world.cast.org) == 0
    world.enrollment.refresh_from_db()
    waiting.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.EXPIRED
    assert waiting.state == EnrollmentState.INVITED
    assert (
        Notification.objects.filter(
            recipient=world.creator.user, event_key__endswith=":expired"
        ).count()
        == 1
    )


# --- pages ---


def test_the_creator_accepts_and_declines_in_the_portal(world: World) -> None:
    url = reverse("portal_invitation", kwargs={"pk": world.enrollment.pk})
    client = world.creator_client()
    page = client.get(url)
    assert page.status_code == 200
    assert b"Terms (version 1)" in page.content
    assert client.post(url, {"action": "accept", "terms_version": 1}).status_code == 400
    response = client.post(url, {"action": "accept", "terms_version": 1, "accept_terms": "on"})
    assert response.status_code == 302
    world.enrollment.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.ACCEPTED
    other = world.creator_client("other_creator")
    other_url = reverse("portal_invitation", kwargs={"pk": world.other_enrollment.pk})
    assert other.post(other_url, {"action": "decline", "reason": ""}).status_code == 400
    assert other.post(other_url, {"action": "decline", "reason": "Busy"}).status_code == 302
    world.other_enrollment.refresh_from_db()
    assert world.other_enrollment.state == EnrollmentState.DECLINED
    # Answering again: 409 with the reason shown.
    assert other.post(other_url, {"action": "decline", "reason": "Busy"}).status_code == 409


def test_a_creator_cannot_see_another_creators_or_another_orgs_invitation(world: World) -> None:
    url = reverse("portal_invitation", kwargs={"pk": world.other_enrollment.pk})
    assert world.creator_client().get(url).status_code == 404
    stranger = make_creator(world.cast.outsider_org, "Sam", "sam@example.test")
    assert login_client(stranger.user).get(url).status_code == 404


def test_roster_page_walls_and_roles(world: World) -> None:
    slug = world.cast.org.slug
    url = reverse("desk_program_roster", kwargs={"org_slug": slug, "pk": world.program.pk})
    assert world.cast.client_for(Role.ISM).get(url).status_code == 200
    assert world.cast.client_for(Role.ADMIN).get(url).status_code == 200
    for role in (Role.BSM, Role.ANALYST, Role.BRAND_MANAGER, Role.APPROVER):
        assert world.cast.client_for(role).get(url).status_code == 403
    assert login_client(world.cast.outsider.user).get(url).status_code == 404
    acme = reverse("enrollment_detail", kwargs={"org_slug": "acme", "pk": world.enrollment.pk})
    assert login_client(world.cast.outsider.user).get(acme).status_code == 404


def test_the_ism_invites_from_the_desk_and_confirms(world: World) -> None:
    client = world.cast.client_for(Role.ISM)
    slug = world.cast.org.slug
    newcomer = fresh(world, "Desk Pick", "pick@example.test")
    response = client.post(
        reverse("desk_program_invite", kwargs={"org_slug": slug, "pk": world.program.pk}),
        {"creator": [newcomer.pk]},
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(creator=newcomer)
    recruiting.invitation_accept(enrollment=enrollment, user=newcomer.user, terms_version=1)
    url = reverse("enrollment_detail", kwargs={"org_slug": slug, "pk": enrollment.pk})
    assert client.post(url, {"action": "confirm"}).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.CONFIRMED


def test_inviting_another_orgs_creator_from_the_desk_is_404(world: World) -> None:
    stranger = make_creator(world.cast.outsider_org, "Sam", "sam@example.test")
    url = reverse(
        "desk_program_invite", kwargs={"org_slug": world.cast.org.slug, "pk": world.program.pk}
    )
    assert world.cast.client_for(Role.ISM).post(url, {"creator": [stranger.pk]}).status_code == 404
    assert not Enrollment.objects.filter(creator=stranger).exists()


def test_the_roster_has_a_constant_number_of_queries(world: World) -> None:
    client = world.cast.client_for(Role.ISM)
    url = reverse(
        "desk_program_roster", kwargs={"org_slug": world.cast.org.slug, "pk": world.program.pk}
    )
    world.program.capacity = 100
    world.program.save()
    invite(world, *(fresh(world, f"c{n}", f"c{n}@example.test") for n in range(3)))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    invite(world, *(fresh(world, f"d{n}", f"d{n}@example.test") for n in range(45)))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- API ---


def _api(world: World, path: str) -> str:
    return f"/api/v1/orgs/{world.cast.org.slug}/{path}"


def test_api_invite_confirm_and_amend(world: World) -> None:
    client = world.cast.client_for(Role.ISM)
    newcomer = fresh(world, "Api Pick", "apipick@example.test")
    response = client.post(
        _api(world, "enrollments/invite/"),
        {"program": world.program.pk, "creators": [newcomer.pk]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    enrollment_id = response.json()[0]["id"]
    assert response.json()[0]["terms"][0]["number"] == 1
    response = client.post(_api(world, f"enrollments/{enrollment_id}/confirm/"))
    assert response.status_code == 409  # not accepted yet
    response = client.post(
        _api(world, f"enrollments/{enrollment_id}/amend/"),
        {"reason": "Higher fee", "fee": "900.00"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [t["number"] for t in response.json()["terms"]] == [1, 2]
    response = client.post(
        _api(world, f"enrollments/{enrollment_id}/amend/"),
        {"reason": "x", "fee": "-1"},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_api_creator_accepts_and_declines(world: World) -> None:
    client = world.creator_client()
    mine = client.get("/api/v1/me/invitations/").json()
    assert [e["id"] for e in mine["results"]] == [world.enrollment.pk]
    url = f"/api/v1/me/invitations/{world.enrollment.pk}/"
    assert (
        client.post(
            url + "accept/", {"terms_version": 2}, content_type="application/json"
        ).status_code
        == 409
    )
    assert (
        client.post(
            url + "accept/", {"terms_version": 1}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        client.post(url + "decline/", {"reason": "x"}, content_type="application/json").status_code
        == 409
    )
    other = f"/api/v1/me/invitations/{world.other_enrollment.pk}/"
    assert client.get(other).status_code == 404
    assert (
        client.post(
            other + "decline/", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_api_enrollments_walls_and_roles(world: World) -> None:
    assert (
        login_client(world.cast.outsider.user).get(_api(world, "enrollments/")).status_code == 404
    )
    assert world.cast.client_for(Role.ANALYST).get(_api(world, "enrollments/")).status_code == 403
    bsm = world.cast.client_for(Role.BSM)
    assert bsm.get(_api(world, "enrollments/")).status_code == 200
    response = bsm.post(
        _api(world, "enrollments/invite/"),
        {"program": world.program.pk, "creators": [world.creator.pk]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert (
        world.cast.client_for(Role.ISM).get(_api(world, "enrollments/?program=x")).status_code
        == 400
    )
    assert world.creator_client().get(_api(world, "enrollments/")).status_code == 404


def test_staff_cannot_use_my_invitations(world: World) -> None:
    assert world.cast.client_for(Role.ISM).get("/api/v1/me/invitations/").status_code == 403


def test_the_expiry_is_at_the_end_of_recruit_by_in_the_orgs_time_zone(world: World) -> None:
    world.cast.org.time_zone = "America/New_York"
    world.cast.org.save()
    setup_program(world)
    (enrollment,) = invite(world, fresh(world, "Tz", "tz@example.test"))
    with time_machine.travel("2027-02-15 23:00:00-05:00"):
        recruiting.expire_invitations(organization=world.cast.org)
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.INVITED
    with time_machine.travel("2027-02-16 00:30:00-05:00"):
        recruiting.expire_invitations(organization=world.cast.org)
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.EXPIRED


def test_the_expiry_task_sweeps_every_org(world: World) -> None:
    from programs.recruiting.tasks import invitation_expiry_sweep_all

    Enrollment.objects.filter(pk=world.enrollment.pk).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    assert invitation_expiry_sweep_all() == 1
    assert invitation_expiry_sweep_all() == 0


def test_launch_gives_each_active_creator_their_deliverables_from_the_terms(world: World) -> None:
    from programs.models import Deliverable
    from programs.services import program_launch

    recruiting.invitation_accept(
        enrollment=world.enrollment, user=world.creator.user, terms_version=1
    )
    recruiting.enrollment_confirm(enrollment=world.enrollment, actor=ism(world))
    program_launch(program=world.program, actor=world.cast.members[Role.ADMIN].user)
    promised = sum(
        d["count"] for d in world.enrollment.terms_versions.get(number=1).snapshot["deliverables"]
    )
    rows = Deliverable.objects.filter(enrollment=world.enrollment)
    assert rows.count() == promised >= 1
    assert all(d.state == "pending" and d.due_on == d.original_due_on for d in rows)
    # The declined/invited creator gets nothing.
    assert not Deliverable.objects.filter(enrollment=world.other_enrollment).exists()
    from programs.deadlines.delivery import deliverables_create_for_program

    assert deliverables_create_for_program(program=world.program) == 0  # idempotent


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.ADMIN, True), (Role.ISM, True), (Role.BSM, True), (Role.BRAND_MANAGER, False)],
)
def test_api_and_hub_agree_on_who_may_amend_terms(world: World, role: str, allowed: bool) -> None:
    """The BSM amends after launch (performance-based pay): the API allows what the hub does."""
    client = world.cast.client_for(role)
    before = world.enrollment.terms_versions.count()
    api = client.post(
        _api(world, f"enrollments/{world.enrollment.pk}/amend/"),
        {"reason": "Pay per valid click instead", "per_click_rate": "0.20"},
        content_type="application/json",
    )
    hub = client.post(
        reverse("enrollment_detail", kwargs={"org_slug": "northwind", "pk": world.enrollment.pk}),
        {"action": "amend", "reason": "And a higher rate", "per_click_rate": "0.25"},
    )
    if allowed:
        assert api.status_code == 200, api.content
        assert hub.status_code == 302, hub.content[:500]
        assert world.enrollment.terms_versions.count() == before + 2
    else:
        assert (api.status_code, hub.status_code) == (403, 403)
        assert world.enrollment.terms_versions.count() == before
