"""On Today every tap says what happened, and focus moves to that note."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_repair_journey import (
    add_commitment,
    alice_asks_bob_for_a_bridge,
    alice_invites_bob_to_a_team,
)

pytestmark = pytest.mark.browser
PROMISE = "Reply to Bob's messages the same day"


def test_back_then_missed_is_named_and_bobs_confirmation_says_whose_plank(
    phone: Any, live_server: str, screenshot: Any
) -> None:
    alice, bob = phone().new_page(), phone().new_page()
    team_url = alice_invites_bob_to_a_team(alice, bob, live_server)
    bridge_url = alice_asks_bob_for_a_bridge(alice, bob, live_server, team_url)
    alice.goto(bridge_url)
    add_commitment(alice, PROMISE)
    alice.get_by_label("Every day").check()
    alice.get_by_role("button", name="Add the commitment").click()

    alice.goto(live_server + "/today")
    alice.get_by_role("button", name=f"Kept: {PROMISE}").click()
    laid = alice.get_by_role("status")
    expect(laid).to_have_text(re.compile(r"\bPlank laid\."))
    expect(laid).to_be_focused()

    alice.go_back()  # the old page, with the old form, from the browser's history
    alice.get_by_role("button", name=f"Missed: {PROMISE}").click()
    refused = alice.get_by_role("status")
    expect(refused).to_have_text(
        re.compile(r"You already checked this in for \w+day \d+ \w+: kept\.")
    )
    expect(refused).to_be_focused()
    expect(alice.get_by_text("✓ Kept")).to_be_visible()
    screenshot(alice, "today-already-checked-in")

    bob.goto(live_server + "/today")
    waiting = bob.get_by_role("region", name="Waiting for you")
    waiting.get_by_role("button", name="Confirm").click()
    confirmed = bob.get_by_role("status")
    expect(confirmed).to_contain_text("Confirmed — Alice's plank is secured.")
    expect(confirmed.get_by_role("button", name="Undo")).to_be_visible()  # on the spot
    expect(confirmed).to_be_focused()
