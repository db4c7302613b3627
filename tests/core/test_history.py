"""The one history renderer: every audit verb reads as a sentence, the changes read as words
("State: recruiting → launched"), never raw dicts, and ids become names in bulk."""

from __future__ import annotations

from typing import Any

import pytest

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.history import GROUPS, PHRASES, describe, describe_events, group_verbs
from influencer_ops.history.details import HIDDEN, LABELS
from influencer_ops.history.phrases import subject_of
from influencer_ops.models import AuditEvent
from tests.conftest import Cast
from tests.factories import BrandFactory
from tests.helpers import assert_constant_queries


def test_every_verb_has_a_sentence_with_its_target() -> None:
    missing = [verb.value for verb in AuditVerb if verb not in PHRASES]
    assert missing == [], f"verbs without a sentence (influencer_ops/history/phrases.py): {missing}"
    assert all("{target}" in phrase for phrase in PHRASES.values())


def test_every_verb_belongs_to_exactly_one_group_of_the_filter() -> None:
    grouped = [verb for key in GROUPS for verb in group_verbs(key)]
    assert sorted(grouped) == sorted(verb.value for verb in AuditVerb)
    assert group_verbs("no-such-group") == []


@pytest.mark.parametrize("verb", list(AuditVerb))
def test_each_verb_reads_as_words_not_codes(verb: AuditVerb) -> None:
    event = AuditEvent(
        verb=verb.value, actor_label="system", target_type="x.y", target_id="7", target_label="Glow"
    )
    sentence = describe(event).sentence
    assert sentence.startswith("The system ") and "Glow" in sentence
    assert verb.value not in sentence and subject_of(verb.value) + "." not in sentence
    assert "_" not in sentence and "{" not in sentence


def _event(cast: Cast, verb: AuditVerb, before: Any = None, after: Any = None) -> AuditEvent:
    return audit_record(
        organization=cast.org,
        actor=cast.members["ism"].user,
        verb=verb,
        target=cast.brand,
        before=before,
        after=after,
    )


@pytest.mark.django_db
def test_the_sentence_names_the_actor_and_quotes_the_reason(cast: Cast) -> None:
    cast.members["ism"].user.name = "Ivy ISM"
    cast.members["ism"].user.save()
    event = _event(cast, AuditVerb.PROGRAM_CANCELLED, after={"reason": "The venue fell through."})
    line = describe(AuditEvent.objects.select_related("actor").get(pk=event.pk))
    assert line.sentence == "Ivy ISM cancelled Lumen (“The venue fell through.”)"
    assert line.actor == "Ivy ISM"
    assert all(change.label != "Reason" for change in line.changes)  # quoted once, not twice


@pytest.mark.django_db
def test_a_nameless_target_is_named_by_its_kind(cast: Cast) -> None:
    event = AuditEvent(
        verb=AuditVerb.TAX_FORM_VERIFIED,
        actor_label="system",
        target_type="payments.taxform",
        target_id="2",
        target_label="TaxForm object (2)",
    )
    assert describe(event).sentence == "The system verified a tax form"


@pytest.mark.django_db
def test_changes_read_as_words_with_ids_turned_into_names(cast: Cast) -> None:
    event = _event(
        cast,
        AuditVerb.PROGRAM_UPDATED,
        before={"state": "on_hold", "brand": cast.brand.pk, "nda_required": False, "same": 1},
        after={
            "state": "recruiting",
            "brand": cast.other_brand.pk,
            "nda_required": True,
            "same": 1,
            "brands": [cast.brand.pk, 999999],
            "launch_on": "2026-12-07",
            "routed_role": "ism",
            "deliverables": [{"kind": "post", "count": 2, "platform": "instagram", "spec": 1}],
            "totals": {"USD": "10.00"},
            "action": 12,
        },
    )
    changes = {c.label: (c.old, c.new) for c in describe(event).changes}
    assert changes["State"] == ("on hold", "recruiting")
    assert changes["Brand"] == ("Lumen", "Trailhead")
    assert changes["NDA required"] == ("no", "yes")
    assert changes["Brands"] == ("", "Lumen, #999999 (since removed)")
    assert changes["Launch date"] == ("", "Dec. 7, 2026")
    assert changes["Sent to"] == ("", "ISM")
    assert changes["Deliverables"] == ("", "2 Instagram posts")
    assert changes["Totals"] == ("", "USD: 10.00")
    assert "Same" not in changes and "Action" not in changes  # unchanged, internal
    for old, new in changes.values():
        assert "{" not in old + new and "[" not in old + new and "'" not in old + new


def test_labels_and_hidden_keys_do_not_overlap() -> None:
    assert not HIDDEN & set(LABELS)


@pytest.mark.django_db
def test_ids_are_resolved_in_bulk_not_per_event(cast: Cast) -> None:
    def grow() -> None:
        for _ in range(20):
            brand = BrandFactory(organization=cast.org)
            _event(cast, AuditVerb.BRAND_RENAMED, before={"brand": brand.pk}, after={"ids": [1]})
            _event(cast, AuditVerb.PROGRAM_UPDATED, after={"assigned_bsm": cast.outsider.user.pk})

    grow()
    lines = assert_constant_queries(
        lambda: describe_events(AuditEvent.objects.select_related("actor")), grow=grow
    )
    assert len(lines) == 80
