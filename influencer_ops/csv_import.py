"""CSV uploads, shared by every import (creators, metrics): the size limit, the API's text
parsers, reading the CSV out of an API request, and the page's upload-or-paste form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as api_exceptions
from rest_framework.parsers import BaseParser
from rest_framework.request import Request

MAX_IMPORT_BYTES = 5 * 1024 * 1024
TOO_BIG = "Import at most 5 MB at a time."


class CSVTextParser(BaseParser):
    """A CSV body (``Content-Type: text/csv``), read as UTF-8 text."""

    media_type = "text/csv"

    def parse(  # type: ignore[override]  # the body is text, not a mapping
        self, stream: Any, media_type: Any = None, parser_context: Any = None
    ) -> str:
        raw = stream.read(MAX_IMPORT_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_IMPORT_BYTES:
            raise api_exceptions.ParseError(TOO_BIG)
        try:
            return str(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise api_exceptions.ParseError(gettext("Send the CSV as UTF-8 text.")) from exc


class PlainTextParser(CSVTextParser):
    media_type = "text/plain"


def csv_text_from_request(request: Request) -> str:
    """The CSV an API import was sent: a text/csv body, a multipart ``file`` or JSON ``csv``."""
    if isinstance(request.data, str):
        return request.data
    upload = request.FILES.get("file") if hasattr(request, "FILES") else None
    if upload is not None:
        if upload.size > MAX_IMPORT_BYTES:
            raise api_exceptions.ValidationError({"file": [TOO_BIG]})
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise api_exceptions.ValidationError({"file": ["Save the file as UTF-8."]}) from exc
    text = request.data.get("csv") if hasattr(request.data, "get") else None
    if not isinstance(text, str) or not text.strip():
        raise api_exceptions.ValidationError(
            {"file": ["Send a CSV file (multipart “file”), a text/csv body or JSON “csv”."]}
        )
    return text


class CsvImportForm(forms.Form):
    """Upload a CSV file or paste it; ``cleaned_data["csv_text"]`` holds the text."""

    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    text = forms.CharField(
        label=_("…or paste the CSV here"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                raise forms.ValidationError(TOO_BIG)
            try:
                data["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(
                    gettext("Save the file as UTF-8 CSV and try again.")
                ) from exc
        elif (data.get("text") or "").strip():
            data["csv_text"] = data["text"]
        else:
            raise forms.ValidationError(gettext("Choose a CSV file or paste its contents."))
        return data
