"""The one path from a service's DomainError to what a person sees in the browser."""

import pytest
from django import forms
from django.http import Http404
from django.test import RequestFactory

from influencer_ops.errors import (
    Conflict,
    DomainError,
    DomainErrorMiddleware,
    FieldError,
    Forbidden,
    NotFound,
    form_add_domain_error,
)


class _Form(forms.Form):
    name = forms.CharField(required=False)


def test_a_field_error_lands_on_its_field_and_gives_the_status():
    form = _Form(data={"name": "x"})
    assert form.is_valid()
    status = form_add_domain_error(form, FieldError("name", "Too short."))
    assert status == 400
    assert form.errors == {"name": ["Too short."]}


def test_an_error_about_a_field_the_form_lacks_goes_above_the_form():
    form = _Form(data={})
    assert form.is_valid()
    assert form_add_domain_error(form, FieldError("budget", "Too large.")) == 400
    assert form.non_field_errors() == ["Too large."]
    assert form_add_domain_error(form, Conflict("Already launched.")) == 409


def test_not_found_is_a_404_not_a_form_error():
    form = _Form(data={})
    assert form.is_valid()
    with pytest.raises(Http404):
        form_add_domain_error(form, NotFound("Not found."))
    assert not form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "status", "shown"),
    [
        (DomainError("Pick a later date."), 400, "Pick a later date."),
        (Conflict("This program is launched."), 409, "This program is launched."),
        (Forbidden("Only admins may do this."), 403, "Only admins may do this."),
        (NotFound("Gone."), 404, "Page not found"),
    ],
)
def test_the_middleware_renders_an_escaped_domain_error_as_its_4xx_page(error, status, shown):
    request = RequestFactory().get("/orgs/x/")
    request.user = type("Anon", (), {"is_authenticated": False})()
    middleware = DomainErrorMiddleware(lambda r: None)
    response = middleware.process_exception(request, error)
    assert response is not None
    assert response.status_code == status
    assert shown in response.content.decode()


def test_the_middleware_leaves_other_exceptions_alone():
    middleware = DomainErrorMiddleware(lambda r: None)
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("x")) is None


@pytest.mark.django_db
@pytest.mark.urls("tests.core.domain_error_urls")
def test_a_refused_request_renders_its_page_and_keeps_nothing_it_wrote(client, django_user_model):
    user = django_user_model.objects.create_user(email="someone@example.test", password="x" * 12)
    client.force_login(user)  # the page's context processors read the database while rendering
    response = client.get("/refuse/")
    assert response.status_code == 409
    assert "This program is launched already." in response.content.decode()
    assert not django_user_model.objects.filter(email="half-written@example.test").exists()
