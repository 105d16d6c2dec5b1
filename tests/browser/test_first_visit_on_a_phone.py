"""The first visit on a phone: what Bridgework is, the bridge, three steps, and a way in."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_long_text_never_scrolls_sideways import NARROW, sideways

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", ["390", "320"])
def test_a_stranger_sees_what_bridgework_is_and_signs_up_from_the_first_screen(
    phone: Any, live_server: str, screenshot: Any, size: str
) -> None:
    page = phone(**(NARROW if size == "320" else {})).new_page()
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rebuild trust at work, one plank at a time"
    )
    expect(page.get_by_text("Bridgework helps two colleagues rebuild trust")).to_be_in_viewport()
    expect(page.get_by_role("img", name="A bridge being built from both banks")).to_be_visible()
    expect(page.get_by_role("heading", name="How it works")).to_be_visible()
    sign_up = page.get_by_role("link", name="Sign up", exact=True)
    expect(sign_up).to_be_in_viewport()  # no scrolling to find the way in
    expect(page.get_by_role("link", name="Sign in", exact=True).first).to_be_in_viewport()
    assert sideways(page) == 0
    screenshot(page, f"first-visit-{size}")

    sign_up.click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
