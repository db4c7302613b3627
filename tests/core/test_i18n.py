"""Ready for translation: ``makemessages`` runs clean, and no template shows text outside the
translation tags (this test is the enforcement: a new page with bare text fails here).

What counts as text people read: the text between HTML tags and the attributes a person or a
screen reader meets (``alt``, ``title``, ``placeholder``, ``aria-label``, ``data-confirm``, …),
once every template tag and variable is set aside. Not text: ``<script>``, ``<style>``, code
samples (``<code>``, ``<pre>``, ``<kbd>``, ``<samp>``), comments, whitespace, punctuation,
entities and digits, and the short ``ALLOWED`` list below.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"

# Text that is the same in every language. Keep it short; say why for each.
# (Nothing yet: product and platform names go through {% translate %} too, as a language may
# write them its own way.)
ALLOWED: frozenset[str] = frozenset()
MARK = "\ue000"  # stands for a template tag or variable: not a letter
VISIBLE_ATTRIBUTES = frozenset(
    {
        "alt",
        "title",
        "placeholder",
        "label",
        "aria-label",
        "aria-description",
        "aria-roledescription",
        "aria-valuetext",
        "data-confirm",
        "data-confirm-button",
    }
)
NOT_PROSE = frozenset({"script", "style", "code", "pre", "kbd", "samp"})
# Block tags whose content is left as it is: already translated, or never shown.
OPAQUE = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}


def masked(source: str) -> str:
    """The template with every tag, variable and comment replaced by ``MARK`` (lines kept), and
    the content of translation, comment and verbatim blocks dropped."""
    out: list[str] = []
    closing = ""
    for token in Lexer(source).tokenize():
        text = token.token_type == TokenType.TEXT
        raw = token.contents if text else f"{{{token.contents}}}"
        lines = "\n" * raw.count("\n")
        if closing:
            out.append(lines)
            if token.token_type == TokenType.BLOCK and token.contents.split()[:1] == [closing]:
                closing = ""
            continue
        if text:
            out.append(token.contents)
            continue
        out.append(f" {MARK} {lines}")
        word = token.contents.split()[0] if token.contents.split() else ""
        if token.token_type == TokenType.BLOCK and word in OPAQUE:
            closing = OPAQUE[word]
    return "".join(out)


def readable(text: str) -> bool:
    words = " ".join(text.replace(MARK, " ").split())
    return any(c.isalpha() for c in words) and words not in ALLOWED


class BareText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.split(MARK)[0].strip().lower()
        if tag in NOT_PROSE:
            self.skipping.append(tag)
        attributes = dict(attrs)
        for name, value in attrs:
            visible = name in VISIBLE_ATTRIBUTES
            visible |= (
                tag == "meta" and name == "content" and attributes.get("name") == "description"
            )
            visible |= tag == "input" and name == "value" and attributes.get("type") == "submit"
            if visible and value and readable(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag.lower() == self.skipping[-1]:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping and readable(data):
            self.found.append((self.getpos()[0], " ".join(data.replace(MARK, "…").split())))


def bare_text(source: str) -> list[tuple[int, str]]:
    parser = BareText()
    parser.feed(masked(source))
    parser.close()
    return parser.found


def test_the_scanner_finds_bare_text_and_passes_translated_text() -> None:
    bare = '<p>Due {{ d }}</p><img alt="A photo"><input type="submit" value="Go">'
    assert [text for _, text in bare_text(bare)] == [
        "Due …",
        'alt="A photo"',
        'value="Go"',
    ]
    marked = (
        '<p>{% translate "Due" %} {{ d|day }} · 3</p><img alt="{% translate "A photo" %}">'
        "{% blocktranslate trimmed with n=d %}Due {{ n }}{% endblocktranslate %}"
        "<script>let shown = 1;</script><code>creator_id</code>{# a note #}&middot;"
        "{% comment %}Not shown{% endcomment %}"
    )
    assert bare_text(marked) == []


def test_no_template_shows_text_outside_the_translation_tags() -> None:
    found = {
        f"{path.relative_to(ROOT)}:{line}": text
        for path in sorted(TEMPLATES.rglob("*.html"))
        for line, text in bare_text(path.read_text(encoding="utf-8"))
    }
    assert not found, (
        "wrap these in {% translate %} or {% blocktranslate trimmed %} "
        f"(docs/operations.md#translating): {found}"
    )


def test_makemessages_runs_clean_and_collects_the_strings(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # makemessages reads the tree below the working directory
    settings.LOCALE_PATHS = [tmp_path]
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "makemessages",
        locale=["es"],
        ignore_patterns=["tests/*", "bench/*", "static/*", "locale/*", ".venv/*"],
        verbosity=1,
        stdout=out,
        stderr=err,
    )
    # xgettext's warnings come through Django on stdout or stderr, depending on the version.
    complaints = [
        line
        for line in (out.getvalue() + err.getvalue()).splitlines()
        if re.search(r"warning|error", line, re.IGNORECASE)
    ]
    assert not complaints, complaints
    catalogue = (tmp_path / "es" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for msgid in (
        "Skip to content",  # base.html
        "Due dates: %(program_name)s",  # a blocktranslate with a variable
        "Move due dates",  # a button
    ):
        assert f'msgid "{msgid}"' in catalogue, msgid


def test_every_template_compiles_with_its_translation_tags() -> None:
    from django.template.loader import get_template

    for path in sorted(TEMPLATES.rglob("*.html")):
        get_template(str(path.relative_to(TEMPLATES)))  # a broken tag raises here
