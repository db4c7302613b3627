"""What content, deadlines and cases share with the rest of the house: the creator door (an
unexpected error is never turned into a 403), the one clock, and limits defined once."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from influencer_ops import calendar, validation
from influencers import access
from organizations.roles import Role
from programs.cases import forms as case_forms
from programs.cases import selectors as case_selectors
from programs.cases.api import CaseActionCreateSerializer, CaseCreateSerializer
from programs.content import selectors as content_selectors
from programs.content.forms import PublishForm, ReviewForm, SubmissionForm
from programs.content.serializers import ContentPublishSerializer, ContentSubmitSerializer
from programs.deadlines import selectors as deadline_selectors
from programs.deadlines import services as deadlines
from programs.deadlines.api import DecisionSerializer, ExtensionRequestSerializer
from programs.deadlines.forms import ExtensionDecisionForm, ExtensionRequestForm
from programs.models import ComplianceCase, Deliverable, Extension, Review, Submission
from tests.conftest import World

CREATOR_ENDPOINTS = [
    "/api/v1/me/deliverables/",
    "/api/v1/me/cases/",
    "/api/v1/me/deliverables/1/extension/",
]
PORTAL_PAGES = [
    ("portal_deliverables", {}),
    ("portal_deliverable", {"pk": 1}),
    ("portal_extension_request", {"pk": 1}),
    ("portal_case", {"pk": 1}),
]


def _column(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length)


def test_limits_are_the_columns_and_defined_once() -> None:
    url = validation.DELIVERY_URL_MAX_LENGTH
    assert url == _column(Deliverable, "live_url") == _column(Submission, "media_url")
    assert url == Submission._meta.get_field("links").base_field.max_length
    assert url == ComplianceCase._meta.get_field("evidence_links").base_field.max_length
    assert SubmissionForm().fields["media_url"].max_length == url
    assert PublishForm().fields["live_url"].max_length == url
    assert ContentSubmitSerializer().fields["media_url"].max_length == url
    assert ContentPublishSerializer().fields["live_url"].max_length == url
    assert CaseCreateSerializer().fields["evidence_links"].child.max_length == url

    caption = validation.CAPTION_MAX_LENGTH
    assert caption == _column(Submission, "caption") == _column(Review, "comment")
    assert ReviewForm(disclosure_failed=True).fields["comment"].max_length == caption
    override = ReviewForm(disclosure_failed=True).fields["override_reason"].max_length
    assert override == validation.OVERRIDE_REASON_MAX_LENGTH == _column(Review, "override_reason")

    extension = validation.EXTENSION_TEXT_MAX_LENGTH
    assert extension == _column(Extension, "reason") == _column(Extension, "decision_note")
    assert ExtensionRequestForm().fields["reason"].max_length == extension
    assert ExtensionDecisionForm().fields["note"].max_length == extension
    assert ExtensionRequestSerializer().fields["reason"].max_length == extension
    assert DecisionSerializer().fields["note"].max_length == extension

    evidence = validation.CASE_EVIDENCE_MAX_LENGTH
    assert evidence == _column(ComplianceCase, "evidence")
    assert case_forms.CaseOpenForm().fields["evidence"].max_length == evidence
    assert CaseCreateSerializer().fields["evidence"].max_length == evidence
    assert CaseActionCreateSerializer().fields["text"].max_length == validation.CASE_TEXT_MAX_LENGTH


def test_deadlines_today_is_the_one_clock() -> None:
    assert deadlines.org_today is calendar.org_today


@pytest.mark.django_db
@pytest.mark.parametrize("path", CREATOR_ENDPOINTS)
def test_creator_endpoints_refuse_staff(world: World, path: str) -> None:
    response = world.cast.client_for(Role.BSM).get(path)
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), PORTAL_PAGES)
def test_portal_pages_refuse_staff_and_send_visitors_to_sign_in(
    world: World, client: Any, name: str, kwargs: dict[str, Any]
) -> None:
    url = reverse(name, kwargs=kwargs)
    assert world.cast.client_for(Role.BSM).get(url).status_code == 403
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


class Broken(RuntimeError):
    pass


def _broken(*args: Any, **kwargs: Any) -> Any:
    raise Broken("a bug, not a refusal")


@pytest.mark.django_db
@pytest.mark.parametrize("path", CREATOR_ENDPOINTS)
def test_a_bug_in_the_creator_door_is_not_a_403(
    world: World, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setattr(access, "activate_orgs", _broken)
    with pytest.raises(Broken):
        world.creator_client().get(path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("module", "name", "path"),
    [
        (content_selectors, "creator_deliverables", "/api/v1/me/deliverables/"),
        (case_selectors, "cases_for_creator", "/api/v1/me/cases/"),
        (deadline_selectors, "creator_deliverable", "/api/v1/me/deliverables/1/extension/"),
    ],
)
def test_the_creator_endpoints_read_through_their_selectors(
    world: World, monkeypatch: pytest.MonkeyPatch, module: Any, name: str, path: str
) -> None:
    monkeypatch.setattr(module, name, _broken)
    with pytest.raises(Broken):
        world.creator_client().get(path)
