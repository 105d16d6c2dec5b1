"""On a phone, Alice, back after four silent days, is asked "Were you away?" and asks Bob
to pause them with one tap; Bob reads the request calmly on his Today and agrees."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from server.domain import span_text
from tests.browser.test_long_text_never_scrolls_sideways import sideways
from tests.browser.test_repair_journey import (
    alice_asks_bob_for_a_bridge,
    alice_invites_bob_to_a_team,
    small_tap_targets,
    watch_for_errors,
)
from tests.lead_helpers import history

pytestmark = pytest.mark.browser


def test_alice_asks_from_today_and_bob_agrees_on_his_today_at_390_px(
    live_server: str, phone: Any, screenshot: Any
) -> None:
    base = live_server
    alice, bob = phone().new_page(), phone().new_page()
    problems = watch_for_errors(alice) + watch_for_errors(bob)
    team_url = alice_invites_bob_to_a_team(alice, bob, base)
    bridge_url = alice_asks_bob_for_a_bridge(alice, bob, base, team_url)
    bridge = int(bridge_url.rstrip("/").rsplit("/", 1)[1])
    # A week kept and secured by both; then Alice went quiet for four days.
    today = datetime.now(ZoneInfo("Europe/London")).date()
    # (In a thread of its own: Playwright keeps this thread's event loop running.)
    with ThreadPoolExecutor(1) as writer:
        writer.submit(
            history, bridge, today - timedelta(days=11), "k" * 7 + "-" * 4, "k" * 11
        ).result()
    first, last = today - timedelta(days=4), today - timedelta(days=1)

    alice.goto(f"{base}/today")
    away = alice.get_by_role("region", name="Were you away?")
    expect(away).to_contain_text("No check-ins on your bridge with Bob for 4 days")
    alice.get_by_label("A word for Bob (optional)").fill("Flu, then my sister's wedding. Sorry!")
    assert sideways(alice) == 0
    screenshot(alice, "today-were-you-away")
    away.get_by_role("button", name=re.compile("Yes, ask Bob to pause")).click()
    expect(alice.get_by_text(re.compile("You asked Bob to pause"))).to_be_visible()

    bob.goto(f"{base}/today")
    card = bob.get_by_role("region", name=re.compile("Alice says they were away"))
    expect(card.get_by_role("heading")).to_have_text(
        f"Alice says they were away {span_text(first, last)}. Agree?"
    )
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


def test_alice_asks_from_the_bridge_page_for_days_long_past(live_server: str, phone: Any) -> None:
    base = live_server
    alice, bob = phone().new_page(), phone().new_page()
    team_url = alice_invites_bob_to_a_team(alice, bob, base)
    bridge_url = alice_asks_bob_for_a_bridge(alice, bob, base, team_url)
    today = datetime.now(ZoneInfo("Europe/London")).date()
    first, last = today - timedelta(days=20), today - timedelta(days=7)

    alice.goto(bridge_url)
    alice.locator("summary", has_text="Forgot to pause?").click()
    alice.get_by_label("First day away").fill(first.isoformat())
    alice.get_by_label("Last day away").fill(last.isoformat())
    alice.get_by_role("button", name="Ask Bob").click()

    expect(alice.get_by_text(f"You asked Bob to pause {span_text(first, last)}")).to_be_visible()
    bob.goto(f"{base}/today")
    expect(bob.get_by_role("region", name=re.compile("Alice says they were away"))).to_be_visible()
