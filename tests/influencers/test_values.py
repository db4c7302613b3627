"""What a creator won't promote: the services, the portal page, /api/v1/me/, the staff
creator page, the refusals and the walls (another creator's exclusion is a 404; an org reads
only its own creators' exclusions, down to the database)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from influencer_ops.audit import AuditVerb
from influencer_ops.errors import FieldError, Forbidden
from influencer_ops.models import AuditEvent
from influencer_ops.tenancy import db_scope
from influencers.models import CreatorExclusion, CreatorValues
from influencers.values import selectors, services
from organizations.roles import Role
from tests.conftest import Cast, login_client, make_creator
from tests.factories import CreatorExclusionFactory, CreatorProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cara(cast: Cast) -> Any:
    return make_creator(cast.org, "Cara Creator", "cara@example.test")


def add(user: Any, kind: str = "topic", value: str = "alcohol") -> CreatorExclusion:
    return services.exclusion_add_own(user=user, kind=kind, value=value)


# --- services ---


def test_a_creator_keeps_exclusions_once_for_every_org_and_each_org_audits_it(
    cast: Cast, cara: Any
) -> None:
    elsewhere = CreatorProfileFactory(
        organization=cast.outsider_org, user=cara.user, email="cara@example.test"
    )
    exclusion = add(cara.user, "topic", "  Fast   Fashion ")
    assert (exclusion.value, exclusion.match_key) == ("Fast Fashion", "fast fashion")
    add(cara.user, "category", "finance")
    assert [e.label for e in selectors.own_exclusions(user=cara.user)] == [
        "Finance",
        "Fast Fashion",
    ]
    events = AuditEvent.objects.filter(verb=AuditVerb.CREATOR_EXCLUSION_ADDED)
    assert sorted(e.organization_id or 0 for e in events) == sorted(
        [cast.org.pk, cast.outsider_org.pk] * 2
    )
    services.exclusion_remove_own(exclusion=exclusion, user=cara.user)
    assert AuditEvent.objects.filter(verb=AuditVerb.CREATOR_EXCLUSION_REMOVED).count() == 2
    services.values_update_own(user=cara.user, statement="Only what I use.")
    assert selectors.creator_values_statement(profile=elsewhere) == "Only what I use."


@pytest.mark.parametrize(
    ("kind", "value", "field"),
    [
        ("category", "beer", "value"),
        ("topic", "  ", "value"),
        ("topic", "!!!", "value"),
        ("topic", "x" * 101, "value"),
        ("mood", "sad", "kind"),
    ],
)
def test_bad_exclusions_are_refused(cara: Any, kind: str, value: str, field: str) -> None:
    with pytest.raises(FieldError) as refused:
        add(cara.user, kind, value)
    assert refused.value.field == field
    assert not CreatorExclusion.objects.exists()


def test_the_same_exclusion_twice_is_refused(cara: Any) -> None:
    add(cara.user, "brand", "Acme Energy")
    with pytest.raises(FieldError, match="already"):
        add(cara.user, "brand", "acme  energy")


def test_only_a_creator_keeps_exclusions_and_only_their_own(cast: Cast, cara: Any) -> None:
    with pytest.raises(Forbidden):
        add(cast.members[Role.ISM].user)
    other = make_creator(cast.org, "Olli Other", "olli@example.test")
    with pytest.raises(Forbidden):
        services.exclusion_remove_own(exclusion=add(cara.user), user=other.user)


# --- the portal page ---


def test_the_portal_page_is_linked_adds_and_removes(cara: Any) -> None:
    client = login_client(cara.user)
    url = reverse("portal_values")
    assert f'href="{url}"' in client.get(reverse("portal_home")).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count("<h1") == 1
    response = client.post(url, {"action": "exclude", "kind": "topic", "value": "alcohol"})
    assert response.status_code == 302
    response = client.post(url, {"action": "exclude", "kind": "category", "category": "finance"})
    assert response.status_code == 302
    response = client.post(url, {"action": "values", "statement": "No booze, no debt."})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "alcohol" in html and "Finance" in html and "No booze, no debt." in html
    exclusion = CreatorExclusion.objects.get(value="alcohol")
    remove = reverse("portal_exclusion_remove", args=[exclusion.pk])
    assert client.post(remove).status_code == 302
    assert not CreatorExclusion.objects.filter(pk=exclusion.pk).exists()


def test_the_portal_page_refuses_bad_input_with_400(cara: Any) -> None:
    client = login_client(cara.user)
    url = reverse("portal_values")
    response = client.post(url, {"action": "exclude", "kind": "category", "category": ""})
    assert response.status_code == 400
    response = client.post(url, {"action": "exclude", "kind": "topic", "value": "?!"})
    assert response.status_code == 400
    assert not CreatorExclusion.objects.exists()


def test_another_creators_exclusion_is_404_on_the_page(cast: Cast, cara: Any) -> None:
    theirs = CreatorExclusionFactory(user=make_creator(cast.org, "Olli", "o@example.test").user)
    client = login_client(cara.user)
    remove = reverse("portal_exclusion_remove", args=[theirs.pk])
    assert client.post(remove).status_code == 404
    assert CreatorExclusion.objects.filter(pk=theirs.pk).exists()
    assert theirs.value not in client.get(reverse("portal_values")).content.decode()


def test_staff_get_403_on_the_portal_page(cast: Cast) -> None:
    assert cast.client_for(Role.ISM).get(reverse("portal_values")).status_code == 403


# --- the API ---


def test_the_api_lists_adds_reads_and_removes_own_exclusions(cast: Cast, cara: Any) -> None:
    client = login_client(cara.user)
    response = client.post(
        "/api/v1/me/exclusions/", {"kind": "topic", "value": "Alcohol"}, "application/json"
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["name"] == "Alcohol" and created["kind"] == "topic"
    listed = client.get("/api/v1/me/exclusions/").json()
    assert [e["id"] for e in listed] == [created["id"]]
    assert client.get(f"/api/v1/me/exclusions/{created['id']}/").status_code == 200
    assert client.delete(f"/api/v1/me/exclusions/{created['id']}/").status_code == 204
    assert client.get("/api/v1/me/exclusions/").json() == []


def test_the_api_refuses_bad_exclusions_with_400(cara: Any) -> None:
    client = login_client(cara.user)
    for body in (
        {"kind": "category", "value": "beer"},
        {"kind": "topic", "value": ""},
        {"kind": "topic", "value": "x", "extra": 1},
    ):
        response = client.post("/api/v1/me/exclusions/", body, "application/json")
        assert response.status_code == 400, body
    assert not CreatorExclusion.objects.exists()


def test_another_creators_exclusion_is_404_in_the_api(cast: Cast, cara: Any) -> None:
    theirs = CreatorExclusionFactory(user=make_creator(cast.org, "Olli", "o@example.test").user)
    client = login_client(cara.user)
    assert client.get(f"/api/v1/me/exclusions/{theirs.pk}/").status_code == 404
    assert client.delete(f"/api/v1/me/exclusions/{theirs.pk}/").status_code == 404
    assert client.get("/api/v1/me/exclusions/").json() == []
    assert CreatorExclusion.objects.filter(pk=theirs.pk).exists()


def test_the_api_reads_and_writes_the_values_statement(cast: Cast, cara: Any) -> None:
    client = login_client(cara.user)
    assert client.get("/api/v1/me/values/").json() == {"statement": ""}
    response = client.put("/api/v1/me/values/", {"statement": "Kind words."}, "application/json")
    assert response.status_code == 200 and response.json() == {"statement": "Kind words."}
    assert CreatorValues.objects.get(user=cara.user).statement == "Kind words."
    too_long = {"statement": "x" * 2001}
    assert client.put("/api/v1/me/values/", too_long, "application/json").status_code == 400
    staff = cast.client_for(Role.ISM)
    assert staff.get("/api/v1/me/values/").status_code == 403
    assert staff.get("/api/v1/me/exclusions/").status_code == 403


def test_the_schema_has_the_endpoints(cara: Any) -> None:
    schema = login_client(cara.user).get("/api/schema/?format=json").json()
    assert "/api/v1/me/exclusions/" in schema["paths"]
    assert "/api/v1/me/exclusions/{id}/" in schema["paths"]
    assert "/api/v1/me/values/" in schema["paths"]


# --- the staff side and the walls ---


def test_staff_see_exclusions_and_values_on_the_creator_page(cast: Cast, cara: Any) -> None:
    add(cara.user, "topic", "alcohol")
    services.values_update_own(user=cara.user, statement="Only what I use.")
    url = reverse("creator_detail", kwargs={"org_slug": cast.org.slug, "pk": cara.pk})
    for role in (Role.ADMIN, Role.ISM, Role.BSM):
        html = cast.client_for(role).get(url).content.decode()
        assert "What they won" in html and "alcohol" in html and "Only what I use." in html


def test_an_org_reads_only_its_own_creators_exclusions_down_to_the_database(
    cast: Cast, cara: Any
) -> None:
    add(cara.user)
    stranger = make_creator(cast.outsider_org, "Sam", "sam@example.test")
    add(stranger.user, "topic", "tobacco")
    with db_scope(org_ids=[cast.org.pk]):
        assert [e.value for e in CreatorExclusion.objects.all()] == ["alcohol"]
    with db_scope(org_ids=[cast.outsider_org.pk]):
        assert [e.value for e in CreatorExclusion.objects.all()] == ["tobacco"]
    with db_scope(user_id=stranger.user.pk):
        assert [e.value for e in CreatorExclusion.objects.all()] == ["tobacco"]
    with db_scope():
        assert not CreatorExclusion.objects.exists()


def test_the_data_export_holds_them_and_erasure_removes_them(cara: Any) -> None:
    from influencers.privacy import collect, erasure

    add(cara.user)
    services.values_update_own(user=cara.user, statement="Only what I use.")
    data = collect.creator_data(user=cara.user)
    assert [row["value"] for row in data["exclusions"]] == ["alcohol"]
    assert data["values"][0]["statement"] == "Only what I use."
    event = AuditEvent.objects.get(verb=AuditVerb.CREATOR_VALUES_UPDATED)
    assert event.after == {"statement_length": 16}  # the words stay out of the trail
    erasure.creator_erase(user=cara.user)
    assert not CreatorExclusion.objects.exists() and not CreatorValues.objects.exists()
