"""Tracked links and clicks (valid vs filtered), daily rollups, imported metrics, milestones."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from influencer_ops.models import TenantModel
from influencer_ops.validation import LINK_CODE_MAX_LENGTH, URL_MAX_LENGTH


class TrackedLink(TenantModel):
    """One short link per enrollment: /r/<code> → the program's destination with UTM tags."""

    enrollment = models.OneToOneField(
        "programs.Enrollment", on_delete=models.PROTECT, related_name="tracked_link"
    )
    code = models.CharField(max_length=LINK_CODE_MAX_LENGTH, unique=True)
    destination = models.URLField(max_length=URL_MAX_LENGTH)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Valid clicks since the link was made (raw and rolled up): kept by the one statement that
    # counts each flushed batch (``tracking.clicks.services.counting``), read by the milestones.
    valid_clicks = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        indexes = [models.Index(fields=["organization", "active"], name="link_org_active")]

    def __str__(self) -> str:
        return f"/r/{self.code}"


class ClickEvent(TenantModel):
    """A raw click, kept for a retention window (default 90 days). No raw IP is stored. The
    table is partitioned by day: retention drops whole partitions."""

    class FilterReason(models.TextChoices):
        BOT = "bot", _("Bot or crawler")
        REPEAT = "repeat", _("Repeat click from the same client")

    # No foreign-key constraints in the database (a per-row check and a row lock on the link for
    # every click inserted: most of a batch's time over many links). The flush's insert joins
    # the link in the click's org, so no click names a missing link; deletions still cascade
    # (Django's collector deletes a link's or an org's clicks first).
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    link = models.ForeignKey(
        TrackedLink, on_delete=models.CASCADE, related_name="clicks", db_constraint=False
    )
    at = models.DateTimeField()
    valid = models.BooleanField()
    filter_reason = models.CharField(max_length=20, choices=FilterReason.choices, blank=True)
    client_hash = models.CharField(max_length=64)
    # Idempotency of the flush: the id the click got in Redis (with ``at``, the partition key:
    # a queued click carries both, so the pair is as unique as the id).
    event_id = models.CharField(max_length=64)

    class Meta:
        # Partitioned by day on ``at`` (migration 0002, ``tracking.clicks.services.partitions``):
        # the primary key in the database is (id, at), and unique keys include ``at``.
        constraints = [models.UniqueConstraint(fields=["event_id", "at"], name="click_event_once")]
        indexes = [
            models.Index(fields=["organization", "link", "at"], name="click_org_link_at"),
            models.Index(fields=["organization", "at"], name="click_org_at"),
        ]


class DailyClicks(TenantModel):
    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="daily")
    day = models.DateField()
    valid = models.PositiveIntegerField(default=0)
    filtered = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "day"], name="daily_clicks_unique")]
        indexes = [models.Index(fields=["organization", "day"], name="daily_clicks_org_day")]


class ProgramDailyClicks(TenantModel):
    """A program's clicks on a day: the sum of its links' ``DailyClicks``.

    Kept by the database (statement triggers on ``tracking_dailyclicks``, migration ``0002``)
    from every row the rollup job writes or deletes, so the reports overview reads a program's
    days instead of walking its enrollments, links and days (#18). Never written by the app.
    """

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="daily_clicks"
    )
    day = models.DateField()
    valid = models.BigIntegerField(default=0)
    filtered = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "day"], name="program_daily_clicks_unique")
        ]


class MetricRecord(TenantModel):
    """Reach, impressions, engagement and views of a deliverable on a day, from one source."""

    class Source(models.TextChoices):
        CSV = "csv", _("CSV import")
        API = "api", _("API")

    deliverable = models.ForeignKey(
        "programs.Deliverable", on_delete=models.CASCADE, related_name="metrics"
    )
    day = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices)
    reach = models.PositiveBigIntegerField(default=0)
    impressions = models.PositiveBigIntegerField(default=0)
    likes = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    shares = models.PositiveBigIntegerField(default=0)
    saves = models.PositiveBigIntegerField(default=0)
    views = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "day", "source"], name="metric_unique")
        ]
        indexes = [models.Index(fields=["organization", "day"], name="metric_org_day")]

    @property
    def engagements(self) -> int:
        return self.likes + self.comments + self.shares + self.saves


class MilestoneReached(TenantModel):
    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.PROTECT, related_name="milestones_reached"
    )
    milestone = models.PositiveIntegerField()
    valid_clicks = models.PositiveIntegerField()
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "milestone"], name="milestone_once")
        ]
