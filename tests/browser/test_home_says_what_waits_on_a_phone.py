"""Home's bridge row says what waits there for the reader ("1 due today · 2 planks to
confirm") and still fits a phone, 390 and 320 CSS px wide, with 60-letter names."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_long_text_never_scrolls_sideways import (
    ALICE,
    BOB,
    alice_and_bob_on_a_team,
    bridge_from_the_team_page,
    sideways,
)
from tests.browser.test_repair_journey import add_commitment

pytestmark = pytest.mark.browser


def promise_daily(page: Page, bridge_url: str, text: str) -> None:
    page.goto(bridge_url)
    add_commitment(page, text)
    page.get_by_label("Every day").check()
    page.get_by_role("button", name="Add the commitment").click()
    expect(page.get_by_text(text).first).to_be_visible()


def keep(page: Page, base: str, text: str) -> None:
    page.goto(base + "/today")
    page.get_by_role("button", name=f"Kept: {text}").click()
    expect(page.get_by_role("button", name=f"Kept: {text}")).to_have_count(0)


def row_of(page: Page, base: str, name: str) -> Any:
    page.goto(base)
    return page.get_by_role("region", name="Your bridges").get_by_role(
        "link", name=re.compile(re.escape(name))
    )


def test_alice_and_bob_read_what_waits_for_each_on_home_at_390_and_320_px(
    phone: Any, live_server: str, screenshot: Any
) -> None:
    base = live_server
    alice, bob = phone().new_page(), phone().new_page()
    team_url = alice_and_bob_on_a_team(alice, bob, base, "Product Team")

    alice.goto(team_url)
    bridge_url = bridge_from_the_team_page(alice, bob)

    promise_daily(alice, bridge_url, "Reply to Bob the same day")
    for text in ("Review the drafts", "Share the agenda", "Ask before reassigning"):
        promise_daily(bob, bridge_url, text)
    keep(bob, base, "Review the drafts")
    keep(bob, base, "Share the agenda")

    seen: dict[str, int | str] = {}
    for page, partner, says in (
        (alice, BOB, "1 due today · 2 planks to confirm"),
        (bob, ALICE, "1 due today"),
    ):
        who = "alice" if page is alice else "bob"
        expect(row_of(page, base, partner)).to_contain_text(says)
        seen[f"{who} at 390"] = sideways(page)
        screenshot(page, f"home-waits-{who}-390")
        page.set_viewport_size({"width": 320, "height": 700})
        page.reload()
        seen[f"{who} at 320"] = sideways(page)
        screenshot(page, f"home-waits-{who}-320")
        box = row_of(page, base, partner).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, box

    keep(alice, base, "Reply to Bob the same day")
    while alice.get_by_role("button", name=re.compile("^Confirm")).count():
        alice.get_by_role("button", name=re.compile("^Confirm")).first.click()
        alice.goto(base + "/today")
    row = row_of(alice, base, BOB)
    expect(row).not_to_contain_text("to confirm")
    expect(row).not_to_contain_text("due today")
    screenshot(alice, "home-nothing-waits-320")

    assert {page: px for page, px in seen.items() if px} == {}
