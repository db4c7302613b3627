"""Every write about creators. Keyword-only, atomic, audited.

Desk services (``creator_*``, ``handle_*``, ``availability_*``, ``interest_*``,
``milestone_change``, ``creators_import_csv``, ``creator_link_invite``) are for members who may
work pre-launch (the views and API check it). Portal services (``*_own``) are for the creator
whose profile it is, and refuse anyone else.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.choices import Category, Platform
from influencer_ops.errors import Conflict, DomainError, Forbidden
from influencer_ops.tenancy import dangerously_unscoped, db_scope
from influencers.models import (
    DEFAULT_CLICK_MILESTONE,
    Availability,
    CreatorLink,
    CreatorProfile,
    MilestoneChange,
    ProgramInterest,
    SocialHandle,
)
from messaging.kinds import Topic
from messaging.services.requests import request_create

CREATOR_LINK_DAYS = 14
MAX_INT = 2_147_483_647  # PostgreSQL integer
MAX_RATE = Decimal("99999999.99")  # DecimalField(max_digits=10, decimal_places=2)
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_CHARS = 5_000_000
PROFILE_FIELDS = (
    "display_name",
    "email",
    "categories",
    "languages",
    "location",
    "rate_per_post",
    "rate_currency",
    "internal_notes",
)


class FieldError(DomainError):
    """A value the user typed is not acceptable; ``field`` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


# --- cleaning: one rule per field, shared by the forms, the API and the CSV import ---


def clean_display_name(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise FieldError("display_name", "A creator needs a name.")
    if len(value) > 150:
        raise FieldError("display_name", "A name has at most 150 characters.")
    return value


def clean_email(value: str) -> str:
    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError as exc:
        raise FieldError("email", f"“{value}” is not a valid e-mail address.") from exc
    return value


def clean_categories(values: Iterable[str]) -> list[str]:
    by_name = {c.value: c.value for c in Category} | {c.label.lower(): c.value for c in Category}
    cleaned: list[str] = []
    for raw in values:
        name = raw.strip().lower()
        if not name:
            continue
        if name not in by_name:
            raise FieldError("categories", f"Unknown category “{raw.strip()}”.")
        if by_name[name] not in cleaned:
            cleaned.append(by_name[name])
    return cleaned


def clean_languages(values: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in values:
        name = raw.strip()
        if not name:
            continue
        if len(name) > 40:
            raise FieldError("languages", "A language name has at most 40 characters.")
        if name.lower() not in (c.lower() for c in cleaned):
            cleaned.append(name)
    if len(cleaned) > 20:
        raise FieldError("languages", "List at most 20 languages.")
    return cleaned


def clean_location(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 120:
        raise FieldError("location", "A location has at most 120 characters.")
    return value


def clean_rate(value: Decimal | str | None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise FieldError("rate_per_post", f"“{value}” is not an amount.") from exc
    if not rate.is_finite() or rate < 0:
        raise FieldError("rate_per_post", "The rate per post cannot be negative.")
    if rate > MAX_RATE or rate != rate.quantize(Decimal("0.01")):
        raise FieldError("rate_per_post", "Use an amount up to 99,999,999.99 with two decimals.")
    return rate.quantize(Decimal("0.01"))


def clean_currency(value: str) -> str:
    value = (value or "").strip().upper()
    if len(value) != 3 or not value.isalpha() or not value.isascii():
        raise FieldError("rate_currency", "The currency is a three-letter ISO 4217 code.")
    return value


def clean_milestone(value: int | str) -> int:
    try:
        milestone = int(str(value).strip())
    except ValueError as exc:
        raise FieldError("click_milestone", f"“{value}” is not a whole number.") from exc
    if not 1 <= milestone <= MAX_INT:
        raise FieldError("click_milestone", "The click milestone is a whole number above 0.")
    return milestone


def clean_notes(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 5000:
        raise FieldError("internal_notes", "Internal notes have at most 5000 characters.")
    return value


def clean_audience(value: int | str | None, platform: str = "") -> int:
    name = f"{platform}_audience" if platform else "audience_size"
    if value is None or str(value).strip() == "":
        return 0
    try:
        audience = int(str(value).strip().replace("_", ""))
    except ValueError as exc:
        raise FieldError(name, f"“{value}” is not a whole number of followers.") from exc
    if not 0 <= audience <= MAX_INT:
        raise FieldError(name, "An audience is a whole number, 0 or more.")
    return audience


def clean_handle(data: Mapping[str, Any]) -> dict[str, Any]:
    """``{platform, handle, audience_size, engagement_rate}`` → clean values."""
    platform = str(data.get("platform", "")).strip().lower()
    if platform not in Platform.values:
        raise FieldError("handles", f"Unknown platform “{platform}”.")
    handle = str(data.get("handle", "")).strip().lstrip("@").strip()
    if not handle or len(handle) > 100:
        raise FieldError(platform, "A handle has 1 to 100 characters.")
    try:
        engagement = Decimal(str(data.get("engagement_rate") or 0))
    except InvalidOperation as exc:
        raise FieldError(f"{platform}_engagement", "The engagement rate is a percentage.") from exc
    if not engagement.is_finite() or not 0 <= engagement <= 100:
        raise FieldError(f"{platform}_engagement", "The engagement rate is between 0 and 100.")
    return {
        "platform": platform,
        "handle": handle,
        "audience_size": clean_audience(data.get("audience_size"), platform),
        "engagement_rate": engagement.quantize(Decimal("0.01")),
    }


def _clean_handles(handles: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned = [clean_handle(h) for h in handles]
    platforms = [h["platform"] for h in cleaned]
    if len(platforms) != len(set(platforms)):
        raise FieldError("handles", "One handle per platform.")
    return cleaned


def _email_taken(organization: Any, email: str, exclude_pk: int | None = None) -> bool:
    found = CreatorProfile.objects.filter(organization=organization, email__iexact=email)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.exists()


def _refresh_max_audience(profile: CreatorProfile) -> None:
    top = profile.handles.aggregate(top=Max("audience_size"))["top"] or 0
    if profile.max_audience != top:
        profile.max_audience = top
        profile.save(update_fields=["max_audience"])


def _snapshot(profile: CreatorProfile) -> dict[str, Any]:
    values = {f: getattr(profile, f) for f in PROFILE_FIELDS if f != "internal_notes"}
    values["rate_per_post"] = None if profile.rate_per_post is None else str(profile.rate_per_post)
    return values


# --- desk: profiles and handles ---


@transaction.atomic
def creator_create(
    *,
    organization: Any,
    actor: Any,
    display_name: str,
    email: str,
    categories: Iterable[str] = (),
    languages: Iterable[str] = (),
    location: str = "",
    rate_per_post: Decimal | str | None = None,
    rate_currency: str = "",
    click_milestone: int = DEFAULT_CLICK_MILESTONE,
    internal_notes: str = "",
    handles: Iterable[Mapping[str, Any]] = (),
) -> CreatorProfile:
    """Add a creator to the org's roster (no login yet). E-mails are unique per org."""
    email = clean_email(email)
    handle_list = _clean_handles(handles)
    if _email_taken(organization, email):
        raise FieldError("email", f"A creator with {email} already exists.")
    profile = CreatorProfile(
        organization=organization,
        display_name=clean_display_name(display_name),
        email=email,
        categories=clean_categories(categories),
        languages=clean_languages(languages),
        location=clean_location(location),
        rate_per_post=clean_rate(rate_per_post),
        rate_currency=clean_currency(rate_currency or organization.default_currency),
        click_milestone=clean_milestone(click_milestone),
        internal_notes=clean_notes(internal_notes),
        max_audience=max((h["audience_size"] for h in handle_list), default=0),
    )
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:
        raise Conflict(f"A creator with {email} already exists.") from exc
    SocialHandle.objects.bulk_create(
        SocialHandle(organization=organization, profile=profile, **h) for h in handle_list
    )
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.CREATOR_CREATED,
        target=profile,
        after=_snapshot(profile) | {"handles": [h["platform"] for h in handle_list]},
    )
    return profile


@transaction.atomic
def creator_update(
    *,
    profile: CreatorProfile,
    actor: Any,
    display_name: str,
    email: str,
    categories: Iterable[str],
    languages: Iterable[str],
    location: str,
    rate_per_post: Decimal | str | None,
    rate_currency: str,
    internal_notes: str,
    handles: Iterable[Mapping[str, Any]] | None = None,
) -> CreatorProfile:
    """Change the profile; ``handles`` (if given) becomes the full set of handles.
    The click milestone is not changed here: see ``milestone_change`` (it needs a reason)."""
    locked = CreatorProfile.objects.select_for_update().get(pk=profile.pk)
    email = clean_email(email)
    if _email_taken(locked.organization_id, email, exclude_pk=locked.pk):
        raise FieldError("email", f"A creator with {email} already exists.")
    before = _snapshot(locked)
    notes_changed = clean_notes(internal_notes) != locked.internal_notes
    locked.display_name = clean_display_name(display_name)
    locked.email = email
    locked.categories = clean_categories(categories)
    locked.languages = clean_languages(languages)
    locked.location = clean_location(location)
    locked.rate_per_post = clean_rate(rate_per_post)
    locked.rate_currency = clean_currency(rate_currency)
    locked.internal_notes = clean_notes(internal_notes)
    locked.save(update_fields=list(PROFILE_FIELDS))
    if handles is not None:
        _sync_handles(locked, _clean_handles(handles), actor)
    after = _snapshot(locked) | ({"internal_notes": "changed"} if notes_changed else {})
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_UPDATED,
        target=locked,
        before=before,
        after=after,
    )
    return locked


def _sync_handles(profile: CreatorProfile, wanted: list[dict[str, Any]], actor: Any) -> None:
    keep = {h["platform"] for h in wanted}
    for existing in list(profile.handles.all()):
        if existing.platform not in keep:
            handle_remove(profile=profile, actor=actor, platform=existing.platform)
    current = {h.platform: h for h in profile.handles.all()}
    for data in wanted:
        found = current.get(data["platform"])
        if found is None or any(getattr(found, k) != v for k, v in data.items()):
            handle_set(profile=profile, actor=actor, **data)


@transaction.atomic
def handle_set(
    *,
    profile: CreatorProfile,
    actor: Any,
    platform: str,
    handle: str,
    audience_size: int | str | None = None,
    engagement_rate: Decimal | str | None = None,
) -> SocialHandle:
    """Add or replace the profile's handle on ``platform``; keeps ``max_audience``."""
    data = clean_handle(
        {
            "platform": platform,
            "handle": handle,
            "audience_size": audience_size,
            "engagement_rate": engagement_rate,
        }
    )
    old = profile.handles.filter(platform=data["platform"]).first()
    before = None if old is None else {"handle": old.handle, "audience_size": old.audience_size}
    saved, _created = SocialHandle.objects.update_or_create(
        organization_id=profile.organization_id,
        profile=profile,
        platform=data["platform"],
        defaults={k: v for k, v in data.items() if k != "platform"},
    )
    _refresh_max_audience(profile)
    audit_record(
        organization=profile.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_HANDLE_SET,
        target=saved,
        before=before,
        after={"handle": saved.handle, "audience_size": saved.audience_size},
    )
    return saved


@transaction.atomic
def handle_remove(*, profile: CreatorProfile, actor: Any, platform: str) -> None:
    old = profile.handles.filter(platform=platform).first()
    if old is None:
        raise DomainError("The creator has no handle on that platform.")
    old.delete()
    _refresh_max_audience(profile)
    audit_record(
        organization=profile.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_HANDLE_REMOVED,
        target=profile,
        before={"platform": platform, "handle": old.handle, "audience_size": old.audience_size},
    )


# --- desk: availability, interests, milestone ---


def _clean_window(profile: CreatorProfile, away_from: date, away_to: date, note: str) -> str:
    if away_to < away_from:
        raise FieldError("away_to", "The window ends before it starts.")
    note = (note or "").strip()
    if len(note) > 200:
        raise FieldError("note", "A note has at most 200 characters.")
    clash = profile.availability.filter(away_from__lte=away_to, away_to__gte=away_from).first()
    if clash is not None:
        raise Conflict(
            f"It overlaps the away window {clash.away_from:%Y-%m-%d}–{clash.away_to:%Y-%m-%d}; "
            "remove that one first."
        )
    return note


@transaction.atomic
def availability_add(
    *, profile: CreatorProfile, actor: Any, away_from: date, away_to: date, note: str = ""
) -> Availability:
    """Record a window when the creator is away. Windows of one creator never overlap."""
    note = _clean_window(profile, away_from, away_to, note)
    window = Availability.objects.create(
        organization_id=profile.organization_id,
        profile=profile,
        away_from=away_from,
        away_to=away_to,
        note=note,
    )
    audit_record(
        organization=profile.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_AVAILABILITY_ADDED,
        target=window,
        after={"away_from": str(away_from), "away_to": str(away_to), "note": note},
    )
    return window


@transaction.atomic
def availability_remove(*, availability: Availability, actor: Any) -> None:
    audit_record(
        organization=availability.profile.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_AVAILABILITY_REMOVED,
        target=availability,
        before={"away_from": str(availability.away_from), "away_to": str(availability.away_to)},
    )
    availability.delete()


def _clean_interest(profile: CreatorProfile, category: str, note: str) -> tuple[str, str]:
    cleaned = clean_categories([category])
    if not cleaned:
        raise FieldError("category", "Choose a category.")
    note = (note or "").strip()
    if len(note) > 300:
        raise FieldError("note", "A note has at most 300 characters.")
    if profile.interests.filter(category=cleaned[0]).exists():
        raise Conflict(f"{Category(cleaned[0]).label} is already on the list.")
    return cleaned[0], note


@transaction.atomic
def interest_add(
    *, profile: CreatorProfile, actor: Any, category: str, note: str = ""
) -> ProgramInterest:
    """Record a kind of program the creator wants. One entry per category."""
    category, note = _clean_interest(profile, category, note)
    interest = ProgramInterest.objects.create(
        organization_id=profile.organization_id, profile=profile, category=category, note=note
    )
    audit_record(
        organization=profile.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_INTEREST_ADDED,
        target=interest,
        after={"category": category, "note": note},
    )
    return interest


@transaction.atomic
def interest_remove(*, interest: ProgramInterest, actor: Any) -> None:
    audit_record(
        organization=interest.profile.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_INTEREST_REMOVED,
        target=interest,
        before={"category": interest.category},
    )
    interest.delete()


@transaction.atomic
def milestone_change(
    *, profile: CreatorProfile, actor: Any, new: int, reason: str
) -> MilestoneChange:
    """Change the click milestone (it decides pay): a reason is required; history is kept."""
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", "Say why the milestone changes: it decides pay.")
    if len(reason) > 300:
        raise FieldError("reason", "A reason has at most 300 characters.")
    new = clean_milestone(new)
    locked = CreatorProfile.objects.select_for_update().get(pk=profile.pk)
    if new == locked.click_milestone:
        raise FieldError("new", f"The milestone is already {new}.")
    change = MilestoneChange.objects.create(
        organization_id=locked.organization_id,
        profile=locked,
        old=locked.click_milestone,
        new=new,
        reason=reason,
        actor=actor,
    )
    locked.click_milestone = new
    locked.save(update_fields=["click_milestone"])
    profile.click_milestone = new
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_MILESTONE_CHANGED,
        target=locked,
        before={"click_milestone": change.old},
        after={"click_milestone": new, "reason": reason},
    )
    return change


# --- desk: CSV import ---

IMPORT_REQUIRED = ("display_name", "email")
IMPORT_PLATFORMS = ("instagram", "tiktok", "youtube")
IMPORT_COLUMNS = (
    "display_name",
    "email",
    "categories",
    "languages",
    "location",
    "rate_per_post",
    "rate_currency",
    "click_milestone",
    *(c for p in IMPORT_PLATFORMS for c in (p, f"{p}_audience")),
)


@dataclass(frozen=True)
class ImportProblem:
    line: int  # the file's line number (the header is line 1)
    column: str  # "" when the whole row or file is concerned
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, line: int, column: str, message: str) -> None:
        self.problems.append(ImportProblem(line=line, column=column, message=message))


def _split(value: str) -> list[str]:
    return [part for part in (value or "").split(";") if part.strip()]


def _import_row(
    row: Mapping[str, str], org_currency: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One CSV row → (profile values incl. handles, [(column, message), …])."""
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    cleaners: dict[str, Any] = {
        "display_name": lambda: clean_display_name(row.get("display_name", "")),
        "email": lambda: clean_email(row.get("email", "")),
        "categories": lambda: clean_categories(_split(row.get("categories", ""))),
        "languages": lambda: clean_languages(_split(row.get("languages", ""))),
        "location": lambda: clean_location(row.get("location", "")),
        "rate_per_post": lambda: clean_rate(row.get("rate_per_post", "")),
        "rate_currency": lambda: clean_currency(row.get("rate_currency") or org_currency),
        "click_milestone": lambda: clean_milestone(
            row.get("click_milestone") or DEFAULT_CLICK_MILESTONE
        ),
    }
    for name, cleaner in cleaners.items():
        try:
            values[name] = cleaner()
        except FieldError as exc:
            errors.append((name, str(exc)))
    values["handles"] = []
    for platform in IMPORT_PLATFORMS:
        handle, audience = row.get(platform, "").strip(), row.get(f"{platform}_audience", "")
        try:
            if not handle:
                if audience.strip():
                    raise FieldError(platform, f"An audience needs a {platform} handle.")
                continue
            values["handles"].append(
                clean_handle({"platform": platform, "handle": handle, "audience_size": audience})
            )
        except FieldError as exc:
            errors.append((exc.field, str(exc)))
    return values, errors


def _read_csv(file_text: str, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    if len(file_text) > MAX_IMPORT_CHARS:
        report.add(1, "", "The file is too large: import at most 5 MB at a time.")
        return []
    reader = csv.reader(io.StringIO(file_text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
        unknown = [h for h in header if h not in IMPORT_COLUMNS]
        missing = [c for c in IMPORT_REQUIRED if c not in header]
        if unknown or missing or len(set(header)) != len(header):
            for name in unknown:
                report.add(1, name, f"Unknown column “{name}”.")
            for name in missing:
                report.add(1, name, f"The column “{name}” is required.")
            if len(set(header)) != len(header):
                report.add(1, "", "A column appears twice.")
            return []
        rows: list[tuple[int, dict[str, str]]] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                report.add(
                    reader.line_num, "", f"Expected {len(header)} cells, found {len(cells)}."
                )
                continue
            rows.append((reader.line_num, dict(zip(header, cells, strict=True))))
            if len(rows) > MAX_IMPORT_ROWS:
                report.add(reader.line_num, "", f"Import at most {MAX_IMPORT_ROWS} rows at a time.")
                return []
    except csv.Error as exc:
        report.add(reader.line_num, "", f"The file is not valid CSV: {exc}.")
        return []
    if not rows and report.ok:
        report.add(1, "", "The file has a header but no creators.")
    return rows


@transaction.atomic
def creators_import_csv(*, organization: Any, actor: Any, file_text: str) -> ImportReport:
    """Validate every row, then create all creators, or none if any row has a problem.

    Columns (header row required; only display_name and email must be present):
    display_name, email, categories (``;``-separated), languages (``;``-separated), location,
    rate_per_post, rate_currency (default: the org's), click_milestone (default 1000), and per
    platform (instagram, tiktok, youtube) the handle and ``<platform>_audience``.
    """
    report = ImportReport()
    rows = _read_csv(file_text, report)
    report.rows = len(rows)
    emails = {row.get("email", "").strip().lower() for _line, row in rows}
    existing = set(
        CreatorProfile.objects.filter(organization=organization)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", flat=True)
    )
    first_line: dict[str, int] = {}
    cleaned: list[dict[str, Any]] = []
    for line, row in rows:
        values, errors = _import_row(row, organization.default_currency)
        email = values.get("email")
        if email in existing:
            errors.append(("email", f"A creator with {email} already exists."))
        elif email in first_line:
            errors.append(("email", f"{email} is also on line {first_line[email]}."))
        elif email:
            first_line[email] = line
        for column, message in errors:
            report.add(line, column, message)
        cleaned.append(values)
    if not report.ok:
        return report
    _import_save(organization, actor, cleaned, report)
    return report


def _import_save(
    organization: Any, actor: Any, cleaned: list[dict[str, Any]], report: ImportReport
) -> None:
    profiles = [
        CreatorProfile(
            organization=organization,
            max_audience=max((h["audience_size"] for h in v["handles"]), default=0),
            **{k: val for k, val in v.items() if k != "handles"},
        )
        for v in cleaned
    ]
    try:
        with transaction.atomic():
            CreatorProfile.objects.bulk_create(profiles)
    except IntegrityError as exc:
        raise Conflict("Another change added one of these e-mails meanwhile; try again.") from exc
    SocialHandle.objects.bulk_create(
        SocialHandle(organization=organization, profile=p, **h)
        for p, v in zip(profiles, cleaned, strict=True)
        for h in v["handles"]
    )
    report.created = len(profiles)
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.CREATORS_IMPORTED,
        target=organization,
        after={"count": len(profiles), "ids": [p.pk for p in profiles]},
    )


# --- linking a creator's login to the org's profile ---


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def creator_link_url(token: str) -> str:
    return reverse("creator_link_accept", kwargs={"token": token})


@transaction.atomic
def creator_link_invite(
    *, profile: CreatorProfile, actor: Any, base_url: str = ""
) -> tuple[CreatorLink, str]:
    """E-mail the creator a one-time link (valid 14 days) to connect their login. Earlier
    unused links of the profile stop working. Returns the link and its token (mailed)."""
    locked = CreatorProfile.objects.select_for_update().get(pk=profile.pk)
    if locked.user_id is not None:
        raise Conflict(f"{locked.display_name} already has a portal login.")
    now = timezone.now()
    CreatorLink.objects.filter(profile=locked, accepted_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    token = secrets.token_urlsafe(32)
    link = CreatorLink.objects.create(
        organization_id=locked.organization_id,
        profile=locked,
        token_hash=_token_hash(token),
        invited_by=actor,
        expires_at=now + timedelta(days=CREATOR_LINK_DAYS),
    )
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_PORTAL_INVITED,
        target=link,
        after={"email": locked.email, "expires_at": link.expires_at.isoformat()},
    )
    org_name = locked.organization.name
    subject = f"{org_name} invites you to the Influencer Ops creator portal"
    body = (
        f"Hello {locked.display_name},\n\n{actor.display_name} at {org_name} invites you to "
        "the creator portal, where you keep your profile and availability, see your programs "
        f"and payments, and message your success manager.\n\n"
        f"Connect your login: {base_url}{creator_link_url(token)}\n\n"
        f"The link works once and expires on {link.expires_at:%Y-%m-%d %H:%M} UTC."
    )
    email = locked.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return link, token


def creator_link_by_token(token: str) -> CreatorLink | None:
    """Find a link by its secret token, whatever the org: the token is the credential."""
    with dangerously_unscoped():
        return (
            CreatorLink.objects.select_related("organization", "profile")
            .filter(token_hash=_token_hash(token))
            .first()
        )


@transaction.atomic
def creator_link_accept(*, link: CreatorLink, user: Any) -> CreatorProfile:
    """Connect ``user`` (signed in with the link) to the profile and open the portal to them.
    Refused when the link is used or expired, the profile has another login, or the user
    already has a profile in that org."""
    organization = link.organization
    with db_scope(org_ids=[organization.pk], user_id=user.pk):
        locked = CreatorLink.objects.select_for_update().get(pk=link.pk)
        if locked.accepted_at is not None:
            raise Conflict("This link has been used already.")
        if locked.expires_at <= timezone.now():
            raise Conflict("This link has expired. Ask your success manager for a new one.")
        profile = CreatorProfile.objects.select_for_update().get(pk=locked.profile_id)
        if profile.user_id is not None:
            raise Conflict("This profile is already connected to another login.")
        mine = CreatorProfile.objects.filter(organization=organization, user=user)
        if mine.exists():
            raise Conflict(f"You already have a creator profile with {organization.name}.")
        profile.user = user
        profile.save(update_fields=["user"])
        if not user.is_creator:
            user.is_creator = True
            user.save(update_fields=["is_creator"])
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        audit_record(
            organization=organization,
            actor=user,
            verb=AuditVerb.CREATOR_PORTAL_LINKED,
            target=profile,
            after={"user": user.email},
        )
        return profile


# --- portal: the creator edits their own profile; changes that matter reach the ISM ---


def _require_own(profile: CreatorProfile, user: Any) -> None:
    if profile.user_id is None or profile.user_id != user.pk:
        raise Forbidden("This is not your profile.")


@transaction.atomic
def profile_update_own(
    *,
    profile: CreatorProfile,
    user: Any,
    location: str,
    languages: Iterable[str],
    categories: Iterable[str],
    rate_per_post: Decimal | str | None,
) -> CreatorProfile:
    """The creator edits what is theirs: location, languages, categories, rate per post."""
    _require_own(profile, user)
    locked = CreatorProfile.objects.select_for_update().get(pk=profile.pk)
    fields = ["location", "languages", "categories", "rate_per_post"]
    before = {f: v for f, v in _snapshot(locked).items() if f in fields}
    locked.location = clean_location(location)
    locked.languages = clean_languages(languages)
    locked.categories = clean_categories(categories)
    locked.rate_per_post = clean_rate(rate_per_post)
    locked.save(update_fields=fields)
    audit_record(
        organization=locked.organization,
        actor=user,
        verb=AuditVerb.CREATOR_PROFILE_UPDATED_BY_CREATOR,
        target=locked,
        before=before,
        after={f: v for f, v in _snapshot(locked).items() if f in fields},
    )
    return locked


def _route(profile: CreatorProfile, user: Any, topic: str, text: str, note: str = "") -> None:
    if note:
        text = f"{text}\nTheir note: {note}"
    request_create(creator=profile, user=user, topic=topic, text=text)


def _window_text(away_from: date, away_to: date) -> str:
    return f"{away_from:%a %d %b %Y} to {away_to:%a %d %b %Y}"


@transaction.atomic
def availability_set_own(
    *, profile: CreatorProfile, user: Any, away_from: date, away_to: date, note: str = ""
) -> Availability:
    """The creator adds a window when they are away; the ISM gets it as a request."""
    _require_own(profile, user)
    if away_to < timezone.localdate():
        raise FieldError("away_to", "That window is already over.")
    window = availability_add(
        profile=profile, actor=user, away_from=away_from, away_to=away_to, note=note
    )
    text = f"{profile.display_name} will be away from {_window_text(away_from, away_to)}."
    _route(profile, user, Topic.AVAILABILITY, text, note=window.note)
    return window


@transaction.atomic
def availability_remove_own(*, availability: Availability, user: Any) -> None:
    """The creator withdraws an away window; the ISM gets it as a request."""
    profile = availability.profile
    _require_own(profile, user)
    window = _window_text(availability.away_from, availability.away_to)
    availability_remove(availability=availability, actor=user)
    text = f"{profile.display_name} is no longer away from {window}: available again."
    _route(profile, user, Topic.AVAILABILITY, text)


@transaction.atomic
def interest_add_own(
    *, profile: CreatorProfile, user: Any, category: str, note: str = ""
) -> ProgramInterest:
    """The creator asks for a kind of program; the ISM gets it as a program request."""
    _require_own(profile, user)
    interest = interest_add(profile=profile, actor=user, category=category, note=note)
    label = interest.get_category_display()
    text = f"{profile.display_name} would like {label} programs."
    _route(profile, user, Topic.PROGRAM_REQUEST, text, note=interest.note)
    return interest


@transaction.atomic
def interest_remove_own(*, interest: ProgramInterest, user: Any) -> None:
    """The creator no longer wants a kind of program; the ISM gets it as a program request."""
    profile = interest.profile
    _require_own(profile, user)
    label = interest.get_category_display()
    interest_remove(interest=interest, actor=user)
    text = f"{profile.display_name} no longer wants {label} programs."
    _route(profile, user, Topic.PROGRAM_REQUEST, text)
