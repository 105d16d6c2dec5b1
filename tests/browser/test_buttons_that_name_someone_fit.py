"""A button that names a person or a team ("I agree to Alice…'s part", "Join …") wraps
a 60-letter name at 320 CSS px instead of pushing the page sideways (WCAG 1.4.10)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_long_text_never_scrolls_sideways import (
    ALICE,
    BOB,
    alice_and_bob_on_a_team,
    bridge_from_the_team_page,
    buttons_fit,
    sideways,
    sign_up,
)

pytestmark = pytest.mark.browser

NARROW = {"viewport": {"width": 320, "height": 700}}
TEAM = "Team" + "t" * 56  # the longest team name the form takes (60)


def write_part(page: Page, bridge_url: str) -> None:
    page.goto(bridge_url)
    page.get_by_role("region", name="The repair plan").get_by_role(
        "link", name="Write my part"
    ).click()
    page.get_by_label("What is my part in how we got here?").fill("I went quiet.")
    page.get_by_label("What would restored trust look like to me?").fill("We talk first.")
    page.get_by_role("button", name="Save my part").click()
    expect(page.get_by_role("heading", name=re.compile("You & "))).to_be_visible()


def fits(page: Page) -> int | str | list[str]:
    return sideways(page) or buttons_fit(page)


def test_buttons_naming_a_60_letter_person_or_team_fit_at_320_px(
    phone: Any, live_server: str
) -> None:
    base = live_server
    alice, bob, dana = (phone(**NARROW).new_page() for _ in range(3))
    team_url = alice_and_bob_on_a_team(alice, bob, base, TEAM)

    seen: dict[str, int | str | list[str]] = {}
    # Dana already has an account when Alice's team link reaches her: "Join <team>".
    sign_up(dana, base, "dana@example.com", "Dana")
    dana.get_by_role("button", name="Create account").click()
    expect(dana.get_by_role("heading", name="Hello, Dana")).to_be_visible()
    alice.goto(team_url)
    alice.get_by_role("button", name=re.compile("Make (another|an invite) link")).click()
    dana.goto(alice.get_by_label("Invite link").input_value())
    expect(dana.get_by_role("button", name=f"Join {TEAM}")).to_be_visible()
    seen["dana joins the team"] = fits(dana)

    # The lead's "Make Bob… the lead", behind More on Bob's row.
    alice.goto(team_url)
    row = alice.get_by_role("listitem").filter(has_text=BOB)
    row.get_by_text("More", exact=True).click()
    expect(row.get_by_role("button", name=f"Make {BOB} the lead")).to_be_visible()
    seen["alice's team page, more on bob"] = fits(alice)

    bridge_url = bridge_from_the_team_page(alice, bob)
    write_part(alice, bridge_url)
    write_part(bob, bridge_url)

    bob.goto(bridge_url + "/agreement")
    expect(bob.get_by_role("button", name=f"I agree to {ALICE}'s part")).to_be_visible()
    seen["bob's agreement page"] = fits(bob)

    alice.goto(bridge_url)
    alice.get_by_text(re.compile("^Forgot to pause")).click()
    expect(alice.get_by_role("button", name=f"Ask {BOB}")).to_be_visible()
    seen["alice asks to pause past days"] = fits(alice)

    alice.get_by_role("navigation", name="Add to the bridge").get_by_role(
        "link", name="Own a mistake"
    ).click()
    expect(alice.get_by_role("button", name=f"Share it with {BOB}")).to_be_visible()
    seen["alice owns a mistake"] = fits(alice)

    assert {page: px for page, px in seen.items() if px} == {}
