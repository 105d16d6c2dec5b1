"""Alice's first plank is celebrated once: on the phone she kept it on, not again on
her second phone, never on Bob's; with reduced motion it is a plain message."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_repair_journey import (
    PASSWORD,
    add_commitment,
    alice_asks_bob_for_a_bridge,
    alice_invites_bob_to_a_team,
)

pytestmark = pytest.mark.browser
PROMISE = "Reply to Bob's messages the same day"
HIS = "Share the agenda a day ahead"


def commit_daily(page: Any, text: str) -> None:
    add_commitment(page, text)
    page.get_by_label("Every day").check()
    page.get_by_role("button", name="Add the commitment").click()


def moving(page: Any) -> bool:
    """Whether the celebration's picture is shown and animated."""
    return bool(
        page.evaluate(
            """() => {
              const art = document.querySelector('.celebration-art');
              if (!art || getComputedStyle(art).display === 'none') return false;
              return [...art.querySelectorAll('rect')]
                .some(r => getComputedStyle(r).animationName !== 'none');
            }"""
        )
    )


def sideways(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_alices_first_plank_is_celebrated_once_across_her_two_phones(
    phone: Any, live_server: str, screenshot: Any
) -> None:
    alice, bob = phone().new_page(), phone(reduced_motion="reduce").new_page()
    team_url = alice_invites_bob_to_a_team(alice, bob, live_server)
    bridge_url = alice_asks_bob_for_a_bridge(alice, bob, live_server, team_url)
    alice.goto(bridge_url)
    commit_daily(alice, PROMISE)

    alice.goto(live_server + "/today")
    alice.get_by_role("button", name=f"Kept: {PROMISE}").click()
    moment = alice.get_by_role("region", name="Your first plank")
    expect(moment).to_contain_text("You laid the first plank of your half of the bridge with Bob.")
    assert moving(alice)
    alice.wait_for_timeout(700)  # the planks have risen
    screenshot(alice, "celebration-first-plank")
    alice.emulate_media(color_scheme="dark")
    screenshot(alice, "celebration-first-plank-dark")
    alice.set_viewport_size({"width": 320, "height": 700})
    assert sideways(alice) == 0
    screenshot(alice, "celebration-first-plank-dark-320")
    alice.emulate_media(color_scheme="light")
    screenshot(alice, "celebration-first-plank-320")

    alice.reload()
    expect(alice.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(alice.locator(".celebration")).to_have_count(0)

    second = phone().new_page()  # her other phone: remembered on the server
    second.goto(live_server + "/signin")
    second.get_by_label("Email").fill("alice@example.com")
    second.get_by_label("Password").fill(PASSWORD)
    second.get_by_role("button", name="Sign in").click()
    second.goto(live_server + "/today")
    expect(second.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(second.locator(".celebration")).to_have_count(0)

    bob.goto(live_server + "/today")  # nothing of Alice's to compare against
    expect(bob.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(bob.locator(".celebration")).to_have_count(0)

    bob.goto(bridge_url)
    commit_daily(bob, HIS)
    bob.goto(live_server + "/today")
    bob.get_by_role("button", name=f"Kept: {HIS}").click()
    his = bob.get_by_role("region", name="Your first plank")
    expect(his).to_contain_text("with Alice")
    assert not moving(bob)  # reduced motion: the message alone, nothing moves
    expect(bob.locator(".celebration-art")).to_be_hidden()
    screenshot(bob, "celebration-reduced-motion")
