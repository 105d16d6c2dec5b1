"""A bridge link opened on a new person's phone: who asks and why, then sign up in place."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_long_text_never_scrolls_sideways import NARROW, sideways
from tests.browser.test_repair_journey import PASSWORD, sign_up

pytestmark = pytest.mark.browser


def test_dana_opens_alices_link_reads_her_message_and_accepts_by_signing_up(
    phone: Any, live_server: str, screenshot: Any
) -> None:
    alice = phone().new_page()
    alice.goto(live_server + "/signup")
    sign_up(alice, "alice@example.com", "Alice")
    alice.get_by_role("button", name="Create account").click()
    alice.goto(live_server + "/bridges/new")
    by_link = alice.get_by_role("form", name="With anyone, by link")
    by_link.get_by_label("A message for them (optional)").fill("Can we reset after the launch?")
    by_link.get_by_role("button", name="Make an invitation link").click()
    link = alice.get_by_label("Bridge invitation link").input_value()
    expect(alice.get_by_role("button", name="Copy link")).to_be_visible()
    assert sideways(alice) == 0

    dana = phone(**NARROW).new_page()
    dana.goto(link)
    expect(dana.get_by_role("heading", level=1)).to_have_text(
        "Alice asks to build a bridge with you"
    )
    expect(dana.get_by_text("Can we reset after the launch?")).to_be_visible()
    expect(dana.get_by_text("is read by Alice and nobody else")).to_be_visible()
    assert sideways(dana) == 0
    screenshot(dana, "invite-link-new-person-320")
    dana.get_by_label("Email").fill("dana@example.com")
    dana.get_by_label("Your name").fill("Dana")
    dana.get_by_label("Password").fill(PASSWORD)
    dana.get_by_role("button", name="Create account and accept").click()
    expect(dana.get_by_role("heading", name="You & Alice")).to_be_visible()
    expect(dana.get_by_text("Your first plank: add a commitment")).to_be_visible()
