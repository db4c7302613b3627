"""Pages show money, counts and deliverables the way people write them (the sweep over the
templates), while the CSV exports keep machine formats."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.urls import reverse

from organizations.roles import Role
from programs.models import Program
from tests.conftest import World, make_payout

pytestmark = pytest.mark.django_db


def text_of(response: HttpResponse) -> str:
    return " ".join(response.content.decode().replace("\xa0", " ").split())


def test_a_payout_shows_its_amount_with_symbol_and_grouping(world: World) -> None:
    payout = make_payout(world, "1234.50")
    assert payout.currency == "USD"
    client = world.cast.client_for(Role.ADMIN)
    listing = text_of(client.get(reverse("payout_list", args=[world.cast.org.slug])))
    assert "$1,234.50" in listing
    assert "1234.50 USD" not in listing
    detail = text_of(client.get(reverse("payout_detail", args=[world.cast.org.slug, payout.pk])))
    assert "<h1>$1,234.50" in detail


def test_the_program_page_reads_audiences_and_rates_as_sentences(world: World) -> None:
    Program.objects.filter(pk=world.program.pk).update(
        min_audience=10000, max_audience=None, per_click_rate="0.1500"
    )
    client = world.cast.client_for(Role.ADMIN)
    page = text_of(
        client.get(reverse("program_detail", args=[world.cast.org.slug, world.program.pk]))
    )
    assert "10,000 followers or more" in page
    assert "any number of" not in page
    assert "$0.15 per click" in page
    assert "$250.00 flat fee" in page


def test_terms_list_deliverables_as_phrases(world: World) -> None:
    page = text_of(
        world.creator_client().get(reverse("portal_invitation", kwargs={"pk": world.enrollment.pk}))
    )
    assert "1 Instagram post" in page
    assert "× post on instagram" not in page
