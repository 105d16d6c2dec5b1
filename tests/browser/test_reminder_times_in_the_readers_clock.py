"""Reminder settings in an American browser: the page's times use the clock its time
boxes show (8:30 AM), and a British one keeps 08:30."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_repair_journey import sign_up

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("locale", "says"),
    [("en-US", "Every day at 8:30\u202fAM"), ("en-GB", "Every day at 08:30")],
)
def test_the_page_says_the_time_as_the_time_box_shows_it(
    phone: Any, live_server: str, screenshot: Any, locale: str, says: str
) -> None:
    page = phone(locale=locale).new_page()
    page.goto(live_server + "/signup")
    sign_up(page, "alice@example.com", "Alice")
    page.get_by_role("button", name="Create account").click()
    page.goto(live_server + "/settings/reminders")
    page.get_by_label("Time of day", exact=True).fill("08:30")
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.get_by_text("Now: ")).to_contain_text(says)
    page.get_by_label("Time of day", exact=True).scroll_into_view_if_needed()
    screenshot(page, f"reminders-time-{locale}")
