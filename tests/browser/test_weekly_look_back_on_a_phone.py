"""Alice turns the weekly look back on from her phone and chooses Sunday 20:00."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_alice_turns_on_the_weekly_look_back_at_a_time_she_chooses(
    alice_on_her_reminder_settings: Any, screenshot: Any
) -> None:
    page = alice_on_her_reminder_settings()

    turn_on = page.get_by_label("Send me a weekly look back")
    expect(turn_on).not_to_be_checked()  # off by default
    at = page.get_by_label("On Sunday at", exact=True)
    box = at.bounding_box()
    assert box is not None and box["height"] >= 44, box
    turn_on.check()
    at.fill("20:00")
    page.locator("#look-back").get_by_role("button", name="Save").click()

    saved = page.locator("#look-back").get_by_role("status")
    expect(saved).to_have_text("Saved. Your weekly look back comes on Sundays at 20:00.")
    expect(saved).to_be_focused()
    expect(page.get_by_label("Send me a weekly look back")).to_be_checked()
    expect(page.get_by_label("On Sunday at", exact=True)).to_have_value("20:00")
    screenshot(page, "reminders-weekly-look-back")
