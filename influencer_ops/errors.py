"""Domain errors: services raise them; views show the message, the API answers 4xx.

One path from a ``DomainError`` to what the user sees:
- a form view calls ``form_add_domain_error(form, exc)`` and re-renders the form (4xx);
- a one-click action calls ``refuse_back(request, exc, to)``: the message on the page it came from;
- any other page lets it propagate: ``DomainErrorMiddleware`` renders the message on an error
  page with the error's status (400, 403, 404, 409);
- the API's exception handler (``influencer_ops.api``) answers JSON with the same status.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from influencer_ops.tenancy import NO_TRANSACTION_PREFIXES


class DomainError(Exception):
    """A rule refused the action; the message is safe to show to the user."""

    status_code = 400

    def field_errors(self) -> dict[str | None, list[str]]:
        """The message per field name (None: about the whole form)."""
        return {None: [str(self)]}


class FieldError(DomainError):
    """A value the user typed is not acceptable; ``field`` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name

    def field_errors(self) -> dict[str | None, list[str]]:
        return {self.field: [str(self)]}


class NotFound(DomainError):
    """Missing and not-yours alike: the same answer for both."""

    status_code = 404


class Conflict(DomainError):
    """The action conflicts with the current state (an illegal transition, a duplicate)."""

    status_code = 409


class Forbidden(DomainError):
    """The actor's role does not allow the action."""

    status_code = 403


class Gone(DomainError):
    """It existed, but no longer can be had (an expired download link)."""

    status_code = 410


def form_add_domain_error(form: Any, exc: DomainError) -> int:
    """Show a refused write on the form — each message on its field when the form has that
    field, else above the form — and return the status to re-render it with. A 404 (missing or
    not yours) is not a form error: it raises Http404, the same page as any missing object."""
    if exc.status_code == 404:
        raise Http404(str(exc)) from exc
    for field, texts in exc.field_errors().items():
        target = field if field in getattr(form, "fields", {}) else None
        for message in texts:
            form.add_error(target, message)
    return exc.status_code


def refuse_back(request: HttpRequest, exc: DomainError, to: str) -> HttpResponse:
    """For a one-click action (a button, no form to re-render): the refusal as a message on the
    page the person came from."""
    if exc.status_code == 404:
        raise Http404(str(exc)) from exc
    messages.error(request, str(exc))
    return redirect(to)


class DomainErrorMiddleware:
    """A ``DomainError`` that escapes an HTML view becomes its 4xx page with the message, never a
    500, and nothing the view wrote before the refusal stays. (The API handles its own: DRF's
    exception handler runs first.)

    Inside the request's transaction a savepoint is taken before the view runs; a refusal rolls
    back to it, so the page (whose context processors read the database) renders on a clean
    transaction and the rest of the request goes on normally."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        if request.path.startswith((*NO_TRANSACTION_PREFIXES, "/api/")):
            return  # the tracked redirect never touches the database; the API answers its own
        if transaction.get_connection().in_atomic_block:
            request._domain_error_savepoint = transaction.savepoint()  # type: ignore[attr-defined]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        savepoint = getattr(request, "_domain_error_savepoint", None)
        if savepoint is not None:
            transaction.savepoint_rollback(savepoint)
        status = exception.status_code
        if status == 404:
            return render(request, "404.html", status=404)
        if status == 403:
            return render(request, "403.html", {"reason": str(exception)}, status=403)
        context = {"message": str(exception), "status": status}
        return render(request, "domain_error.html", context, status=status)
