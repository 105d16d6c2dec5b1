"""At 320 CSS px the day boxes keep their names whole ("Mon", never "Mo" over "n"):
on the reminder settings and on the commitment form."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_repair_journey import (
    add_commitment,
    alice_asks_bob_for_a_bridge,
    alice_invites_bob_to_a_team,
)

pytestmark = pytest.mark.browser

NARROW = {"viewport": {"width": 320, "height": 700}}


def broken_day_names(page: Page) -> list[str]:
    """Day labels whose name runs over more than one line."""
    return list(
        page.locator(".choices.weekdays label").evaluate_all(
            """labels => labels.filter(label => {
                 const range = document.createRange();
                 range.selectNodeContents(label.lastChild);  // the name, not its box
                 const lines = new Set([...range.getClientRects()]
                   .filter(r => r.width > 0).map(r => Math.round(r.top)));
                 return lines.size > 1;
               }).map(label => label.textContent.trim())"""
        )
    )


def test_day_names_stay_whole_on_the_reminder_settings_at_320_px(
    alice_on_her_reminder_settings: Any,
) -> None:
    page = alice_on_her_reminder_settings(**NARROW)
    expect(page.get_by_label("Mon", exact=True)).to_be_visible()
    assert broken_day_names(page) == []


def test_day_names_stay_whole_on_the_commitment_form_at_320_px(
    phone: Any, live_server: str
) -> None:
    alice, bob = phone(**NARROW).new_page(), phone(**NARROW).new_page()
    team_url = alice_invites_bob_to_a_team(alice, bob, live_server)
    bridge_url = alice_asks_bob_for_a_bridge(alice, bob, live_server, team_url)
    alice.goto(bridge_url)
    add_commitment(alice, "Share the agenda a day ahead")
    alice.get_by_label("On chosen weekdays").check()
    expect(alice.get_by_label("Mon", exact=True)).to_be_visible()
    assert broken_day_names(alice) == []
