"""The audit page: sentences with details on demand, 50 a page, filters by who, what and when
(as you change them, with htmx, or with the button), the filtered trail as CSV, a constant
number of queries, and refusals that say why."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.models import AuditEvent
from organizations.roles import Role
from tests.conftest import Cast
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def _url(name: str = "org_audit", **query: Any) -> str:
    url = reverse(name, kwargs={"org_slug": "northwind"})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _record(cast: Cast, verb: AuditVerb, role: str | None = Role.ISM, **payload: Any) -> AuditEvent:
    actor = cast.members[role].user if role else None
    return audit_record(organization=cast.org, actor=actor, verb=verb, target=cast.brand, **payload)


def _named(cast: Cast) -> None:
    for role, name in ((Role.ISM, "Ivy ISM"), (Role.BSM, "Ben BSM"), (Role.ADMIN, "Ada Admin")):
        user = cast.members[role].user
        user.name = name
        user.save()


def _admin(cast: Cast) -> Any:
    return cast.client_for(Role.ADMIN)


def test_events_read_as_sentences_with_the_changes_on_demand(cast: Cast) -> None:
    _named(cast)
    _record(
        cast,
        AuditVerb.PROGRAM_UPDATED,
        before={"state": "recruiting", "brand": cast.brand.pk},
        after={"state": "launched", "brand": cast.other_brand.pk},
    )
    html = _admin(cast).get(_url()).content.decode()
    assert "Ivy ISM changed the brief of Lumen" in html
    assert "<details" in html and "<summary>Details" in html
    assert "State: <del>recruiting</del> → <ins>launched</ins>" in html
    assert "Brand: <del>Lumen</del> → <ins>Trailhead</ins>" in html
    assert (
        "program.updated" not in html and "{&#x27;" not in html and "&#x27;brand&#x27;" not in html
    )


def test_the_trail_is_paginated_fifty_a_page(cast: Cast) -> None:
    for n in range(55):
        _record(cast, AuditVerb.BRAND_CREATED, after={"name": f"Brand {n}"})
    client = _admin(cast)
    first = client.get(_url()).content.decode()
    assert first.count('<details class="history-details"') == 50
    assert "page 1 of 2" in first and "?page=2" in first
    second = client.get(_url(page=2)).content.decode()
    assert second.count('<details class="history-details"') == 5


def test_filters_by_who(cast: Cast) -> None:
    _named(cast)
    _record(cast, AuditVerb.BRAND_CREATED, role=Role.ISM)
    _record(cast, AuditVerb.BRAND_RENAMED, role=Role.BSM)
    _record(cast, AuditVerb.PAYOUT_PAID, role=None)
    client = _admin(cast)
    ism = cast.members[Role.ISM].user
    html = client.get(_url(who=ism.pk)).content.decode()
    results = html.split('id="audit-results"')[1]
    assert "Ivy ISM added the brand" in results and "Ben BSM" not in results
    html = client.get(_url(who="system")).content.decode()
    assert "The system paid Lumen" in html and "Ivy ISM added" not in html


def test_filters_by_what(cast: Cast) -> None:
    _named(cast)
    _record(cast, AuditVerb.PAYOUT_PAID)
    _record(cast, AuditVerb.PROGRAM_LAUNCHED)
    html = _admin(cast).get(_url(what="payouts")).content.decode()
    assert "Ivy ISM paid Lumen" in html and "launched" not in html.split('id="audit-results"')[1]


def test_filters_by_days_of_the_org_calendar(cast: Cast) -> None:
    cast.org.time_zone = "America/New_York"
    cast.org.save()
    # 03:00 UTC on 2 March is still 1 March in New York.
    with time_machine.travel(datetime(2026, 3, 2, 3, 0, tzinfo=UTC), tick=False):
        _record(cast, AuditVerb.BRAND_CREATED)
    with time_machine.travel(datetime(2026, 3, 5, 15, 0, tzinfo=UTC), tick=False):
        _record(cast, AuditVerb.BRAND_RENAMED)
    client = _admin(cast)

    def count(**query: Any) -> int:
        return int(client.get(_url(**query)).context["page"].paginator.count)

    assert count(since="2026-03-01", until="2026-03-01") == 1
    assert count(since="2026-03-02", until="2026-03-04") == 0
    assert count(since="2026-03-02") == 1
    assert count(until="2026-03-05") == 2


def test_a_filter_change_by_htmx_gets_the_results_only(cast: Cast) -> None:
    _record(cast, AuditVerb.PAYOUT_PAID)
    response = _admin(cast).get(_url(what="payouts"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="audit-results"' in html and "<h1" not in html and "<form" not in html


def test_the_filter_form_works_with_and_without_htmx(cast: Cast) -> None:
    html = _admin(cast).get(_url()).content.decode()
    assert 'data-hx-get="/orgs/northwind/audit/"' in html
    assert 'data-hx-trigger="change, submit"' in html and 'data-hx-push-url="true"' in html
    assert '<button type="submit">Filter</button>' in html  # visible: works without JS
    for label in ("Who", "What", "From", "To"):
        assert f">{label}</label>" in html


@pytest.mark.parametrize(
    "query",
    [
        {"since": "2026-02-30"},
        {"until": "yesterday"},
        {"since": "2026-03-05", "until": "2026-03-01"},
        {"what": "no-such-group"},
        {"who": "not-a-number"},
    ],
)
def test_filters_that_do_not_hold_are_refused_with_400(cast: Cast, query: dict[str, str]) -> None:
    response = _admin(cast).get(_url(**query))
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert _admin(cast).get(_url("org_audit_export", **query)).status_code == 400


def test_someone_of_another_org_is_not_a_choice(cast: Cast) -> None:
    response = _admin(cast).get(_url(who=cast.outsider.user.pk))
    assert response.status_code == 400
    assert "admin@acme.test" not in response.content.decode()


def test_an_htmx_request_with_a_bad_filter_shows_the_errors_in_full(cast: Cast) -> None:
    response = _admin(cast).get(_url(since="nope"), HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response["HX-Redirect"] == _url(since="nope")


@pytest.mark.parametrize("name", ["org_audit", "org_audit_export"])
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_admins_read_the_trail(cast: Cast, name: str, role: str) -> None:
    assert cast.client_for(role).get(_url(name)).status_code == 403


def test_other_orgs_events_never_show(cast: Cast) -> None:
    audit_record(
        organization=cast.outsider_org,
        actor=cast.outsider.user,
        verb=AuditVerb.BRAND_CREATED,
        target=cast.outsider_org,
    )
    html = _admin(cast).get(_url()).content.decode()
    assert "Acme" not in html
    assert "Acme" not in _admin(cast).get(_url("org_audit_export")).content.decode()


def _csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_filtered_trail_downloads_as_csv_in_machine_formats(cast: Cast) -> None:
    _named(cast)
    with time_machine.travel(datetime(2026, 3, 2, 3, 4, 5, tzinfo=UTC), tick=False):
        _record(
            cast, AuditVerb.PAYOUT_ON_HOLD, before={"state": "earned"}, after={"state": "on_hold"}
        )
    _record(cast, AuditVerb.PROGRAM_LAUNCHED)
    response = _admin(cast).get(_url("org_audit_export", what="payouts"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert len(rows) == 1
    row = rows[0]
    assert row["at_utc"] == "2026-03-02T03:04:05Z"
    assert row["verb"] == "payout.on_hold" and row["target_type"] == "organizations.brand"
    assert row["actor"] == "Ivy ISM" and row["actor_email"] == "ism@northwind.test"
    assert row["summary"] == "Ivy ISM put a payout on hold: Lumen"
    assert row["changes"] == "State: earned → on hold"


def test_the_csv_neutralises_formulas(cast: Cast) -> None:
    cast.brand.name = "=HYPERLINK(1)"
    cast.brand.save()
    _record(cast, AuditVerb.BRAND_RENAMED)
    row = _csv(_admin(cast).get(_url("org_audit_export")))[0]
    assert row["target"] == "'=HYPERLINK(1)"


def test_the_page_link_to_the_csv_keeps_the_filters(cast: Cast) -> None:
    _record(cast, AuditVerb.PAYOUT_PAID)
    html = _admin(cast).get(_url(what="payouts", who="system")).content.decode()
    assert "/orgs/northwind/audit/export.csv?what=payouts&amp;who=system" in html


def _grow(cast: Cast) -> None:
    members = [cast.members[r] for r in (Role.ISM, Role.BSM, Role.ADMIN)]
    for n, membership in enumerate(members * 5):
        audit_record(
            organization=cast.org,
            actor=membership.user,
            verb=AuditVerb.MEMBERSHIP_ROLE_CHANGED,
            target=membership,
            before={"role": "ism", "brands": [cast.brand.pk]},
            after={"role": "bsm", "brands": [cast.other_brand.pk], "assigned_bsm": n},
        )
        _record(cast, AuditVerb.PROGRAM_UPDATED, after={"enrollment": n, "deliverables": [n]})


def test_the_page_costs_the_same_queries_for_5_or_50_events(cast: Cast) -> None:
    _grow(cast)
    client = _admin(cast)
    assert_constant_queries(lambda: client.get(_url(who="", what="team")), grow=lambda: _grow(cast))


def test_the_csv_costs_the_same_queries_for_few_or_many_events(cast: Cast) -> None:
    _grow(cast)
    client = _admin(cast)
    assert_constant_queries(lambda: client.get(_url("org_audit_export")), grow=lambda: _grow(cast))


def test_the_filters_in_force_show_as_chips_that_remove_them(cast: Cast) -> None:
    _named(cast)
    ism = cast.members[Role.ISM].user
    html = _admin(cast).get(_url(who=ism.pk, what="payouts", since="2026-03-01")).content.decode()
    assert "Who: Ivy ISM" in html and "What: Payouts and tax forms" in html
    assert "From: March 1, 2026" in html or "From: Mar. 1, 2026" in html
    assert 'href="?what=payouts&amp;since=2026-03-01"' in html  # drops who
