"""Programs, enrollments and their terms, and the after-launch rows (deliverables, reviews,
extensions, reminders, compliance cases). Plain rows: tests that need a service's side
effects (audit, notifications, tasks) go through the service instead."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from programs.models import (
    AmountOwed,
    CaseAction,
    ComplianceCase,
    CreatorCalendarFeed,
    Deliverable,
    DeliverableSpec,
    Enrollment,
    Extension,
    Program,
    ProgramCalendarFeed,
    ReminderSent,
    Review,
    Submission,
    SubmissionMedia,
    TermsVersion,
    TimeEntry,
)
from programs.recruiting.services import terms_snapshot
from tests.factories.base import TenantFactory, same_org
from tests.factories.influencers import CreatorProfileFactory
from tests.factories.organizations import BrandFactory, OrganizationFactory, UserFactory


class ProgramFactory(TenantFactory[Program]):
    """A draft program (``state=...`` for another phase)."""

    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    brand = same_org(BrandFactory)
    name = factory.Sequence(lambda n: f"Program {n}")


class DeliverableSpecFactory(TenantFactory[DeliverableSpec]):
    class Meta:
        model = DeliverableSpec

    organization = factory.SubFactory(OrganizationFactory)
    program = same_org(ProgramFactory)
    kind = "post"
    platform = "instagram"
    count = 1
    due_offset_days = 7


class EnrollmentFactory(TenantFactory[Enrollment]):
    """An invited creator, without terms (``TermsVersionFactory`` adds them)."""

    class Meta:
        model = Enrollment

    organization = factory.SubFactory(OrganizationFactory)
    program = same_org(ProgramFactory)
    creator = same_org(CreatorProfileFactory)


class TermsVersionFactory(TenantFactory[TermsVersion]):
    """The next terms version of an enrollment: the program's terms as they stand, made the
    enrollment's current terms."""

    class Meta:
        model = TermsVersion
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    enrollment = same_org(EnrollmentFactory)
    number = factory.LazyAttribute(
        lambda o: TermsVersion.objects.filter(enrollment=o.enrollment).count() + 1
    )
    snapshot = factory.LazyAttribute(
        lambda o: terms_snapshot(program=o.enrollment.program, creator=o.enrollment.creator)
    )

    @factory.post_generation
    def current(obj: TermsVersion, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            obj.enrollment.terms_version = obj
            obj.enrollment.save(update_fields=["terms_version"])


class DeliverableFactory(TenantFactory[Deliverable]):
    class Meta:
        model = Deliverable

    organization = factory.SubFactory(OrganizationFactory)
    enrollment = same_org(EnrollmentFactory)
    program = factory.SelfAttribute("enrollment.program")
    kind = "post"
    platform = "instagram"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    original_due_on = factory.SelfAttribute("due_on")


class SubmissionFactory(TenantFactory[Submission]):
    class Meta:
        model = Submission

    organization = factory.SubFactory(OrganizationFactory)
    deliverable = same_org(DeliverableFactory)
    version = factory.LazyAttribute(
        lambda o: Submission.objects.filter(deliverable=o.deliverable).count() + 1
    )
    caption = "Daylight glow #ad"
    disclosure_passed = True
    submitted_by = factory.SubFactory(UserFactory)


class SubmissionMediaFactory(TenantFactory[SubmissionMedia]):
    """A row only: the storage name points at no file (upload through the service for one)."""

    class Meta:
        model = SubmissionMedia

    organization = factory.SubFactory(OrganizationFactory)
    submission = same_org(SubmissionFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = "image"
    file = factory.Sequence(lambda n: f"orgs/0/submissions/0/v1/factory-{n}.png")
    content_type = "image/png"
    size = 1024
    original_name = "draft.png"


class ReviewFactory(TenantFactory[Review]):
    class Meta:
        model = Review

    organization = factory.SubFactory(OrganizationFactory)
    submission = same_org(SubmissionFactory)
    reviewer = factory.SubFactory(UserFactory)
    outcome = Review.Outcome.APPROVED


class ExtensionFactory(TenantFactory[Extension]):
    class Meta:
        model = Extension

    organization = factory.SubFactory(OrganizationFactory)
    deliverable = same_org(DeliverableFactory)
    previous_due_on = factory.SelfAttribute("deliverable.due_on")
    requested_due_on = factory.LazyAttribute(lambda o: o.previous_due_on + timedelta(days=3))
    reason = "Travelling."
    requested_by = factory.SubFactory(UserFactory)


class ReminderSentFactory(TenantFactory[ReminderSent]):
    class Meta:
        model = ReminderSent

    organization = factory.SubFactory(OrganizationFactory)
    deliverable = same_org(DeliverableFactory)
    due_on = factory.SelfAttribute("deliverable.due_on")
    kind = ReminderSent.Kind.BEFORE
    days_before = 1


class ComplianceCaseFactory(TenantFactory[ComplianceCase]):
    class Meta:
        model = ComplianceCase

    organization = factory.SubFactory(OrganizationFactory)
    enrollment = same_org(EnrollmentFactory)
    kind = ComplianceCase.Kind.GUIDELINE_BREACH
    severity = ComplianceCase.Severity.LOW
    evidence = "The post left out the disclosure."
    opened_by = factory.SubFactory(UserFactory)


class CaseActionFactory(TenantFactory[CaseAction]):
    class Meta:
        model = CaseAction

    organization = factory.SubFactory(OrganizationFactory)
    case = same_org(ComplianceCaseFactory)
    kind = CaseAction.Kind.MESSAGE
    text = "Please add #ad to the caption."
    actor = factory.SubFactory(UserFactory)


class AmountOwedFactory(TenantFactory[AmountOwed]):
    class Meta:
        model = AmountOwed

    organization = factory.SubFactory(OrganizationFactory)
    enrollment = same_org(EnrollmentFactory)
    amount = Decimal("50.00")
    currency = "USD"
    explanation = "Half the flat fee, for the work delivered."


class CreatorCalendarFeedFactory(factory.django.DjangoModelFactory[CreatorCalendarFeed]):
    """A creator's calendar feed (not a tenant row: it spans the creator's orgs)."""

    class Meta:
        model = CreatorCalendarFeed

    user = factory.SubFactory(UserFactory, is_creator=True)
    token = factory.Sequence(lambda n: f"creator-feed-{n:040d}")


class ProgramCalendarFeedFactory(TenantFactory[ProgramCalendarFeed]):
    class Meta:
        model = ProgramCalendarFeed

    organization = factory.SubFactory(OrganizationFactory)
    program = same_org(ProgramFactory)
    token = factory.Sequence(lambda n: f"program-feed-{n:040d}")


class TimeEntryFactory(TenantFactory[TimeEntry]):
    """A plain row: ``programs.hours.services.time_entry_log`` checks the rules."""

    class Meta:
        model = TimeEntry

    organization = factory.SubFactory(OrganizationFactory)
    enrollment = same_org(EnrollmentFactory)
    creator = factory.SelfAttribute("enrollment.creator")
    worked_on = factory.LazyFunction(timezone.localdate)
    hours = Decimal("2.50")
    description = "Filming the first take."
