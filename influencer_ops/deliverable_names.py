"""What people call a deliverable: "Instagram post", "TikTok reel / short video", "Blog post".

The one source of a deliverable kind's display name — pages (staff and portal, through the
``deliverable_name`` / ``deliverable_phrase`` template filters), CSV downloads, task titles and
notifications all go through here, so no page shows "post on instagram" or a raw code."""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, pgettext

from influencer_ops.choices import Platform

# (one, many) per kind code, lower case: the platform's own name comes first and keeps its
# capitals. Translated when used (ngettext), so each language can inflect its nouns.
KIND_NOUNS: dict[str, tuple[str, str]] = {
    "post": ("post", "posts"),
    "story": ("story", "stories"),
    "reel": ("reel / short video", "reels / short videos"),
    "video": ("video", "videos"),
    "blog": ("blog post", "blog posts"),
}


def field(item: Any, name: str) -> Any:
    """``item[name]`` for a terms snapshot's dict, ``item.name`` for a spec or deliverable."""
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def platform_label(platform: str) -> str:
    return str(Platform(platform).label) if platform in Platform.values else platform


def kind_noun(kind: str, platform: str, count: int = 1) -> str:
    """The noun with its platform, lower case where the language has no capital: ``Instagram
    posts``, ``blog post`` (a blog's blog post says "blog" once)."""
    one, many = KIND_NOUNS.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
    noun = ngettext(one, many, count)
    label = platform_label(platform)
    if label and not noun.lower().startswith(label.lower()):
        noun = pgettext("platform, then the kind of deliverable", "%(platform)s %(kind)s") % {
            "platform": label,
            "kind": noun,
        }
    return noun


def deliverable_name(kind: str, platform: str) -> str:
    """One deliverable's display name: ``Instagram post``, ``TikTok video``, ``Blog post``."""
    return str(capfirst(kind_noun(str(kind or ""), str(platform or ""))))


def name_of(item: Any) -> str:
    """The display name of a deliverable, a spec or a terms snapshot's deliverable dict."""
    return deliverable_name(field(item, "kind") or "", field(item, "platform") or "")


def phrase_of(item: Any) -> str:
    """How many of what: ``2 Instagram posts``, ``1 TikTok reel / short video``."""
    try:
        count = int(field(item, "count") or 1)
    except (TypeError, ValueError):
        count = 1
    noun = kind_noun(str(field(item, "kind") or ""), str(field(item, "platform") or ""), count)
    return gettext("%(count)s %(what)s") % {"count": count, "what": noun}
