"""On a phone, Alice asks Bob to pause the two weeks she forgot to, and Bob reads the
request calmly on his Today and agrees with one tap."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_long_text_never_scrolls_sideways import sideways
from tests.browser.test_repair_journey import (
    alice_asks_bob_for_a_bridge,
    alice_invites_bob_to_a_team,
    small_tap_targets,
    watch_for_errors,
)

pytestmark = pytest.mark.browser


def test_bob_reads_alices_request_on_today_at_390_px_and_agrees(
    live_server: str, phone: Any, screenshot: Any
) -> None:
    base = live_server
    alice, bob = phone().new_page(), phone().new_page()
    problems = watch_for_errors(alice) + watch_for_errors(bob)
    team_url = alice_invites_bob_to_a_team(alice, bob, base)
    bridge_url = alice_asks_bob_for_a_bridge(alice, bob, base, team_url)

    today = datetime.now(ZoneInfo("Europe/London")).date()
    first, last = today - timedelta(days=14), today - timedelta(days=1)
    alice.goto(bridge_url)
    alice.locator("summary", has_text="Forgot to pause?").click()
    alice.get_by_label("First day away").fill(first.isoformat())
    alice.get_by_label("Last day away").fill(last.isoformat())
    alice.get_by_label("A word for Bob (optional)").fill("Flu, then my sister's wedding. Sorry!")
    alice.get_by_role("button", name="Ask Bob").click()
    expect(alice.get_by_text(re.compile("You asked Bob to pause"))).to_be_visible()

    bob.goto(f"{base}/today")
    card = bob.get_by_role("region", name=re.compile("Alice says they were away"))
    expect(card).to_be_visible()
    expect(card.get_by_role("heading")).to_have_text(re.compile(r"away .+\. Agree\?$"))
    expect(card.get_by_text("Flu, then my sister's wedding. Sorry!")).to_be_visible()
    expect(card.get_by_role("button", name="Agree")).to_be_in_viewport()
    expect(card.get_by_role("button", name="Decline")).to_be_in_viewport()
    assert sideways(bob) == 0
    assert small_tap_targets(bob) == []
    screenshot(bob, "today-pause-request")

    card.get_by_role("button", name="Agree").click()
    expect(bob.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(bob.get_by_text(re.compile("Alice says they were away"))).to_have_count(0)
    bob.goto(bridge_url)
    expect(bob.get_by_text(re.compile("agreed to pause those days"))).to_be_visible()
    assert problems == []
