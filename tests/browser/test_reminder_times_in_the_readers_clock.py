"""Reminder settings in an American browser: the page's times use the clock its time
boxes show (8:30 AM), and a British one keeps 08:30."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("locale", "says"),
    [("en-US", "Every day at 8:30\u202fAM"), ("en-GB", "Every day at 08:30")],
)
def test_the_page_says_the_time_as_the_time_box_shows_it(
    alice_on_her_reminder_settings: Any, screenshot: Any, locale: str, says: str
) -> None:
    page = alice_on_her_reminder_settings(locale=locale)
    page.get_by_label("Time of day", exact=True).fill("08:30")
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.get_by_text("Now: ")).to_contain_text(says)
    page.get_by_label("Time of day", exact=True).scroll_into_view_if_needed()
    screenshot(page, f"reminders-time-{locale}")
