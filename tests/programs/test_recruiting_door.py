"""The creator's door to recruiting (CreatorViewMixin / CreatorScopedViewSet) and the program
brief's limits, defined once in influencer_ops.validation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from influencer_ops import validation
from organizations.roles import Role
from programs import forms as program_forms
from programs import serializers as program_serializers
from programs import services
from programs.models import Program
from programs.recruiting import selectors as recruiting_selectors
from programs.services.brief import TEXT_LIMITS
from tests.conftest import World


@pytest.mark.django_db
def test_a_signed_out_visitor_of_an_invitation_is_sent_to_log_in(world: World) -> None:
    url = reverse("portal_invitation", kwargs={"pk": world.enrollment.pk})
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.django_db
def test_staff_are_refused_the_invitation_page(world: World) -> None:
    url = reverse("portal_invitation", kwargs={"pk": world.enrollment.pk})
    assert world.cast.client_for(Role.ISM).get(url).status_code == 403


@pytest.mark.django_db
def test_a_failure_inside_my_invitations_is_not_passed_off_as_a_403(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("the selector broke")

    monkeypatch.setattr(recruiting_selectors, "creator_invitations", broken)
    with pytest.raises(RuntimeError):
        world.creator_client().get("/api/v1/me/invitations/")


@pytest.mark.django_db
def test_the_brief_refuses_with_the_shared_cleaners_words(world: World) -> None:
    admin = world.cast.members[Role.ADMIN].user
    too_long = "https://example.test/" + "a" * validation.URL_MAX_LENGTH
    with pytest.raises(services.ProgramInvalid) as refused:
        services.program_update(
            program=world.program,
            actor=admin,
            destination_url=too_long,
            audience_interests=["x" * (validation.FREE_LIST_ITEM_MAX_LENGTH + 1)],
            capacity="",
        )
    assert refused.value.errors == {
        "destination_url": [f"At most {validation.URL_MAX_LENGTH} characters."],
        "audience_interests": [
            f"At most {validation.FREE_LIST_MAX_ITEMS} entries of "
            f"{validation.FREE_LIST_ITEM_MAX_LENGTH} characters each."
        ],
        "capacity": ["This field is required."],
    }


def test_the_model_form_and_serializer_share_each_text_limit() -> None:
    form_fields = program_forms.ProgramBriefForm.base_fields
    serializer_fields = program_serializers.ProgramBriefSerializer().fields
    for field, limit in TEXT_LIMITS.items():
        assert Program._meta.get_field(field).max_length == limit, field
        assert serializer_fields[field].max_length == limit, field
        if getattr(form_fields[field], "max_length", None) is not None:
            assert form_fields[field].max_length == limit, field
    url_field = Program._meta.get_field("destination_url")
    assert url_field.max_length == form_fields["destination_url"].max_length
    assert url_field.max_length == validation.URL_MAX_LENGTH
