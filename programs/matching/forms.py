"""The desk's candidate filters: a search box, a category and a platform."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from influencer_ops.choices import Category, Platform
from influencer_ops.validation import MATCH_SEARCH_MAX_LENGTH
from programs.matching import selectors as matching


class CandidateFilterForm(forms.Form):
    search = forms.CharField(
        required=False,
        max_length=MATCH_SEARCH_MAX_LENGTH,
        label=_("Search"),
        help_text=_("Name, e-mail or handle."),
    )
    category = forms.ChoiceField(
        choices=[("", "Any category"), *Category.choices], required=False, label=_("Category")
    )
    platform = forms.ChoiceField(
        choices=[("", "Any platform"), *Platform.choices], required=False, label=_("Platform")
    )

    def filters(self) -> matching.Filters:
        """Keyword arguments for ``matching.candidates`` / ``excluded`` (none when invalid)."""
        if not self.is_valid():
            return {}
        return matching.Filters(
            search=self.cleaned_data["search"],
            category=self.cleaned_data["category"],
            platform=self.cleaned_data["platform"],
        )
