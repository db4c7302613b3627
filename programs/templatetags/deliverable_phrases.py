"""``{{ spec|deliverable_phrase }}``: "2 Instagram posts", "1 TikTok reel / short video".

A template builtin (settings ``TEMPLATES``). Takes a spec, a deliverable or a terms snapshot's
deliverable dict (``kind``, ``platform``, ``count``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from influencer_ops.choices import Platform
from programs.models import DeliverableSpec

register = template.Library()

Kind = DeliverableSpec.Kind
# (one, many) per kind, lower case: the platform's own name comes first and keeps its capitals.
KIND_NOUNS: dict[str, tuple[str, str]] = {
    Kind.POST: ("post", "posts"),
    Kind.STORY: ("story", "stories"),
    Kind.REEL: ("reel / short video", "reels / short videos"),
    Kind.VIDEO: ("video", "videos"),
    Kind.BLOG: ("blog post", "blog posts"),
}


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


@register.filter
def deliverable_phrase(item: Any) -> str:
    kind = str(_field(item, "kind") or "")
    platform = str(_field(item, "platform") or "")
    try:
        count = int(_field(item, "count") or 1)
    except (TypeError, ValueError):
        count = 1
    one, many = KIND_NOUNS.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
    noun = ngettext(one, many, count)
    platform_label = str(Platform(platform).label) if platform in Platform.values else platform
    if platform_label and not noun.lower().startswith(platform_label.lower()):
        noun = f"{platform_label} {noun}"
    return str(_("%(count)s %(what)s") % {"count": count, "what": noun})
