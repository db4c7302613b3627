"""Content API shapes. Staff see reviews in full; creators never see internal notes, override
reasons or who reviewed."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from influencer_ops.serializers import StrictModelSerializer, StrictSerializer
from influencer_ops.validation import (
    CAPTION_MAX_LENGTH,
    DELIVERY_URL_MAX_LENGTH,
    ID_MAX,
    OVERRIDE_REASON_MAX_LENGTH,
    SUBMISSION_MAX_LINKS,
)
from programs.content.services.bulk import BULK_APPROVE_MAX
from programs.models import Deliverable, Review, Submission, SubmissionMedia

# --- uploaded files ---


class _MediaSerializer(StrictModelSerializer[SubmissionMedia]):
    """An uploaded file: its private URLs (the file, and for an image its thumbnail)."""

    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = SubmissionMedia
        fields = [
            "id",
            "position",
            "kind",
            "content_type",
            "size",
            "original_name",
            "width",
            "height",
            "url",
            "thumbnail_url",
        ]
        read_only_fields = fields

    def _reverse(self, name: str, media: SubmissionMedia) -> str:
        raise NotImplementedError

    def get_url(self, media: SubmissionMedia) -> str:
        return self._reverse("media", media)

    def get_thumbnail_url(self, media: SubmissionMedia) -> str | None:
        return self._reverse("media_thumbnail", media) if media.thumbnail else None


class ContentMediaSerializer(_MediaSerializer):
    """Staff URLs, under the org of the request (``/orgs/<slug>/content/media/...``)."""

    def _reverse(self, name: str, media: SubmissionMedia) -> str:
        view: Any = self.context.get("view")
        slug = view.organization.slug if view is not None else media.organization.slug
        return reverse(f"content_{name}", kwargs={"org_slug": slug, "pk": media.pk})


class MyContentMediaSerializer(_MediaSerializer):
    """The creator's URLs (``/portal/media/...``)."""

    def _reverse(self, name: str, media: SubmissionMedia) -> str:
        return reverse(f"portal_{name}", kwargs={"pk": media.pk})


# --- staff ---


class ContentReviewSerializer(StrictModelSerializer[Review]):
    reviewer_name = serializers.SerializerMethodField()
    automatic = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "outcome",
            "reviewer",
            "reviewer_name",
            "automatic",
            "comment",
            "internal_note",
            "override_reason",
            "created_at",
        ]
        read_only_fields = fields

    def get_reviewer_name(self, review: Review) -> str:
        return review.reviewer.display_name if review.reviewer is not None else ""

    def get_automatic(self, review: Review) -> bool:
        return review.reviewer_id is None


class ContentSubmissionSerializer(StrictModelSerializer[Submission]):
    reviews = ContentReviewSerializer(many=True, read_only=True)
    media = ContentMediaSerializer(many=True, read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "deliverable",
            "version",
            "caption",
            "links",
            "media_url",
            "media",
            "disclosure_passed",
            "disclosure_matches",
            "created_at",
            "reviews",
        ]
        read_only_fields = fields


_DELIVERABLE_FIELDS = [
    "id",
    "program",
    "program_name",
    "enrollment",
    "kind",
    "platform",
    "number",
    "due_on",
    "original_due_on",
    "state",
    "latest_version",
    "latest_disclosure_passed",
    "live_url",
    "published_caption",
    "published_disclosure_passed",
    "published_disclosure_matches",
    "approved_at",
    "published_at",
]


class ContentDeliverableSerializer(StrictModelSerializer[Deliverable]):
    program_name = serializers.CharField(source="program.name", read_only=True)
    creator = serializers.IntegerField(source="enrollment.creator_id", read_only=True)
    creator_name = serializers.CharField(source="enrollment.creator.display_name", read_only=True)
    latest_version = serializers.IntegerField(read_only=True, allow_null=True)
    latest_disclosure_passed = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Deliverable
        fields = [*_DELIVERABLE_FIELDS, "creator", "creator_name"]
        read_only_fields = fields


class ContentDeliverableDetailSerializer(ContentDeliverableSerializer):
    versions = ContentSubmissionSerializer(source="submissions", many=True, read_only=True)

    class Meta(ContentDeliverableSerializer.Meta):
        fields = [*ContentDeliverableSerializer.Meta.fields, "versions"]
        read_only_fields = fields


# --- the creator ---


class MyContentReviewSerializer(StrictModelSerializer[Review]):
    class Meta:
        model = Review
        fields = ["outcome", "comment", "created_at"]
        read_only_fields = fields


class MyContentSubmissionSerializer(StrictModelSerializer[Submission]):
    reviews = MyContentReviewSerializer(many=True, read_only=True)
    media = MyContentMediaSerializer(many=True, read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "version",
            "caption",
            "links",
            "media_url",
            "media",
            "disclosure_passed",
            "disclosure_matches",
            "created_at",
            "reviews",
        ]
        read_only_fields = fields


class MyContentDeliverableSerializer(StrictModelSerializer[Deliverable]):
    program_name = serializers.CharField(source="program.name", read_only=True)
    brand_name = serializers.CharField(source="program.brand.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    latest_version = serializers.IntegerField(read_only=True, allow_null=True)
    latest_disclosure_passed = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Deliverable
        fields = [*_DELIVERABLE_FIELDS, "brand_name", "organization_name"]
        read_only_fields = fields


class MyContentDeliverableDetailSerializer(MyContentDeliverableSerializer):
    versions = MyContentSubmissionSerializer(source="submissions", many=True, read_only=True)

    class Meta(MyContentDeliverableSerializer.Meta):
        fields = [*MyContentDeliverableSerializer.Meta.fields, "versions"]
        read_only_fields = fields


# --- input ---


class ContentSubmitSerializer(StrictSerializer):
    caption = serializers.CharField(
        max_length=CAPTION_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    links = serializers.ListField(
        child=serializers.CharField(max_length=DELIVERY_URL_MAX_LENGTH),
        max_length=SUBMISSION_MAX_LINKS,
        required=False,
        default=list,
    )
    media_url = serializers.CharField(
        max_length=DELIVERY_URL_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        required=False,
        default=list,
        help_text=_(
            "Images and videos (multipart/form-data, the field repeated for each file); "
            "checked by their content and size, like the portal's upload."
        ),
    )


class ContentReviewInputSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=Review.Outcome.choices)
    comment = serializers.CharField(
        max_length=CAPTION_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    internal_note = serializers.CharField(
        max_length=CAPTION_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    override_reason = serializers.CharField(
        max_length=OVERRIDE_REASON_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class ContentPublishSerializer(StrictSerializer):
    live_url = serializers.CharField(max_length=DELIVERY_URL_MAX_LENGTH)
    caption = serializers.CharField(
        max_length=CAPTION_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class ContentBulkApproveSerializer(StrictSerializer):
    submissions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        allow_empty=False,
        max_length=BULK_APPROVE_MAX,
        help_text=_("The versions to approve: each the latest of a deliverable awaiting review."),
    )
    comment = serializers.CharField(
        max_length=CAPTION_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class ContentBulkApproveResultSerializer(StrictSerializer):
    submissions = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    reviews = ContentReviewSerializer(many=True, read_only=True)
