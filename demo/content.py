"""Content through the real workflow: the creator submits (a version without the disclosure is
refused), an approver reviews (changes requested, approved, approved with corrections), the
creator publishes; the last publication earns the flat fee (``payments.earning``). Each version
uploads a product shot drawn for it (``demo.media``) through the real upload path, so the pages
show thumbnails. One Lumen Skincare program keeps a version waiting in the approvers' inbox,
with the shot and a short clip (an inline player)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils.text import slugify

from demo import media as demo_media
from demo import programs as demo_programs
from organizations.models import Membership
from programs.content import services as content
from programs.content.services.submissions import DisclosureMissing
from programs.models import Deliverable, Enrollment

APPROVED = "approved"
WITH_CORRECTIONS = "approved_with_corrections"
CHANGES = "changes_requested"


def deliverables_of(enrollment: Enrollment) -> list[Deliverable]:
    return list(
        Deliverable.objects.filter(
            organization_id=enrollment.organization_id, enrollment=enrollment
        ).order_by("due_on", "pk")
    )


def files_for(deliverable: Deliverable, *, with_video: bool = False) -> list[ContentFile]:
    """What the creator uploads with a version: a product shot of the program's brand, drawn
    for this deliverable; ``with_video``: and the demo's clip."""
    program = deliverable.program
    creator = deliverable.enrollment.creator.display_name
    shot = demo_media.product_shot(
        brand=program.brand.name,
        product=program.name,
        handle="@" + slugify(creator).replace("-", "."),
        variant=deliverable.pk,
    )
    files = [ContentFile(shot, name=f"{slugify(program.name)}-{deliverable.number}.jpg")]
    if with_video:
        files.append(ContentFile(demo_media.CLIP.read_bytes(), name=demo_media.CLIP.name))
    return files


def send(
    deliverable: Deliverable,
    *,
    user: Any,
    first_without_disclosure: bool = False,
    with_video: bool = False,
) -> Any:
    """The creator sends a version with the disclosure and its files; ``first_without_disclosure``:
    after one without it (and without files), which the check refuses."""
    caption = f"A week with {deliverable.program.name}, loving it!"
    links = [f"https://example.com/draft/{deliverable.pk}"]
    if first_without_disclosure:
        try:
            content.submission_create(deliverable=deliverable, user=user, caption=caption)
        except DisclosureMissing:
            pass  # refused, as intended: the creator adds the tag
        else:  # pragma: no cover - the demo's programs block
            raise AssertionError("a version without the disclosure was accepted")
    return content.submission_create(
        deliverable=deliverable,
        user=user,
        caption=f"#ad {caption}",
        links=links,
        files=files_for(deliverable, with_video=with_video),
    )


def deliver(
    deliverable: Deliverable,
    *,
    user: Any,
    reviewer: Membership,
    outcome: str = APPROVED,
    first_without_disclosure: bool = False,
    publish: bool = True,
) -> Deliverable:
    """One deliverable from first version to live post. ``first_without_disclosure``: the first
    version forgets the disclosure and is refused (nothing is stored); the next one passes."""
    submission = send(deliverable, user=user, first_without_disclosure=first_without_disclosure)
    comment = (
        "Approved: please write the product name in full when you post."
        if outcome == WITH_CORRECTIONS
        else "Approved, thank you!"
    )
    content.review_create(
        submission=submission, membership=reviewer, outcome=outcome, comment=comment
    )
    if not publish:
        return deliverable
    return content.deliverable_publish(
        deliverable=deliverable,
        user=user,
        live_url=f"https://instagram.com/p/demo{deliverable.pk}",
        caption=submission.caption,
    )


WAITING = "Glow Serum Drop"  # launched six days ago; Cara's first post awaits the approvers


def awaiting_approval(history: Any) -> None:
    """A launched Lumen Skincare program whose first post waits for approver@demo.test: Cara's
    version without #ad was refused, the one with it is in the approvals inbox."""
    launch_ago = 6
    cara = history.who("creator@demo.test")

    def prepare() -> None:
        fields = demo_programs.brief(
            launch_on=history.day(launch_ago), length=30, categories=["beauty"]
        )
        program = demo_programs.create(
            history.cast, "northwind", "Lumen Skincare", WAITING, **fields
        )
        history.programs[WAITING] = demo_programs.open_recruiting(history.cast, program)
        for enrollment in demo_programs.invite(history.cast, program, cara):
            demo_programs.accept(history.cast, enrollment)

    def confirm() -> None:
        demo_programs.confirm(history.cast, history.enrollment(WAITING, "creator@demo.test"))

    def submit() -> None:
        enrollment = history.enrollment(WAITING, "creator@demo.test")
        send(
            deliverables_of(enrollment)[0],
            user=cara.user,
            first_without_disclosure=True,
            with_video=True,
        )

    history.on(launch_ago + 14, prepare)
    history.on(launch_ago + 8, confirm)
    history.on(1, submit)
