"""The example in docs/examples/ runs against a live server with a real token: it lists the
programs and approves the submission waiting for review."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from accounts.tokens.services import token_create
from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import Role
from programs.content import services as content
from programs.models import Deliverable, Review
from tests.conftest import World, confirm_and_launch

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "approve_with_token.py"


def test_the_documented_script_lists_programs_and_approves(
    cast_and_world_unscoped: World, live_server: Any, monkeypatch: Any, capsys: Any
) -> None:
    world = cast_and_world_unscoped
    with dangerously_unscoped():
        confirm_and_launch(world)
        deliverable = Deliverable.objects.get(enrollment=world.enrollment)
        content.submission_create(
            deliverable=deliverable, user=world.creator.user, caption="Glow #ad"
        )
        secret = token_create(
            user=world.cast.members[Role.ADMIN].user,
            organization=world.cast.org,
            name="Script",
            scope="write",
            expires_in_days=7,
        ).secret
    spec = importlib.util.spec_from_file_location("approve_with_token", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setenv("IO_TOKEN", secret)
    script.main(live_server.url, "northwind")
    out = capsys.readouterr().out
    assert "Spring Glow" in out and "Approved submission" in out
    with dangerously_unscoped():
        assert Review.objects.get().outcome == Review.Outcome.APPROVED
