"""The outside prober, replayed: every route with an id in its URL, asked with ids that are not
the asker's (another org's, or another creator's in the same org), by an admin of org A, by a
creator of org A and anonymously.

The routes come from the URL resolver, so a new route is probed without anyone adding it here
(and fails until its id's model is named in ``SEGMENT_MODELS``). The oracle for an id that is not
yours is the answer for a missing id: the same status, never a success, no 5xx, none of the
other side's marker text in the body, and none of their rows changed. A positive control (your
own id is found) shows that each route was probed with the right kind of id.

The probe runs twice: under row-level security (as in production) and with the database wall
lowered, so that the application wall alone must hold (a hole there would otherwise hide
behind RLS).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from commerce.models import DiscountCode, Order
from influencer_ops import tenancy
from influencer_ops.models import AuditEvent
from influencer_ops.rls import tenant_models
from influencers.models import Availability, CreatorExclusion, CreatorProfile, ProgramInterest
from integrations.models import WebhookDelivery, WebhookEndpoint
from messaging.models import Task, Thread
from organizations.models import Brand, Membership, Organization, StaffInvitation
from organizations.roles import Role
from payments.models import PaymentRun, Payout, TaxForm
from programs.models import (
    ComplianceCase,
    Deliverable,
    DeliverableSpec,
    Enrollment,
    Extension,
    Program,
    Submission,
    SubmissionMedia,
    TimeEntry,
)
from tests.conftest import login_client, make_creator
from tests.factories import (
    BrandFactory,
    CreatorExclusionFactory,
    DailyClicksFactory,
    DiscountCodeFactory,
    MetricRecordFactory,
    OrderFactory,
    OrganizationFactory,
    PayoutFactory,
    member,
)
from tracking.models import MetricRecord, TrackedLink

pytestmark = pytest.mark.django_db

# Marker text in everything org B owns, and in creator 2's private texts (creator 1 is in the
# same org as creator 2). Neither may appear in any answer to the prober.
B_MARK = "Qzbx"
C2_MARK = "Wvmk"
MISSING = 2_000_000_000

# The model an int URL kwarg names: by kwarg name first, else by the path segment before it
# ("org": under /orgs/<slug>/, "me": the portal and /api/v1/me/).
KWARG_MODELS: dict[str, type[Model]] = {
    "spec_pk": DeliverableSpec,
    "form_pk": TaxForm,
    "program_pk": Program,
    "delivery_pk": WebhookDelivery,
    "code_pk": DiscountCode,
}
SEGMENT_MODELS: dict[tuple[str, str], type[Model]] = {
    ("org", "members"): Membership,
    ("org", "invitations"): StaffInvitation,
    ("org", "brands"): Brand,
    ("org", "audit-events"): AuditEvent,
    ("org", "tasks"): Task,
    ("org", "threads"): Thread,
    ("org", "programs"): Program,
    ("org", "deliverable-specs"): DeliverableSpec,
    ("org", "enrollments"): Enrollment,
    ("org", "deliverables"): Deliverable,
    ("org", "submissions"): Submission,
    ("org", "extensions"): Extension,
    ("org", "cases"): ComplianceCase,
    ("org", "metrics"): MetricRecord,
    ("org", "runs"): PaymentRun,
    ("org", "payment-runs"): PaymentRun,
    ("org", "payouts"): Payout,
    ("org", "creators"): CreatorProfile,
    ("org", "availability"): Availability,
    ("org", "interests"): ProgramInterest,
    ("org", "media"): SubmissionMedia,
    ("org", "webhooks"): WebhookEndpoint,
    ("org", "endpoints"): WebhookEndpoint,
    ("org", "orders"): Order,
    ("org", "discount-codes"): DiscountCode,
    ("org", "deliveries"): WebhookDelivery,
    ("me", "threads"): Thread,
    ("me", "invitations"): Enrollment,
    ("me", "deliverables"): Deliverable,
    ("me", "cases"): ComplianceCase,
    ("me", "performance"): Enrollment,
    ("me", "enrollments"): Enrollment,
    ("me", "payouts"): Payout,
    ("me", "availability"): Availability,
    ("me", "interests"): ProgramInterest,
    ("me", "media"): SubmissionMedia,
    ("me", "exclusions"): CreatorExclusion,
    ("me", "hours"): TimeEntry,
    ("me", "time-entries"): TimeEntry,
}
# A nested id's parent: the URL's other int kwarg is this field of the child.
PARENT_FIELDS: dict[type[Model], str] = {
    Availability: "profile_id",
    ProgramInterest: "profile_id",
    DeliverableSpec: "program_id",
    TaxForm: "creator_id",
    WebhookDelivery: "endpoint_id",
    DiscountCode: "enrollment_id",
}
# Valid values of the str kwargs that are not secrets.
# ``token``: the data export's signed link (a made-up one is a 404; its owner check is tested
# in tests/influencers/test_privacy.py).
STR_VALUES = {"table": "funnel", "action": "approve", "token": "not-a-real-token"}
SKIP_PREFIXES = ("admin/", "accounts/", "api/schema/", "api/docs/", "healthz", "__")
SUCCESS = {200, 201, 202, 204}
# Routes where even the owner's id may be a 404 (the positive control skips them).
OWNER_404 = {
    "payment_run_export": "only a run of the CSV-export provider has a bank file",
    # The probe's first place of a creator is not confirmed yet: hours exist only for a place that
    # works or worked (programs.hours.services.HOURS_PAGE_STATES), and only those link there.
    "portal_hours": "only a place that works or worked has hours",
}


# --- the routes ---


@dataclass
class Route:
    name: str
    pattern: str
    kwargs: list[str]
    methods: list[str]
    scope: str  # "org" (under /orgs/<slug>/), "me" (portal, /api/v1/me/) or "public"
    models: dict[str, type[Model]] = field(default_factory=dict)


def _names(pattern: Any) -> list[str]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    regex = getattr(pattern, "regex", None)
    return list(regex.groupindex) if regex is not None else []


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", names: tuple[str, ...] = ()
) -> Iterator[tuple[str, tuple[str, ...], URLPattern]]:
    for item in patterns:
        text = prefix + str(item.pattern)
        found = names + tuple(_names(item.pattern))
        if isinstance(item, URLResolver):
            yield from _walk(item.url_patterns, text, found)
        else:
            yield text, found, item


def _methods(item: URLPattern) -> list[str]:
    actions = getattr(item.callback, "actions", None)
    if actions:
        return sorted(m.upper() for m in actions if m not in ("head", "options"))
    view_class = getattr(item.callback, "view_class", None)
    if view_class is not None:
        return [m for m in ("GET", "POST") if hasattr(view_class, m.lower())]
    return ["GET", "POST"]


def collect_routes() -> tuple[list[Route], list[str]]:
    """Every named route with an int or str kwarg, and the routes it cannot map."""
    routes, unmapped = [], []
    for text, kwargs, item in _walk(get_resolver().url_patterns):
        plain = text.replace("^", "")
        if plain.startswith(SKIP_PREFIXES) or not kwargs:
            continue
        assert item.name, f"unnamed route {text}"
        scope = "org" if "org_slug" in kwargs else "me" if re.search(r"portal/|me/", plain) else ""
        route = Route(item.name, plain, list(kwargs), _methods(item), scope or "public")
        sample = reverse(item.name, kwargs=_sample_kwargs(route))
        segments = sample.strip("/").split("/")
        for name in kwargs:
            if name in ("org_slug", *STR_VALUES) or route.scope == "public":
                continue
            model = KWARG_MODELS.get(name)
            if model is None:
                index = segments.index(str(_placeholder(route, name)))
                model = SEGMENT_MODELS.get((route.scope, segments[index - 1]))
            if model is None:
                unmapped.append(f"{item.name}: {name} in {plain}")
            else:
                route.models[name] = model
        routes.append(route)
    return routes, unmapped


def _placeholder(route: Route, name: str) -> int | str:
    if name == "org_slug":
        return "slug-x"
    if name in STR_VALUES:
        return STR_VALUES[name]
    if route.scope == "public":
        return "not-a-real-token"
    return 9_000_001 + route.kwargs.index(name)


def _sample_kwargs(route: Route) -> dict[str, Any]:
    return {name: _placeholder(route, name) for name in route.kwargs}


# --- the world ---


@dataclass
class Side:
    org: Organization
    admin: Any
    creator1: CreatorProfile
    creator2: CreatorProfile
    tokens: dict[str, str]


def _brief(today: Any, *, launch_in: int, mark: str) -> dict[str, Any]:
    launch = today + timedelta(days=launch_in)
    return {
        "goals": f"{mark} goals for honest reviews.",
        "platforms": ["instagram"],
        "categories": ["beauty"],
        "guidelines": f"{mark} guidelines: show the product.",
        "launch_on": launch,
        "end_on": launch + timedelta(days=60),
        "capacity": 5,
        "budget_amount": Decimal("10000.00"),
        "flat_fee": Decimal("400.00"),
        "per_click_rate": Decimal("0.1500"),
        "milestone_bonus": Decimal("150.00"),
    }


def _png() -> Any:
    """A small uploaded image (its file and thumbnail are served by the media routes)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="PNG")
    return SimpleUploadedFile("draft.png", out.getvalue(), content_type="image/png")


def build_side(slug: str, mark: str, c2_mark: str) -> Side:
    """One org with real data of every kind: programs in several states, two creators with
    logins and their enrollments, content, cases, requests, links, metrics, payouts, runs,
    payout details and tax forms, invitations and creator links."""
    from influencer_ops.events import EventType
    from influencers import services as creators
    from integrations.webhooks import services as webhooks
    from messaging.kinds import Topic
    from messaging.services.requests import request_create
    from messaging.services.threads import announcement_create, message_post
    from organizations.services import invitation_create
    from payments.readiness import services as readiness
    from programs import services as programs
    from programs.calendar.services import program_feed_rotate
    from programs.cases import services as cases
    from programs.content import services as content
    from programs.deadlines import services as deadlines
    from programs.hours.services import time_entry_log
    from programs.recruiting import services as recruiting
    from tracking.links import services as links

    today = timezone.localdate()
    org = OrganizationFactory(name=f"{mark} Agency", slug=slug)
    brand: Brand = BrandFactory(organization=org, name=f"{mark} Brand", slug=f"{slug}-brand")
    admin = member(org, Role.ADMIN, email=f"admin@{slug}.test").user
    # First: every event the services below emit gets a delivery in its log.
    webhooks.endpoint_create(
        organization=org,
        actor=admin,
        url=f"https://hooks.{slug}.example/in",
        description=f"{mark} CRM",
        events=EventType.values,
    )
    ism = member(org, Role.ISM, email=f"ism@{slug}.test").user
    bsm_membership = member(org, Role.BSM, email=f"bsm@{slug}.test")
    approver = member(org, Role.APPROVER, brands=[brand], email=f"approver@{slug}.test")
    c1 = make_creator(org, f"{mark} Cara", f"cara@{slug}.test")
    c2 = make_creator(org, f"{c2_mark} {mark} Olli", f"olli@{slug}.test")
    CreatorExclusionFactory(user=c1.user, value=f"{mark} energy drinks")
    CreatorExclusionFactory(user=c2.user, value=f"{c2_mark} {mark} vapes")
    roster = creators.creator_create(
        organization=org, actor=ism, display_name=f"{mark} Nora", email=f"nora@{slug}.test"
    )

    def program(name: str, launch_in: int) -> Program:
        created = programs.program_create(
            organization=org,
            brand=brand,
            name=f"{mark} {name}",
            actor=admin,
            assigned_ism=ism,
            assigned_bsm=bsm_membership.user,
            **_brief(today, launch_in=launch_in, mark=mark),
        )
        programs.deliverable_spec_add(
            program=created,
            actor=admin,
            kind="post",
            platform="instagram",
            count=2,
            due_offset_days=10,
        )
        return created

    def join(prog: Program, *profiles: CreatorProfile) -> list[Enrollment]:
        programs.program_open_recruiting(program=prog, actor=admin)
        enrollments = recruiting.enrollment_invite(program=prog, creators=profiles, actor=ism)
        for enrollment, profile in zip(enrollments, profiles, strict=True):
            recruiting.invitation_accept(enrollment=enrollment, user=profile.user, terms_version=1)
            recruiting.enrollment_confirm(enrollment=enrollment, actor=ism)
        return enrollments

    programs.program_create(
        organization=org, brand=brand, name=f"{mark} Draft", actor=admin, goals=f"{mark} draft"
    )
    recruiting_program = program("Recruiting", 30)
    programs.program_open_recruiting(program=recruiting_program, actor=admin)
    recruiting.enrollment_invite(program=recruiting_program, creators=[c1, c2], actor=ism)
    launched = program("Launched", -10)
    enrollments = join(launched, c1, c2)
    programs.program_launch(program=launched, actor=admin)
    links.links_create_for_program(program=launched)
    done = program("Completed", -20)
    join(done, c1)
    programs.program_launch(program=done, actor=admin)
    programs.program_complete(program=done, actor=admin)
    cancelled = program("Cancelled", 20)
    programs.program_open_recruiting(program=cancelled, actor=admin)
    programs.program_cancel(program=cancelled, actor=admin, reason=f"{mark} venue fell through")

    for enrollment, text_mark in zip(enrollments, (mark, f"{c2_mark} {mark}"), strict=True):
        profile = enrollment.creator
        user = profile.user
        first, second = Deliverable.objects.filter(enrollment=enrollment).order_by("pk")[:2]
        submission = content.submission_create(
            deliverable=first, user=user, caption=f"{text_mark} caption #ad"
        )
        content.review_create(
            submission=submission,
            membership=approver,
            outcome="changes_requested",
            comment=f"{text_mark} comment",
            internal_note=f"{text_mark} internal",
        )
        content.submission_create(
            deliverable=first, user=user, caption=f"{text_mark} v2 #ad", files=[_png()]
        )
        second.refresh_from_db()
        deadlines.extension_request(
            deliverable=second,
            user=user,
            requested_due_on=second.due_on + timedelta(days=30),
            reason=f"{text_mark} I am ill",
        )
        cases.case_open(
            enrollment=enrollment,
            actor=bsm_membership.user,
            membership=bsm_membership,
            kind=ComplianceCase.Kind.GUIDELINE_BREACH,
            severity=ComplianceCase.Severity.MEDIUM,
            evidence=f"{text_mark} evidence",
            evidence_links=["https://instagram.example/p/1"],
        )
        request = request_create(
            creator=profile,
            user=user,
            topic=Topic.REQUIREMENTS,
            text=f"{text_mark} private question",
            enrollment=enrollment,
        )
        message_post(
            thread=request.thread, author=ism, text=f"{text_mark} staff reply", from_creator=False
        )
        time_entry_log(
            enrollment=Enrollment.objects.get(pk=enrollment.pk),
            user=user,
            worked_on=today,
            hours=Decimal("2"),
            description=f"{text_mark} filming hours",
        )
        readiness.payout_details_set(
            creator=profile,
            actor=user,
            method="bank",
            account_name=f"{text_mark} Account",
            account_identifier="DE89370400440532013000",
        )
        readiness.tax_form_submit(creator=profile, actor=user, kind="w9", reference=f"{text_mark}1")
        creators.availability_add(
            profile=profile,
            actor=user,
            away_from=today + timedelta(days=200),
            away_to=today + timedelta(days=210),
            note=f"{text_mark} holiday",
        )
        creators.interest_add(profile=profile, actor=user, category="food", note=f"{text_mark} x")
    announcement_create(program=launched, actor=admin, title=f"{mark} news", text=f"{mark} hi")
    # Performance and money of every kind (the demo no longer makes them on any org).
    for enrollment in enrollments:
        link = TrackedLink.objects.get(enrollment=enrollment)
        DailyClicksFactory(organization=org, link=link, valid=12)
        deliverable = Deliverable.objects.filter(enrollment=enrollment).order_by("pk").first()
        MetricRecordFactory(organization=org, deliverable=deliverable, reach=100)
        PayoutFactory(organization=org, enrollment=enrollment, earn_key=f"probe:{enrollment.pk}")
        DiscountCodeFactory(organization=org, enrollment=enrollment, code=f"P{enrollment.pk}")
        OrderFactory(organization=org, source_order_id=f"probe-{enrollment.pk}")
    PaymentRun.objects.create(
        organization=org,
        state=PaymentRun.State.AWAITING_APPROVAL,
        trigger=PaymentRun.Trigger.MANUAL,
        provider="sandbox",
        started_by=admin,
    )
    _, staff_token = invitation_create(
        organization=org, actor=admin, email=f"new@{slug}.test", role=Role.ISM
    )
    _, link_token = creators.creator_link_invite(profile=roster, actor=ism)
    code = TrackedLink.objects.filter(organization=org).values_list("code", flat=True)[0]
    return Side(
        org,
        admin,
        c1,
        c2,
        {
            "invitation_accept": staff_token,
            "creator_link_accept": link_token,
            "tracked_redirect": code,
            "calendar_feed": program_feed_rotate(program=launched, actor=admin).token,
        },
    )


# --- the probe ---


def _in_org(model: type[Model], org: Organization) -> Any:
    """A model's rows of an org; for a creator's own rows (not tenant rows), its creators'."""
    if model is CreatorExclusion:
        return model.objects.filter(user__creator_profiles__organization=org)
    return model.objects.filter(organization=org)


def _owner_filter(model: type[Model], creator: CreatorProfile) -> dict[str, Any]:
    """How a portal object belongs to a creator."""
    if model is CreatorExclusion:
        return {"user": creator.user}
    paths = {
        Enrollment: "creator",
        Deliverable: "enrollment__creator",
        ComplianceCase: "enrollment__creator",
        Payout: "creator",
        Availability: "profile",
        ProgramInterest: "profile",
        Thread: "enrollment__creator",
        SubmissionMedia: "submission__deliverable__enrollment__creator",
        TimeEntry: "creator",
    }
    return {paths[model]: creator}


def _ids(queryset: Any, n: int = 2) -> list[int]:
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    return sorted({ids[0], ids[-1]})[:n] if ids else []


def _with_parent(route: Route, child_name: str, child_id: int) -> dict[str, Any]:
    """The kwargs for a child id, with its own parent in the other int kwarg."""
    model = route.models[child_name]
    kwargs: dict[str, Any] = {child_name: child_id}
    parent_field = PARENT_FIELDS.get(model)
    if parent_field and len(route.models) > 1:
        parent = next(n for n in route.models if n != child_name)
        kwargs[parent] = getattr(model.objects.get(pk=child_id), parent_field)
    return kwargs


def _leaf(route: Route) -> str:
    """The kwarg that names the deepest object (the child of a nested route)."""
    for name, model in route.models.items():
        if model in PARENT_FIELDS and len(route.models) > 1:
            return name
    return list(route.models)[-1]


def _fingerprint(org_ids: list[int]) -> dict[str, list[tuple[Any, ...]]]:
    rows = {}
    for model in tenant_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        queryset = model.objects.filter(organization_id__in=org_ids).order_by("pk")
        rows[model._meta.label] = list(queryset.values_list(*fields))
    return rows


@dataclass
class Prober:
    a: Side
    b: Side
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    baseline: dict[tuple[Any, ...], tuple[int, str]] = field(default_factory=dict)

    def ask(self, client: Client, method: str, url: str) -> Any:
        self.requests += 1
        call = getattr(client, method.lower())
        if method in ("GET", "DELETE"):
            return call(url)
        return call(url, data="{}", content_type="application/json")

    def check(
        self,
        who: str,
        client: Client,
        route: Route,
        method: str,
        kwargs: dict[str, Any],
        missing: dict[str, Any] | None = None,
    ) -> None:
        """``kwargs`` name what is not the asker's; ``missing`` (default: every int id replaced
        by one that does not exist) is the request whose answer it must look like."""
        url = reverse(route.name, kwargs=kwargs)
        response = self.ask(client, method, url)
        status = response.status_code
        where = f"{who} {method} {url} [{route.name}]"
        location = response.get("Location", "")
        body = b"" if response.streaming else response.content
        if status >= 500:
            self.failures.append(f"{where}: {status} server error")
            return
        for mark in (B_MARK, C2_MARK) if who.startswith("creator") else (B_MARK,):
            if mark.encode() in body:
                self.failures.append(f"{where}: {status} shows marker {mark}")
        if who == "anonymous":
            login = status == 302 and "/accounts/login/" in location
            if not (login or status in (401, 403)):
                self.failures.append(f"{where}: {status} {location} for anonymous")
            return
        if missing is None:
            missing = {k: (MISSING if isinstance(v, int) else v) for k, v in kwargs.items()}
        key = (who, route.name, method, tuple(sorted(missing.items())))
        if key not in self.baseline:
            answer = self.ask(client, method, reverse(route.name, kwargs=missing))
            self.baseline[key] = (answer.status_code, answer.get("Location", ""))
        expected = self.baseline[key]
        if status in SUCCESS or (status, location) != expected:
            self.failures.append(
                f"{where}: {status} {location} but a missing id gives {expected[0]} {expected[1]}"
            )

    def foreign_kwargs(self, route: Route) -> list[dict[str, Any]]:
        """The kwargs that name objects which are not the asker's."""
        a, b = self.a, self.b
        slug = {"org_slug": a.org.slug} if "org_slug" in route.kwargs else {}
        extra = {k: v for k, v in STR_VALUES.items() if k in route.kwargs}
        leaf = _leaf(route)
        model = route.models[leaf]
        base = model.objects.all()
        victims = _ids(_in_org(model, b.org), 1)
        if route.scope == "me" and model in (
            Enrollment,
            Deliverable,
            ComplianceCase,
            Payout,
            Availability,
            ProgramInterest,
            Thread,
            CreatorExclusion,
        ):
            victims += _ids(base.filter(**_owner_filter(model, a.creator2)), 1)
        out = []
        for victim in victims:
            kwargs = slug | extra | _with_parent(route, leaf, victim)
            out.append(kwargs)
            if len(route.models) > 1:  # your own parent, their child
                parent = next(n for n in route.models if n != leaf)
                own = route.models[parent].objects.filter(organization=a.org)
                if route.models[parent] is CreatorProfile:
                    own = own.filter(pk=a.creator1.pk)
                own_id = own.values_list("pk", flat=True).first()
                out.append(kwargs | {parent: own_id})
        # Other single-kwarg routes also get the bare id of every other int kwarg.
        for name in route.models:
            if name != leaf:
                for victim in _ids(route.models[name].objects.filter(organization=b.org), 1):
                    child = route.models[leaf].objects.filter(organization=a.org)
                    child_id = child.values_list("pk", flat=True).first()
                    out.append(slug | extra | {name: victim, leaf: child_id})
        return out


def _probe(prober: Prober, routes: list[Route], *, full: bool) -> None:
    """``full``: every kind of asker and both slugs; otherwise only the ids (for 5xx)."""
    a, b = prober.a, prober.b
    admin, creator = login_client(a.admin), login_client(a.creator1.user)
    anonymous = Client()
    for client in (admin, creator, anonymous):
        client.raise_request_exception = False  # a crash is a 500 in the report, not a stop
    for route in routes:
        for method in route.methods:
            if route.scope == "public":
                if full:
                    _probe_token(prober, route, method, admin, anonymous)
                continue
            extra = {k: v for k, v in STR_VALUES.items() if k in route.kwargs}
            foreign = prober.foreign_kwargs(route) if route.models else []
            # The one who may use the route, with ids that are not theirs.
            owner_like = admin if route.scope == "org" else creator
            who = "admin of A" if route.scope == "org" else "creator 1 of A"
            for kwargs in foreign:
                prober.check(who, owner_like, route, method, kwargs)
            if not full:
                continue
            theirs = (foreign[0] if foreign else extra) | (
                {"org_slug": b.org.slug} if route.scope == "org" else {}
            )
            prober.check("anonymous", anonymous, route, method, theirs)
            if route.scope == "org":
                # B's slug (with B's own ids): an org you are not in is a missing one; a
                # creator is in no org at all.
                elsewhere = theirs | {"org_slug": "no-such-org"}
                prober.check("admin of A", admin, route, method, theirs, elsewhere)
                prober.check("creator 1 of A", creator, route, method, theirs, elsewhere)
            elif foreign:
                # Staff are no creators: the portal is not theirs.
                prober.check("admin of A", admin, route, method, foreign[0])


def _probe_token(
    prober: Prober, route: Route, method: str, admin: Client, anonymous: Client
) -> None:
    """Secret-token routes (/r/<code>, invitations): the token is the credential, so a real
    one works for anyone; a made-up one must be a plain 404, never a 5xx."""
    name = route.kwargs[0]
    for client in (admin, anonymous):
        real = [prober.b.tokens[route.name]] if method == "GET" else []  # POST would accept
        for value in ["not-a-real-token", *real]:
            url = reverse(route.name, kwargs={name: value})
            status = prober.ask(client, method, url).status_code
            if status >= 500 or (value == "not-a-real-token" and status in SUCCESS):
                prober.failures.append(f"{method} {url} [{route.name}]: {status}")


def _positive_control(prober: Prober, routes: list[Route]) -> list[str]:
    """Your own ids are found (a GET that is not a 404): the probe used the right models."""
    a = prober.a
    admin, creator = login_client(a.admin), login_client(a.creator1.user)
    wrong = []
    for route in routes:
        if route.scope == "public" or "GET" not in route.methods or not route.models:
            continue
        leaf = _leaf(route)
        model = route.models[leaf]
        queryset = _in_org(model, a.org)
        if route.scope == "me":
            queryset = queryset.filter(**_owner_filter(model, a.creator1))
        own = queryset.order_by("pk").values_list("pk", flat=True).first()
        assert own is not None, f"the world has no {model.__name__} for {route.name}"
        kwargs = _with_parent(route, leaf, own) | {
            k: v for k, v in STR_VALUES.items() if k in route.kwargs
        }
        if "org_slug" in route.kwargs:
            kwargs["org_slug"] = a.org.slug
        client = creator if route.scope == "me" else admin
        status = client.get(reverse(route.name, kwargs=kwargs)).status_code
        if (status == 404 and route.name not in OWNER_404) or status >= 500:
            wrong.append(f"{route.name} {kwargs}: {status} for the owner")
    return wrong


@pytest.fixture
def sides() -> tuple[Side, Side]:
    return build_side("probe-a", "Alpha", C2_MARK), build_side("probe-b", B_MARK, "Bravo")


def test_every_route_with_an_id_is_mapped_to_its_model() -> None:
    routes, unmapped = collect_routes()
    assert len(routes) > 80
    assert unmapped == [], "\n".join(unmapped)


@pytest.mark.parametrize("wall", ["rls", "application only"])
def test_no_route_answers_with_ids_that_are_not_yours(
    sides: tuple[Side, Side], wall: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = sides
    routes, unmapped = collect_routes()
    assert not unmapped
    if wall == "application only":
        real = tenancy._scope_for

        def lowered(org_ids: Any, user_id: Any, all_orgs: bool) -> tenancy.Scope:
            return real(org_ids, user_id, True)

        monkeypatch.setattr(tenancy, "_scope_for", lowered)
    before = _fingerprint([b.org.pk])
    prober = Prober(a, b)
    _probe(prober, routes, full=wall == "application only")
    after = _fingerprint([b.org.pk])
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"org B's rows changed: {changed}"
    wrong = _positive_control(prober, routes) if wall == "application only" else []
    report = prober.failures + wrong
    print(f"{len(routes)} routes, {prober.requests} requests")
    assert report == [], f"{len(report)} problems:\n" + "\n".join(report)


def test_list_pages_show_nothing_of_others(sides: tuple[Side, Side]) -> None:
    """Routes without ids (lists, dashboards, exports) under A's slug and in the portal."""
    a, _b = sides
    clients = {"admin of A": login_client(a.admin), "creator 1 of A": login_client(a.creator1.user)}
    failures = []
    for text, kwargs, item in _walk(get_resolver().url_patterns):
        plain = text.replace("^", "")
        if plain.startswith(SKIP_PREFIXES) or set(kwargs) - {"org_slug"} or not item.name:
            continue
        url = reverse(item.name, kwargs={"org_slug": a.org.slug} if kwargs else {})
        for who, client in clients.items():
            response = client.get(url)
            body = b"" if response.streaming else response.content
            if response.streaming:
                body = b"".join(response.streaming_content)
            marks = [B_MARK] + ([C2_MARK] if who.startswith("creator") else [])
            for mark in marks:
                if mark.encode() in body:
                    failures.append(f"{who} GET {url}: {response.status_code} shows {mark}")
            if response.status_code >= 500:
                failures.append(f"{who} GET {url}: {response.status_code}")
    assert failures == [], "\n".join(failures)
