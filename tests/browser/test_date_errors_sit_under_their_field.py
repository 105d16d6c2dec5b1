"""A date error on the commitment form sits under its own field, and focus goes there."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_repair_journey import (
    add_commitment,
    alice_asks_bob_for_a_bridge,
    alice_invites_bob_to_a_team,
)

pytestmark = pytest.mark.browser


def test_a_past_done_by_date_is_said_under_done_by_and_names_no_start_date(
    phone: Any, live_server: str, screenshot: Any
) -> None:
    alice, bob = phone().new_page(), phone().new_page()
    team_url = alice_invites_bob_to_a_team(alice, bob, live_server)
    alice.goto(alice_asks_bob_for_a_bridge(alice, bob, live_server, team_url))
    add_commitment(alice, "Send Bob the release notes draft")
    alice.get_by_label("Once, by a date").check()
    past = date.today() - timedelta(days=3)
    alice.get_by_label("Done by").fill(past.isoformat())
    alice.get_by_role("button", name="Add the commitment").click()

    done_by = alice.get_by_label("Done by")
    expect(done_by).to_be_focused()
    error = alice.locator("#f-due_by-error")
    expect(error).to_have_text(
        f"{past.day} {past:%B} {past.year} has passed: pick today or a later day."
    )
    expect(error).to_be_in_viewport()
    expect(alice.locator("#f-cadence-error")).to_have_count(0)  # not under "How often"
    screenshot(alice, "commitment-date-error")
