"""Files a creator uploads with a submission version: images (with a thumbnail) and videos.

Stored through Django's storage API (``default_storage``: local files or S3-compatible object
storage, see ``config/settings``) under a per-org path, and never served from a public URL:
``programs.content.media_views`` streams them after checking who asks. Imported by
``programs.models``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from influencer_ops.models import TenantModel


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")


class SubmissionMedia(TenantModel):
    """One uploaded file of a submission version (kept with it, like the version itself)."""

    submission = models.ForeignKey(
        "programs.Submission", on_delete=models.CASCADE, related_name="media"
    )
    position = models.PositiveSmallIntegerField(default=1, help_text=_("Order within the version."))
    kind = models.CharField(max_length=10, choices=MediaKind.choices)
    # Storage names (paths inside the storage), set by programs.content.media; no upload_to.
    file = models.FileField(max_length=300)
    thumbnail = models.FileField(max_length=300, blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveBigIntegerField(help_text=_("Bytes."))
    original_name = models.CharField(max_length=200, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=MediaKind.values), name="submission_media_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["submission", "position"], name="submission_media_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position} of {self.submission_id}"
