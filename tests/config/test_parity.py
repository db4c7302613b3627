"""Parity: every write the API offers a staff or creator role has a page control for that role.

The API is for integrations; people work in the browser and the portal. ``PARITY`` maps each
API write (URL name, method), found by walking the URL resolver, to the page that shows the
control and the page route its form posts to. A new API write fails the test until it gets a
row here (or an entry in ``API_ONLY`` with the reason), so every new endpoint forces a decision.
Pages and API share the capability predicates of ``organizations/permissions.py``, so a control
offered on the page is offered to the same roles.

For a representative subset, the page is rendered for a real object and must hold a
``<form method="post">`` to the mapped route (with the mapped ``action`` button, if any).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from influencers import services as creators
from messaging.kinds import Topic
from messaging.models import Request, Task
from messaging.services.requests import request_create
from organizations.roles import Role
from organizations.services import invitation_create
from payments.models import PaymentRun
from programs.cases import services as cases
from programs.content import services as content
from programs.deadlines import services as deadlines
from programs.models import ComplianceCase, Deliverable
from programs.recruiting import services as recruiting
from tests.config.test_probe import _walk
from tests.conftest import World, confirm_and_launch, make_payout, make_ready
from tests.factories import member

WRITE_METHODS = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Control:
    page: str  # the page (URL name) that shows the control
    post_to: str = ""  # the route its form posts to; empty: the page itself
    action: str = ""  # the form's ``action`` value, where one view serves several writes
    note: str = ""


# (API URL name, method) -> the page control that makes the same write.
PARITY: dict[tuple[str, str], Control] = {
    # organizations: brands, members, invitations
    ("api-brand-list", "POST"): Control("org_brands"),
    ("api-brand-detail", "PUT"): Control("org_brand_edit"),
    ("api-brand-detail", "PATCH"): Control("org_brand_edit"),
    ("api-member-detail", "DELETE"): Control("org_member_edit", action="remove"),
    ("api-member-set-role", "POST"): Control("org_member_edit", action="role"),
    ("api-invitation-list", "POST"): Control("org_members"),
    ("api-invitation-detail", "DELETE"): Control("org_members", "org_invitation_revoke"),
    # messaging: the desk's tasks and threads, the creator's requests
    ("api-task-claim", "POST"): Control("desk_task", "desk_task_claim"),
    ("api-task-complete", "POST"): Control("desk_task", "desk_task_complete"),
    ("api-task-reassign", "POST"): Control("desk_task", "desk_task_reassign"),
    ("api-task-bulk", "POST"): Control("org_desk", "desk_task_bulk"),
    ("api-thread-messages", "POST"): Control("desk_thread"),
    ("api-my-request-list", "POST"): Control("portal_request_new"),
    ("api-my-thread-messages", "POST"): Control("portal_thread"),
    # programs
    ("api-program-list", "POST"): Control("program_create"),
    ("api-program-detail", "PATCH"): Control("program_edit"),
    ("api-program-cancel", "POST"): Control("program_detail", "program_cancel"),
    ("api-program-clone", "POST"): Control("program_clone"),
    ("api-program-close", "POST"): Control("program_detail", "program_close"),
    ("api-program-complete", "POST"): Control("program_detail", "program_complete"),
    ("api-program-launch", "POST"): Control("program_detail", "program_launch"),
    ("api-program-open-recruiting", "POST"): Control("program_detail", "program_open_recruiting"),
    ("api-program-deliverable-spec-list", "POST"): Control("program_deliverables"),
    ("api-program-deliverable-spec-detail", "DELETE"): Control(
        "program_deliverables", "program_deliverable_remove"
    ),
    # recruiting: the desk's roster and enrollment page, the creator's invitation
    ("api-enrollment-invite", "POST"): Control(
        "desk_program_candidates", "desk_program_invite", note="the enrollment hub may add one"
    ),
    ("api-enrollment-amend", "POST"): Control("enrollment_detail", action="amend"),
    ("api-enrollment-confirm", "POST"): Control("enrollment_detail", action="confirm"),
    ("api-enrollment-withdraw", "POST"): Control("enrollment_detail", action="withdraw"),
    ("api-my-invitation-accept", "POST"): Control("portal_invitation", action="accept"),
    ("api-my-invitation-decline", "POST"): Control("portal_invitation", action="decline"),
    # content, deadlines, cases
    ("api-submission-review", "POST"): Control("content_deliverable"),
    ("api-submission-bulk-approve", "POST"): Control("approvals_inbox"),
    ("api-my-deliverable-submit", "POST"): Control("portal_deliverable"),
    ("api-my-deliverable-publish", "POST"): Control("portal_deliverable"),
    ("api-extension-approve", "POST"): Control("desk_extensions", "desk_extension_decide"),
    ("api-extension-deny", "POST"): Control("desk_extensions", "desk_extension_decide"),
    ("api-my-deliverable-extension", "POST"): Control("portal_extension_request"),
    ("api-case-list", "POST"): Control("case_new", note="the enrollment hub links to it"),
    ("api-case-actions", "POST"): Control("case_detail"),
    ("api-my-case-respond", "POST"): Control("portal_case"),
    # tracking
    ("api-metric-list", "POST"): Control(
        "metrics_import", note="people record metrics in bulk; one record per call is for feeds"
    ),
    ("api-metric-import-csv", "POST"): Control("metrics_import"),
    # payments
    ("api-payment-run-start", "POST"): Control("payment_run_preview"),
    ("api-payment-run-approve", "POST"): Control("payment_run_detail", "payment_run_action"),
    ("api-payment-run-cancel", "POST"): Control("payment_run_detail", "payment_run_action"),
    ("api-payment-run-confirm", "POST"): Control("payment_run_detail", "payment_run_action"),
    ("api-payment-schedule", "PATCH"): Control("payment_schedule"),
    ("api-payout-detail", "PATCH"): Control("payout_detail", "payout_adjust"),
    # creators
    ("api-creator-list", "POST"): Control("creator_new"),
    ("api-creator-import-csv", "POST"): Control("creator_import"),
    ("api-creator-detail", "PATCH"): Control("creator_edit"),
    ("api-creator-invite", "POST"): Control("creator_detail", "creator_invite"),
    ("api-creator-milestone", "POST"): Control("creator_milestone"),
    ("api_my_profile", "PATCH"): Control("portal_profile"),
    # integrations: webhooks
    ("api-webhook-list", "POST"): Control("webhook_list"),
    ("api-webhook-detail", "PATCH"): Control("webhook_detail"),
    ("api-webhook-detail", "DELETE"): Control("webhook_detail", "webhook_delete"),
    ("api-webhook-rotate-secret", "POST"): Control("webhook_detail", "webhook_rotate"),
    ("api-webhook-delivery-replay", "POST"): Control("webhook_detail", "webhook_replay"),
    # privacy: the creator's data export and erasure
    ("api_my_data_export", "POST"): Control("portal_data"),
    ("api_my_erasure", "POST"): Control("portal_data", "portal_data_erase"),
    # commerce: orders (one or a batch through the CSV import page) and discount codes
    ("api-order-list", "POST"): Control("orders_import", note="the same orders, as CSV"),
    ("api-order-import-csv", "POST"): Control("orders_import"),
    ("api-discount-code-list", "POST"): Control("enrollment_detail", "discount_code_add"),
    ("api-discount-code-deactivate", "POST"): Control(
        "enrollment_detail", "discount_code_deactivate"
    ),
}
# (API URL name, method) -> why no page offers it (machine-only ingestion, and the like).
API_ONLY: dict[tuple[str, str], str] = {
    ("api-order-refunds", "POST"): "refunds come from the shop's systems (or its webhook), "
    "never typed in by a person",
}


def api_writes() -> set[tuple[str, str]]:
    """Every (URL name, method) that writes under /api/v1/, from the resolver."""
    found = set()
    for text, _kwargs, item in _walk(get_resolver().url_patterns):
        if not text.startswith("api/v1/"):
            continue
        actions = getattr(item.callback, "actions", None)
        view_class = getattr(item.callback, "cls", None)
        methods = list(actions) if actions else [m for m in WRITE_METHODS if hasattr(view_class, m)]
        found |= {(str(item.name), m.upper()) for m in methods if m in WRITE_METHODS}
    return found


def page_names() -> set[str]:
    return {
        str(item.name)
        for text, _kwargs, item in _walk(get_resolver().url_patterns)
        if not text.startswith("api/")
    }


def test_every_api_write_has_a_page_control_or_a_reason() -> None:
    writes = api_writes()
    assert len(writes) > 40  # the walk found the API
    missing = sorted(writes - set(PARITY) - set(API_ONLY))
    stale = sorted((set(PARITY) | set(API_ONLY)) - writes)
    both = sorted(set(PARITY) & set(API_ONLY))
    assert not missing, f"API writes with no page row (add to PARITY or API_ONLY): {missing}"
    assert not stale, f"rows for API writes that no longer exist: {stale}"
    assert not both, f"in both PARITY and API_ONLY: {both}"


def test_every_row_names_real_pages() -> None:
    pages = page_names()
    unknown = sorted(
        {name for control in PARITY.values() for name in (control.page, control.post_to) if name}
        - pages
    )
    assert not unknown, f"PARITY names URL names that do not resolve: {unknown}"


# --- the page really offers the control (a representative subset) ---


class FormParser(HTMLParser):
    """The POST forms of a page: (action URL as written, the ``action`` values they send)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, set[str]]] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self._open = (found.get("method") or "").lower() == "post"
            if self._open:
                self.forms.append((found.get("action") or "", set()))
        elif self._open and tag in ("button", "input") and found.get("name") == "action":
            self.forms[-1][1].add(found.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = False


def offers(
    client: Client, api: tuple[str, str], kwargs: dict[str, Any], target: dict[str, Any] | None
) -> bool:
    """Whether the row's page, opened with ``kwargs``, has a POST form to the row's route
    (named by ``target``, else by the same kwargs) carrying the row's ``action``."""
    control = PARITY[api]
    page_url = reverse(control.page, kwargs=kwargs)
    response = client.get(page_url)
    assert response.status_code == 200, (api, page_url, response.status_code)
    target_url = reverse(control.post_to, kwargs=target or kwargs) if control.post_to else page_url
    parser = FormParser()
    parser.feed(response.content.decode())
    return any(
        urlsplit(urljoin(page_url, action)).path == target_url
        and (not control.action or control.action in values)
        for action, values in parser.forms
    )


Check = tuple[tuple[str, str], dict[str, Any], dict[str, Any] | None]


def missing_controls(client: Client, checks: list[Check]) -> list[str]:
    return [
        f"{PARITY[api].page} offers no form for {api}"
        for api, kwargs, target in checks
        if not offers(client, api, kwargs, target)
    ]


def _request_task(world: World) -> tuple[Request, Task]:
    request = request_create(
        creator=world.creator,
        user=world.creator.user,
        topic=Topic.REQUIREMENTS,
        text="Which shade do I show?",
        enrollment=world.enrollment,
    )
    return request, Task.objects.get(source_request=request)


@pytest.mark.django_db
def test_pages_offer_the_mapped_controls(world: World) -> None:
    cast = world.cast
    org = {"org_slug": cast.org.slug}
    request, task = _request_task(world)
    make_ready(world.creator)  # so a run would pay the payout below, and offers to start
    admin_user = cast.members[Role.ADMIN].user
    spec = world.program.deliverable_specs.get()
    invitation, _token = invitation_create(
        organization=cast.org, actor=admin_user, email="new@northwind.test", role=Role.ISM
    )
    roster_only = creators.creator_create(
        organization=cast.org, actor=admin_user, display_name="Nora Glow", email="nora@x.test"
    )
    recruiting.enrollment_move(
        enrollment=world.other_enrollment, target="accepted", actor=admin_user
    )
    staff_checks: list[Check] = [
        (("api-program-launch", "POST"), {**org, "pk": world.program.pk}, None),
        (("api-program-cancel", "POST"), {**org, "pk": world.program.pk}, None),
        (("api-enrollment-withdraw", "POST"), {**org, "pk": world.enrollment.pk}, None),
        (("api-enrollment-amend", "POST"), {**org, "pk": world.enrollment.pk}, None),
        (("api-member-set-role", "POST"), {**org, "pk": cast.members[Role.ISM].pk}, None),
        (("api-member-detail", "DELETE"), {**org, "pk": cast.members[Role.ISM].pk}, None),
        (("api-brand-list", "POST"), org, None),
        (("api-payment-run-start", "POST"), org, None),
        (("api-payout-detail", "PATCH"), {**org, "pk": make_payout(world).pk}, None),
        (("api-task-claim", "POST"), {**org, "pk": task.pk}, None),
        (("api-task-complete", "POST"), {**org, "pk": task.pk}, None),
        (("api-task-reassign", "POST"), {**org, "pk": task.pk}, None),
        (("api-thread-messages", "POST"), {**org, "pk": request.thread_id}, None),
        (("api-creator-milestone", "POST"), {**org, "pk": world.creator.pk}, None),
        (("api-program-deliverable-spec-list", "POST"), {**org, "pk": world.program.pk}, None),
        (
            ("api-program-deliverable-spec-detail", "DELETE"),
            {**org, "pk": world.program.pk},
            {**org, "pk": world.program.pk, "spec_pk": spec.pk},
        ),
        (("api-invitation-detail", "DELETE"), org, {**org, "pk": invitation.pk}),
        (("api-creator-invite", "POST"), {**org, "pk": roster_only.pk}, None),
        (("api-enrollment-confirm", "POST"), {**org, "pk": world.other_enrollment.pk}, None),
    ]
    creator_checks: list[Check] = [
        (("api-my-invitation-accept", "POST"), {"pk": world.enrollment.pk}, None),
        (("api-my-invitation-decline", "POST"), {"pk": world.enrollment.pk}, None),
        (("api-my-thread-messages", "POST"), {"pk": request.thread_id}, None),
        (("api_my_profile", "PATCH"), {}, None),
    ]
    admin = cast.client_for(Role.ADMIN)
    missing = missing_controls(admin, staff_checks)
    missing += missing_controls(world.creator_client(), creator_checks)
    # The desk's bulk bar shows above a list of tasks: the ISM's (the request is theirs).
    bulk_check: Check = (("api-task-bulk", "POST"), org, None)
    missing += missing_controls(cast.client_for(Role.ISM), [bulk_check])
    # Olli has no payout waiting: the page offers erasure (with one, it says why not).
    missing += missing_controls(
        world.creator_client("other_creator"),
        [
            (("api_my_data_export", "POST"), {}, None),
            (("api_my_erasure", "POST"), {}, None),
        ],
    )
    # A run another admin started (one open run at a time; nobody approves their own).
    run = PaymentRun.objects.create(
        organization=cast.org,
        state=PaymentRun.State.AWAITING_APPROVAL,
        trigger=PaymentRun.Trigger.MANUAL,
        provider="sandbox",
        started_by=member(cast.org, Role.ADMIN, email="second@northwind.test").user,
    )
    run_page = {**org, "pk": run.pk}
    missing += missing_controls(
        admin,
        [
            (("api-payment-run-approve", "POST"), run_page, {**run_page, "action": "approve"}),
            (("api-payment-run-cancel", "POST"), run_page, {**run_page, "action": "cancel"}),
        ],
    )
    assert not missing, "\n".join(missing)


@pytest.mark.django_db
def test_pages_of_a_launched_program_offer_the_mapped_controls(world: World) -> None:
    confirm_and_launch(world)
    cast, creator = world.cast, world.creator
    org = {"org_slug": cast.org.slug}
    deliverable = Deliverable.objects.get(enrollment=world.enrollment)
    before = missing_controls(
        world.creator_client(),
        [
            (("api-my-deliverable-submit", "POST"), {"pk": deliverable.pk}, None),
            (("api-my-deliverable-extension", "POST"), {"pk": deliverable.pk}, None),
        ],
    )
    extension = deadlines.extension_request(
        deliverable=deliverable,
        user=creator.user,
        requested_due_on=deliverable.due_on + timedelta(days=60),  # beyond self-service
        reason="I am ill",
    )
    content.submission_create(deliverable=deliverable, user=creator.user, caption="Glow #ad")
    bsm = cast.members[Role.BSM]
    case = cases.case_open(
        enrollment=world.enrollment,
        actor=bsm.user,
        membership=bsm,
        kind=ComplianceCase.Kind.GUIDELINE_BREACH,
        severity=ComplianceCase.Severity.MEDIUM,
        evidence="The serum is not shown.",
        evidence_links=[],
    )
    staff_checks: list[Check] = [
        (("api-submission-review", "POST"), {**org, "pk": deliverable.pk}, None),
        (("api-submission-bulk-approve", "POST"), org, None),
        (("api-extension-approve", "POST"), org, {**org, "pk": extension.pk}),
        (("api-extension-deny", "POST"), org, {**org, "pk": extension.pk}),
        (("api-case-actions", "POST"), {**org, "pk": case.pk}, None),
    ]
    missing = before + missing_controls(cast.client_for(Role.ADMIN), staff_checks)
    assert not missing, "\n".join(missing)


@pytest.mark.django_db
def test_the_webhook_pages_offer_the_mapped_controls(cast: Any) -> None:
    from influencer_ops.events import EventType, emit
    from integrations.webhooks.services import endpoint_create

    endpoint = endpoint_create(
        organization=cast.org,
        actor=cast.members[Role.ADMIN].user,
        url="https://hooks.example.com/in",
        events=[EventType.CASE_OPENED],
    )
    emit(cast.org, EventType.CASE_OPENED, {"case_id": 1})
    delivery = endpoint.deliveries.get()
    org = {"org_slug": cast.org.slug}
    page = {**org, "pk": endpoint.pk}
    checks: list[Check] = [
        (("api-webhook-list", "POST"), org, None),
        (("api-webhook-detail", "PATCH"), page, None),
        (("api-webhook-detail", "DELETE"), page, None),
        (("api-webhook-rotate-secret", "POST"), page, None),
        (("api-webhook-delivery-replay", "POST"), page, {**page, "delivery_pk": delivery.pk}),
    ]
    missing = missing_controls(cast.client_for(Role.ADMIN), checks)
    assert not missing, "\n".join(missing)
