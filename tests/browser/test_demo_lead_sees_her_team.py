"""The demo's lead, carol, reaches a dashboard with real figures in one tap from home."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_long_text_never_scrolls_sideways import sideways
from tests.conftest import seed_demo

pytestmark = pytest.mark.browser


def test_carol_taps_once_from_home_and_sees_four_shared_bridges(
    db: Any, phone: Any, live_server: str, screenshot: Any
) -> None:
    seed_demo(db.url)
    carol = phone().new_page()
    carol.goto(live_server + "/signin")
    carol.get_by_label("Email").fill("carol@example.com")
    carol.get_by_label("Password").fill("bridgework-demo")
    carol.get_by_role("button", name="Sign in").click()
    carol.get_by_role("link", name="Product Team: bridge health").click()
    expect(carol.get_by_role("heading", name="Shared bridges (4)")).to_be_visible()
    expect(carol.get_by_text("median health over all 4 bridges")).to_be_visible()
    assert sideways(carol) == 0
    screenshot(carol, "lead-dashboard")
