"""Alice chooses what her lock screen shows: one box, big enough to tap, off until
she ticks it, and still ticked when she comes back."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_alice_ticks_show_whats_due_on_the_lock_screen_and_it_stays_ticked(
    alice_on_her_reminder_settings: Any, screenshot: Any
) -> None:
    page = alice_on_her_reminder_settings()

    box = page.get_by_label("Show what's due on the lock screen")
    expect(box).not_to_be_checked()  # off by default
    label = page.locator("#lock-screen label.choice").bounding_box()
    assert label is not None and label["height"] >= 44, label
    box.check()
    page.locator("#lock-screen").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved. The next reminder shows what you chose.")).to_be_visible()
    expect(page.get_by_label("Show what's due on the lock screen")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#lock-screen").scroll_into_view_if_needed()
    screenshot(page, "reminders-lock-screen")

    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "reminders-lock-screen-320")
