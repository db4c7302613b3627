"""Keyboard journeys: the phone menu, the confirmation dialog, the review shortcuts, the flash
message after a redirect, and every control of the approvals inbox and the enrollment hub
reached by Tab with a visible focus ring. Only keys are pressed once the page is open."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import Role
from programs.models import Deliverable, Program
from programs.recruiting import services as recruiting
from tests.browser.conftest import sign_in
from tests.browser.test_approvals_flow import two_waiting
from tests.browser.test_axe import axe_report
from tests.conftest import build_cast, build_world
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE_IN = "selector => !!document.activeElement.closest(selector)"
ACTIVE_TEXT = "document.activeElement.textContent.trim()"
# The page's controls a Tab can reach: visible, enabled, not taken out of the order. Each is
# numbered (data-kb) so the walk can tell them apart; a radio group counts once (its first).
NUMBER_CONTROLS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[tabindex]';
  const seen = new Set();
  let n = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.tabIndex < 0 || el.closest('[inert], dialog:not([open])')) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    if (el.type === 'radio') { if (seen.has(el.name)) continue; seen.add(el.name); }
    el.dataset.kb = String(n++);
  }
  return n;
}"""
# What Tab focused: its number (or null), its radio group, and its focus ring: drawn, at least
# 2 px wide, and with a contrast of 3:1 against the background around the element (WCAG 1.4.11).
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rgb = text => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b]
    .map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let around = [255, 255, 255];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const bg = rgb(getComputedStyle(node).backgroundColor);
    if (bg.length === 3 || (bg.length === 4 && bg[3] > 0)) { around = bg; break; }
  }
  const [hi, lo] = [luminance(rgb(style.outlineColor)), luminance(around)].sort((a, b) => b - a);
  return {
    kb: el.dataset.kb ?? null,
    group: el.type === 'radio' ? el.name : null,
    ring: el.matches(':focus-visible') && style.outlineStyle !== 'none'
      && parseFloat(style.outlineWidth) >= 2 && (hi + 0.05) / (lo + 0.05) >= 3,
    html: el.outerHTML.slice(0, 120),
  };
}"""


def _sign_in_admin(page: Any, base: str) -> None:
    sign_in(page, base, "admin@northwind.test", TOTP_SECRET)
    page.locator('form[action="/accounts/logout/"]').wait_for(state="attached")


def _program() -> Program:
    with dangerously_unscoped():
        return build_world(build_cast()).program


def _tab_through(page: Any) -> None:
    """Tab from the top of the page to its end: every control is reached, each with a ring."""
    total = page.evaluate(NUMBER_CONTROLS)
    assert total > 10
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    reached: set[str] = set()
    no_ring: list[str] = []
    for _ in range(total + 20):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["kb"] is None and focused["group"] is None:
            if reached:  # past the last control: focus left the document
                break
            continue
        if focused["kb"] is not None:
            reached.add(focused["kb"])
        else:  # Tab lands on the checked radio of a group; count the group's first
            first = page.evaluate(
                "name => document.querySelector(`input[name='${name}'][data-kb]`).dataset.kb",
                focused["group"],
            )
            reached.add(first)
        if not focused["ring"]:
            no_ring.append(focused["html"])
    missed = [
        page.evaluate("n => document.querySelector(`[data-kb='${n}']`).outerHTML.slice(0, 120)", n)
        for n in map(str, range(total))
        if n not in reached
    ]
    assert not missed, f"not reached by Tab: {missed}"
    assert not no_ring, f"focused without a visible ring of 3:1: {no_ring}"


def test_the_phone_menu_opens_with_enter_and_closes_with_escape(
    live_server: Any, page: Any
) -> None:
    _program()
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 740})
    _sign_in_admin(page, base)
    page.goto(f"{base}/orgs/northwind/")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    # Tab from the top: the skip link first, then the menu button.
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_TEXT) == "Skip to content"
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_IN, ".menu-button")
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert nav.is_visible()
    # Focus moves into the menu, on its first link; Tab walks on through its links.
    first_link = nav.get_by_role("link").first
    assert page.evaluate(ACTIVE_IN, "#site-nav")
    assert page.evaluate(ACTIVE_TEXT) == first_link.inner_text().strip()
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_IN, "#site-nav")
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    assert page.evaluate(ACTIVE_IN, ".menu-button")  # back where the user was
    # Enter on a focused menu link follows it; the menu is closed on the next page.
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    nav.get_by_role("link", name="Programs").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/programs/")
    assert page.get_by_role("heading", level=1).inner_text() == "Programs"
    assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "false"


def test_the_confirm_dialog_traps_focus_escape_cancels_enter_confirms(
    live_server: Any, page: Any
) -> None:
    program = _program()
    base = live_server.url
    _sign_in_admin(page, base)
    page.goto(f"{base}/orgs/northwind/programs/{program.pk}/")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    zone = page.get_by_role("region", name="Danger zone")
    cancel = zone.get_by_role("button", name="Cancel program")
    zone.get_by_label("Reason for cancelling").fill("The brand paused spring.")
    zone.get_by_label("Reason for cancelling").press("Tab")
    expect(cancel).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Are you sure?")
    expect(dialog).to_be_visible()
    # The safe choice has focus.
    expect(dialog.get_by_role("button", name="Go back")).to_be_focused()
    assert axe_report(page, "[open confirm dialog]") == []
    # Tab and Shift+Tab stay in the dialog, however often they are pressed.
    for key in ["Tab"] * 5 + ["Shift+Tab"] * 5:
        page.keyboard.press(key)
        assert page.evaluate(ACTIVE_IN, "#confirm-dialog"), key
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(cancel).to_be_focused()  # focus returns to the button
    assert posts == []
    with dangerously_unscoped():
        assert Program.objects.get(pk=program.pk).state == "recruiting"

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Yes, cancel the program")).to_be_focused()
    page.keyboard.press("Enter")
    message = page.locator(".messages")
    message.wait_for()
    assert "cancelled" in message.inner_text()
    assert len(posts) == 1
    with dangerously_unscoped():
        assert Program.objects.get(pk=program.pk).state == "cancelled"


def test_the_flash_message_has_focus_after_a_redirect(live_server: Any, page: Any) -> None:
    with dangerously_unscoped():
        world = build_world(build_cast())
        admin = world.cast.members[Role.ADMIN].user
        recruiting.enrollment_move(enrollment=world.enrollment, target="accepted", actor=admin)
    base = live_server.url
    _sign_in_admin(page, base)
    page.goto(f"{base}/orgs/northwind/enrollments/{world.enrollment.pk}/")
    page.get_by_role("button", name="Confirm Cara Creator").focus()
    page.keyboard.press("Enter")
    message = page.locator(".messages")
    expect(message).to_be_focused()
    assert "Cara Creator" in page.evaluate("document.activeElement.innerText")
    # The region is announced politely, and Tab goes on from it into the page.
    assert message.get_attribute("role") == "status"
    page.keyboard.press("Tab")
    assert not page.evaluate(ACTIVE_IN, ".messages")


def test_review_shortcuts_choose_the_decision_but_not_while_typing(
    live_server: Any, page: Any
) -> None:
    with dangerously_unscoped():
        first, second = two_waiting()
    base = live_server.url
    sign_in(page, base, "approver@northwind.test")
    page.goto(f"{base}/orgs/northwind/content/deliverables/{first.pk}/")
    comment = page.get_by_label("Comment for the creator")
    outcome = "document.querySelector('input[name=outcome]:checked')?.value ?? null"
    # R asks for changes and moves focus to the comment for the creator.
    page.locator("h1").click()
    page.keyboard.press("r")
    assert page.evaluate(outcome) == "changes_requested"
    assert page.evaluate("document.activeElement.name") == "comment"
    # Typing there — letters that are shortcuts elsewhere — writes text and changes nothing.
    page.keyboard.type("a crisp caption")
    assert comment.input_value() == "a crisp caption"
    assert page.evaluate(outcome) == "changes_requested"
    # A held modifier is no shortcut either.
    page.locator("h1").click()
    page.keyboard.press("Control+a")
    assert page.evaluate(outcome) == "changes_requested"
    # C picks approve with corrections; N opens the next item, nothing saved.
    page.keyboard.press("c")
    assert page.evaluate(outcome) == "approved_with_corrections"
    page.locator("h1").click()
    page.keyboard.press("n")
    page.wait_for_url(re.compile(rf"/content/deliverables/{second.pk}/$"))
    with dangerously_unscoped():
        assert Deliverable.objects.get(pk=first.pk).state == "submitted"


def test_every_control_of_the_inbox_and_the_hub_is_reached_by_tab_with_a_ring(
    live_server: Any, page: Any
) -> None:
    with dangerously_unscoped():
        first, _second = two_waiting()
        enrollment = first.enrollment
    base = live_server.url
    _sign_in_admin(page, base)
    page.goto(f"{base}/orgs/northwind/approvals/")
    assert page.locator("tbody tr").count() == 2
    _tab_through(page)
    page.goto(f"{base}/orgs/northwind/enrollments/{enrollment.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Cara Creator in")
    _tab_through(page)
