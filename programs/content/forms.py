"""Forms of the content pages: the creator's submission and live URL, the approver's review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.validation import (
    CAPTION_MAX_LENGTH,
    DELIVERY_URL_MAX_LENGTH,
    OVERRIDE_REASON_MAX_LENGTH,
    SUBMISSION_MAX_LINKS,
)
from programs.models import Review


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the service checks each by its content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _media_help() -> str:
    mb = 1024 * 1024
    return gettext(
        "Images (JPEG, PNG, GIF, WebP; up to %(value)s MB each) or videos "
        "(MP4, WebM, MOV; up to %(value2)s MB each), at most "
        "%(MEDIA_MAX_FILES)s. Only you and the brand's team can see them."
    ) % {
        "value": settings.MEDIA_IMAGE_MAX_BYTES // mb,
        "value2": settings.MEDIA_VIDEO_MAX_BYTES // mb,
        "MEDIA_MAX_FILES": settings.MEDIA_MAX_FILES,
    }


class SubmissionForm(forms.Form):
    caption = forms.CharField(
        required=False,
        max_length=CAPTION_MAX_LENGTH,
        label=_("Caption"),
        help_text=_("Include the disclosure, for example #ad."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    links = forms.CharField(
        required=False,
        label=_("Links (one per line)"),
        help_text=f"Drafts, previews or files: web addresses, at most {SUBMISSION_MAX_LINKS}.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    media_files = MultipleFileField(
        required=False,
        label=_("Images and videos"),
        widget=MultipleFileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/gif,image/webp,"
                "video/mp4,video/webm,video/quicktime"
            }
        ),
    )
    media_url = forms.CharField(
        required=False,
        max_length=DELIVERY_URL_MAX_LENGTH,
        label=_("Media URL"),
        help_text=_("Or a link to the media, if it is hosted elsewhere."),
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["media_files"].help_text = _media_help()

    def clean_links(self) -> list[str]:
        """One address a line; the service checks them (and the count)."""
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]


class ReviewForm(forms.Form):
    submission = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        choices=Review.Outcome.choices, widget=forms.RadioSelect, label=_("Decision")
    )
    comment = forms.CharField(
        required=False,
        max_length=CAPTION_MAX_LENGTH,
        label=_("Comment for the creator"),
        help_text=_("The creator reads this. Needed when you ask for changes or corrections."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    internal_note = forms.CharField(
        required=False,
        max_length=CAPTION_MAX_LENGTH,
        label=_("Internal note (team only)"),
        help_text=_("Never shown to the creator."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    override_reason = forms.CharField(
        required=False,
        max_length=OVERRIDE_REASON_MAX_LENGTH,
        label=_("Reason to approve despite the failed disclosure check"),
    )

    def __init__(self, *args: Any, disclosure_failed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not disclosure_failed:
            del self.fields["override_reason"]


class PublishForm(forms.Form):
    live_url = forms.CharField(
        max_length=DELIVERY_URL_MAX_LENGTH,
        label=_("Live URL"),
        help_text=_("Where the content is published, starting with https://."),
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    caption = forms.CharField(
        required=False,
        max_length=CAPTION_MAX_LENGTH,
        label=_("Caption as published"),
        help_text=_("We check it for the disclosure again."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
