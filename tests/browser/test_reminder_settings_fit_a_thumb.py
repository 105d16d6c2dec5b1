"""Reminder settings on a phone: boxes big enough to tap, and a pause error where she is."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_alice_taps_the_time_boxes_and_reads_a_pause_error_beside_the_date(
    alice_on_her_reminder_settings: Any, screenshot: Any
) -> None:
    page = alice_on_her_reminder_settings()

    for label in ("Time of day", "From", "Until", "No reminders up to and including"):
        box = page.get_by_label(label, exact=True).bounding_box()
        assert box is not None and box["height"] >= 44, (label, box)

    page.get_by_label("No reminders up to and including").fill("2020-01-01")
    page.get_by_role("button", name="Pause reminders").click()
    until = page.get_by_label("No reminders up to and including")
    expect(until).to_be_focused()  # not at the top of a long page after a reload
    error = page.locator("#f-until-error")
    expect(error).to_be_in_viewport()
    screenshot(page, "reminders-pause-error")
