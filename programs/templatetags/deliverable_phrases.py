"""``{{ spec|deliverable_phrase }}``: "2 Instagram posts", "1 TikTok reel / short video";
``{{ deliverable|deliverable_name }}``: "Instagram post", "TikTok video".

A template builtin (settings ``TEMPLATES``). Takes a spec, a deliverable or a terms snapshot's
deliverable dict (``kind``, ``platform``, ``count``). The words come from
``influencer_ops.deliverable_names``, the one source of a deliverable's display name."""

from __future__ import annotations

from typing import Any

from django import template

from influencer_ops.deliverable_names import name_of, phrase_of

register = template.Library()


@register.filter
def deliverable_phrase(item: Any) -> str:
    return phrase_of(item)


@register.filter
def deliverable_name(item: Any) -> str:
    return name_of(item)
