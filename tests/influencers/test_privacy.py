"""Creators' data export and erasure (#19), with two orgs and two creators: Cara works with
Northwind and Acme, Olli with Northwind only."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from influencer_ops.models import AuditEvent
from influencers.models import CreatorProfile, DataExport
from influencers.privacy import selectors
from influencers.privacy.tasks import build_data_export
from influencers.services import profile_update_own
from messaging.kinds import NotificationKind
from messaging.models import Message, Notification, Request, Task, Thread
from organizations.roles import Role
from payments.ledger import ledger_balances, payout_move
from payments.models import PayoutState
from programs.models import SubmissionMedia
from tests.conftest import World, confirm_and_launch, login_client, make_payout
from tests.factories import (
    PASSWORD,
    CreatorProfileFactory,
    MessageFactory,
    RequestFactory,
    SocialHandleFactory,
    SubmissionMediaFactory,
    TaskFactory,
    ThreadFactory,
    member,
)
from tests.helpers import assert_constant_queries

DATA_URL = "/api/v1/me/data-export/"
ERASURE_URL = "/api/v1/me/erasure/"


@dataclass
class Two:
    world: World
    cara: Any  # Cara's Northwind profile
    cara_acme: Any
    olli: Any
    acme_admin: Any

    @property
    def user(self) -> Any:
        return self.cara.user


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)  # a session: the middleware's scope knows the user, as in use
    return client


@pytest.fixture
def two(world: World) -> Two:
    confirm_and_launch(world)
    cara, olli = world.creator, world.other_creator
    acme = world.cast.outsider_org
    cara_acme = CreatorProfileFactory(
        organization=acme, user=cara.user, display_name="Cara C.", email="cara@example.test"
    )
    SocialHandleFactory(organization=world.cast.org, profile=cara, handle="caraglow")
    SocialHandleFactory(organization=world.cast.org, profile=olli, handle="ollitrails")
    thread = ThreadFactory(organization=world.cast.org, enrollment=world.enrollment)
    MessageFactory(
        organization=world.cast.org,
        thread=thread,
        author=cara.user,
        from_creator=True,
        text="My address is 1 Sunny Road.",
    )
    ism = world.cast.members[Role.ISM].user
    MessageFactory(
        organization=world.cast.org, thread=thread, author=ism, text="Thanks Cara Creator!"
    )
    TaskFactory(organization=world.cast.org, creator=cara, title="Call Cara Creator back")
    TaskFactory(organization=world.cast.org, creator=olli, title="Olli asks about caraglowing")
    RequestFactory(organization=acme, creator=cara_acme, text="Acme question from Cara")
    RequestFactory(organization=world.cast.org, creator=olli, text="Olli's own question")
    return Two(world, cara, cara_acme, olli, world.cast.outsider)


def settle(two: Two) -> Any:
    """A paid payout for Cara: settled money, which erasure must leave as it is."""
    payout = make_payout(two.world, "250.00", key="paid-1")
    for state in (PayoutState.SCHEDULED, PayoutState.PROCESSING, PayoutState.PAID):
        payout = payout_move(payout=payout, target=state)
    return payout


def build_export(two: Two, django_capture_on_commit_callbacks: Any) -> DataExport:
    """Request through the API; the job (enqueued by name after commit) runs here, as the
    worker would run it, and its own after-commit work (the e-mail) runs too."""
    with django_capture_on_commit_callbacks() as enqueued:
        response = api(two.user).post(DATA_URL, {}, format="json")
    assert response.status_code == 202, response.content
    assert len(enqueued) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert build_data_export(response.json()["id"]) is True
        assert build_data_export(response.json()["id"]) is False  # once
    return DataExport.objects.get(pk=response.json()["id"])


def read_zip(export: DataExport) -> dict[str, Any]:
    with default_storage.open(export.file, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    return {
        name: archive.read(name).decode()
        if name.endswith(".txt")
        else json.loads(archive.read(name))
        for name in archive.namelist()
    }


# --- export ---


def test_export_holds_only_the_creators_own_data_from_both_orgs(
    two: Two, django_capture_on_commit_callbacks: Any
) -> None:
    settle(two)
    export = build_export(two, django_capture_on_commit_callbacks)

    assert export.state == DataExport.State.READY and export.expires_at is not None
    files = read_zip(export)
    assert "README.txt" in files
    orgs = {p["organization__name"] for p in files["profiles.json"]}
    assert orgs == {"Northwind", "Acme"}
    assert {r["text"] for r in files["requests.json"]} == {"Acme question from Cara"}
    assert [h["handle"] for h in files["handles.json"]] == ["caraglow"]
    assert len(files["terms_versions.json"]) >= 1
    assert len(files["ledger_entries.json"]) == 8  # four moves, two entries each
    assert {m["text"] for m in files["messages.json"]} == {
        "My address is 1 Sunny Road.",
        "Thanks Cara Creator!",
    }
    assert files["audit_events.json"], "events about her (her enrollment, her payout)"
    everything = json.dumps(files)
    for other in ("Olli", "olli@example.test", "ollitrails"):
        assert other not in everything


def test_export_link_is_emailed_and_works_for_that_creator_only(
    two: Two, django_capture_on_commit_callbacks: Any
) -> None:
    export = build_export(two, django_capture_on_commit_callbacks)
    note = Notification.objects.get(recipient=two.user, kind=NotificationKind.PRIVACY)
    assert note.url == selectors.export_download_url(export)
    assert any(note.url in m.body and m.to == ["cara@example.test"] for m in mail.outbox)

    mine = login_client(two.user).get(note.url)
    assert mine.status_code == 200
    assert mine["Content-Type"] == "application/zip"
    assert b"".join(mine.streaming_content)[:2] == b"PK"
    assert login_client(two.olli.user).get(note.url).status_code == 404
    forged = note.url.replace(note.url.split("/")[-2], "1:forged")
    assert login_client(two.user).get(forged).status_code == 404


def test_expired_link_is_gone(two: Two, django_capture_on_commit_callbacks: Any) -> None:
    export = build_export(two, django_capture_on_commit_callbacks)
    url = selectors.export_download_url(export)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    assert login_client(two.user).get(url).status_code == 410
    status = api(two.user).get(DATA_URL).json()
    assert status["status"] == "expired" and status["download_url"] == ""


def test_second_export_while_one_is_pending_is_409(two: Two) -> None:
    client = api(two.user)
    first = client.post(DATA_URL, {}, format="json")  # its job waits for the commit
    assert first.status_code == 202 and first.json()["status"] == "requested"
    second = client.post(DATA_URL, {}, format="json")
    assert second.status_code == 409
    assert "still being prepared" in second.json()["detail"]
    assert DataExport.objects.filter(user=two.user).count() == 1
    assert client.get(DATA_URL).json()["status"] == "requested"


def test_unknown_body_key_and_non_creator_are_refused(two: Two) -> None:
    assert api(two.user).post(DATA_URL, {"all": True}, format="json").status_code == 400
    staff = two.world.cast.members[Role.ADMIN].user
    assert api(staff).post(DATA_URL, {}, format="json").status_code == 403
    assert api(staff).post(ERASURE_URL, {}, format="json").status_code == 403
    assert not DataExport.objects.exists()


def test_purge_removes_expired_files(two: Two, django_capture_on_commit_callbacks: Any) -> None:
    from influencers.privacy.services import data_export_purge_expired

    export = build_export(two, django_capture_on_commit_callbacks)
    assert data_export_purge_expired() == 0
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    assert data_export_purge_expired() == 1
    assert not default_storage.exists(export.file)
    assert selectors.export_status(DataExport.objects.get(pk=export.pk)) == "expired"


# --- erasure ---


def test_erasure_is_refused_with_the_reason_while_a_payout_is_pending(two: Two) -> None:
    make_payout(two.world, "80.00", key="pending-1")
    response = api(two.user).post(ERASURE_URL, {}, format="json")
    assert response.status_code == 409
    assert "1 payout is not settled yet" in response.json()["detail"]
    two.cara.refresh_from_db()
    two.user.refresh_from_db()
    assert two.cara.display_name == "Cara Creator" and two.cara.erased_at is None
    assert two.user.is_active and two.user.email == "cara@example.test"
    assert Message.objects.filter(text="My address is 1 Sunny Road.").exists()


def test_erasure_pseudonymises_keeps_the_ledger_and_tells_each_org(
    two: Two, django_capture_on_commit_callbacks: Any
) -> None:
    org, acme = two.world.cast.org, two.world.cast.outsider_org
    settle(two)
    stored = default_storage.save("orgs/test/privacy-draft.png", ContentFile(b"png"))
    SubmissionMediaFactory(
        organization=org, submission__deliverable__enrollment=two.world.enrollment, file=stored
    )
    profile_update_own(
        profile=two.cara_acme,
        user=two.user,
        location="Lisbon, Rua Augusta 1",
        languages=["pt"],
        categories=[],
        rate_per_post=None,
    )
    before = {o.pk: ledger_balances(organization_id=o.pk) for o in (org, acme)}
    olli_before = (two.olli.display_name, two.olli.email, two.olli.user.email)

    with django_capture_on_commit_callbacks(execute=True):
        response = api(two.user).post(ERASURE_URL, {}, format="json")

    assert response.status_code == 200, response.content
    assert response.json() == {"erased": True, "organizations": 2}
    assert {o.pk: ledger_balances(organization_id=o.pk) for o in (org, acme)} == before
    for profile in (two.cara, two.cara_acme):
        profile.refresh_from_db()
        assert profile.display_name == f"Erased creator #{profile.pk}"
        assert profile.email.endswith("@erased.invalid") and profile.erased_at is not None
        assert not profile.handles.exists()
    two.user.refresh_from_db()
    assert not two.user.is_active and not two.user.has_usable_password()
    assert two.user.email.endswith("@erased.invalid")
    assert not Message.objects.filter(text__contains="Sunny Road").exists()
    assert Message.objects.filter(text=f"Thanks Erased creator #{two.cara.pk}!").exists()
    assert Request.objects.get(creator=two.cara_acme).text == "[erased]"
    assert Task.objects.get(creator=two.cara).title == f"Call Erased creator #{two.cara.pk} back"
    assert not SubmissionMedia.objects.filter(file=stored).exists()
    assert not default_storage.exists(stored)
    # The audit trail keeps its rows and ids, without her name or e-mail.
    assert not AuditEvent.objects.filter(target_label__contains="Cara Creator").exists()
    assert not AuditEvent.objects.filter(actor_label="cara@example.test").exists()
    edited = AuditEvent.objects.get(
        organization=acme,
        verb="creator.profile_updated_by_creator",
        target_id=str(two.cara_acme.pk),
    )
    assert "Lisbon" not in json.dumps([edited.before, edited.after])
    assert edited.actor_id == two.user.pk  # ids stay
    assert edited.actor_label == f"Erased creator #{two.cara_acme.pk}"
    for organization, profile in ((org, two.cara), (acme, two.cara_acme)):
        assert (
            AuditEvent.objects.filter(
                organization=organization, verb="creator.erased", target_id=str(profile.pk)
            ).count()
            == 1
        )
    told = Notification.objects.get(recipient=two.acme_admin.user, kind=NotificationKind.PRIVACY)
    page = login_client(two.acme_admin.user).get(told.url)
    assert page.status_code == 200 and 'id="creator-erased"' in page.content.decode()
    assert Notification.objects.filter(
        recipient=two.world.cast.members[Role.ADMIN].user, kind=NotificationKind.PRIVACY
    ).exists()
    # Olli is untouched.
    two.olli.refresh_from_db()
    assert (two.olli.display_name, two.olli.email, two.olli.user.email) == olli_before
    assert Request.objects.get(creator=two.olli).text == "Olli's own question"
    assert two.olli.handles.get().handle == "ollitrails"
    # Whole words only: her handle "caraglow" is not rewritten inside another word.
    assert Task.objects.get(creator=two.olli).title == "Olli asks about caraglowing"
    # She can no longer sign in.
    for email in ("cara@example.test", two.user.email):
        assert not Client().login(username=email, password=PASSWORD)


def test_erasure_is_idempotent(two: Two) -> None:
    from influencer_ops.tenancy import db_scope
    from influencers.privacy.erasure import creator_erase

    user = two.user
    org_ids = [two.cara.organization_id, two.cara_acme.organization_id]
    with db_scope(org_ids=org_ids, user_id=user.pk):
        assert len(creator_erase(user=user)) == 2
        events = AuditEvent.objects.count()
        notes = Notification.objects.count()
        assert creator_erase(user=user) == []
        assert (AuditEvent.objects.count(), Notification.objects.count()) == (events, notes)


def test_another_orgs_admin_cannot_see_the_erasure_of_a_creator_not_theirs(two: Two) -> None:
    # Olli only works with Northwind: erasing him tells Northwind alone.
    other_admin = member(two.world.cast.outsider_org, Role.ADMIN, email="second@acme.test").user
    api(two.olli.user).post(ERASURE_URL, {}, format="json")
    assert not Notification.objects.filter(recipient=other_admin).exists()
    assert not AuditEvent.objects.filter(
        organization=two.world.cast.outsider_org, verb="creator.erased"
    ).exists()
    assert CreatorProfile.objects.get(pk=two.cara.pk).display_name == "Cara Creator"


# --- the page ---


def test_the_page_is_linked_from_the_portal_home_and_shows_the_status(two: Two) -> None:
    client = login_client(two.user)
    home = client.get(reverse("portal_home")).content.decode()
    assert reverse("portal_data") in home
    page = client.get(reverse("portal_data")).content.decode()
    assert "You have not asked for a copy yet." in page
    response = client.post(reverse("portal_data"), follow=True)
    assert "We are preparing your data" in response.content.decode()
    assert ">Requested<" in response.content.decode()
    again = client.post(reverse("portal_data"), follow=True)
    assert "still being prepared" in again.content.decode()


def test_the_page_shows_why_erasure_must_wait_and_changes_nothing(two: Two) -> None:
    make_payout(two.world, "80.00", key="pending-2")
    client = login_client(two.user)
    page = client.get(reverse("portal_data")).content.decode()
    assert "Not possible yet." in page and "1 payout is not settled yet" in page
    assert reverse("portal_data_erase") not in page
    response = client.post(reverse("portal_data_erase"), follow=True)
    assert "cannot be erased yet" in response.content.decode()
    two.cara.refresh_from_db()
    assert two.cara.erased_at is None


def test_the_page_erases_with_a_confirmation_and_signs_out(two: Two) -> None:
    client = login_client(two.user)
    page = client.get(reverse("portal_data")).content.decode()
    assert 'data-confirm="Erase your data' in page
    response = client.post(reverse("portal_data_erase"))
    assert response.status_code == 200
    assert "Your data is erased" in response.content.decode()
    assert client.get(reverse("portal_home")).status_code == 302  # signed out


def test_the_export_reads_in_constant_queries(two: Two) -> None:
    from influencer_ops.tenancy import db_scope
    from influencers.privacy.collect import creator_data

    org = two.world.cast.org

    def fetch() -> dict[str, Any]:
        with db_scope(org_ids=[org.pk, two.cara_acme.organization_id], user_id=two.user.pk):
            return creator_data(user=two.user)

    def grow() -> None:
        thread = Thread.objects.get(enrollment=two.world.enrollment)
        for n in range(5):
            MessageFactory(organization=org, thread=thread, author=two.user, text=f"m{n}")
            RequestFactory(organization=org, creator=two.cara, text=f"q{n}")
            SubmissionMediaFactory(
                organization=org, submission__deliverable__enrollment=two.world.enrollment
            )
        settle(two)

    data = assert_constant_queries(fetch, grow=grow)
    assert len(data["requests"]) == 6 and len(data["media_files"]) == 5


# --- the audit trail's one exception ---


def _erasure_on() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.erasure', 'on', true)")


def test_outside_an_erasure_the_audit_trail_refuses_a_label_change(two: Two) -> None:
    event = AuditEvent.objects.filter(organization=two.world.cast.org).first()
    assert event is not None
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(target_label="changed")


@pytest.mark.parametrize(
    "change", [{"verb": "tampered"}, {"target_id": "999"}, {"actor": None}, {"organization": None}]
)
def test_an_erasure_may_rewrite_labels_but_never_ids_verbs_or_deletes(
    two: Two, change: dict[str, Any]
) -> None:
    event = AuditEvent.objects.filter(organization=two.world.cast.org, actor__isnull=False).first()
    assert event is not None
    with transaction.atomic():
        _erasure_on()
        AuditEvent.objects.filter(pk=event.pk).update(target_label="Erased creator #1")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(**change)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).target_label == "Erased creator #1"
