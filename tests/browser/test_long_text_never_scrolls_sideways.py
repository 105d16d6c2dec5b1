"""No text a form accepts pushes a page sideways at 320 CSS px (WCAG 1.4.10).

Alice and Bob give themselves 60-letter names, Alice asks Bob with a 300-letter
word and promises a 200-letter one, writes her part of the plan as one 2,000-letter
word, and makes an invitation link with a 300-letter message: every page that shows
those words (home, Today, the team, the bridge, the sharing page, the lead's dashboard,
the invitation) still fits the phone, and its buttons stay whole and on screen.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_repair_journey import PASSWORD, add_commitment

pytestmark = pytest.mark.browser

NARROW = {"viewport": {"width": 320, "height": 700}}
ALICE = "Alice" + "x" * 55  # the longest name the form takes (60)
BOB = "Bob" + "y" * 57
MESSAGE = "Please" + "z" * 294  # one 300-letter word
PROMISE = "Reply" + "w" * 195  # the longest commitment (200)
MY_PART = "Sorry" + "v" * 1995  # the longest part of the plan (2,000)


def buttons_fit(page: Page, width: int = 320) -> list[str]:
    """Buttons in the page's main part that stick out of the screen."""
    return list(
        page.evaluate(
            "w => [...document.querySelectorAll('main button, main .button')]"
            ".filter(b => b.offsetParent && b.getBoundingClientRect().right > w + 0.5)"
            ".map(b => b.textContent.trim().slice(0, 40))",
            width,
        )
    )


def sideways(page: Page) -> int | str:
    """How many CSS px the page is wider than the screen (0 when it fits), and what."""
    page.wait_for_load_state()
    expect(page.locator("main")).to_be_visible()
    extra = int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )
    if not extra:
        return 0
    culprits = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)"
        ".slice(0, 4).map(e => e.tagName + '.' + (e.getAttribute('class') || ''))"
    ) + page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.scrollWidth > e.clientWidth + 1"
        " && getComputedStyle(e).overflowX === 'visible')"
        ".slice(0, 6).map(e => e.tagName + '.' + (e.getAttribute('class') || '') + ' '"
        " + e.scrollWidth + '>' + e.clientWidth)"
    )
    return f"{extra} px: {culprits}"


def sign_up(page: Page, base: str, email: str, name: str, path: str = "/signup") -> None:
    page.goto(base + path) if path.startswith("/") else page.goto(path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)


def alice_and_bob_on_a_team(alice: Page, bob: Page, base: str, team: str) -> str:
    """alice signs up and starts `team`; bob signs up through its invite link and joins.
    Returns the team page's address; alice is left on it, its invite link shown."""
    sign_up(alice, base, "alice@example.com", ALICE)
    alice.get_by_role("button", name="Create account").click()
    alice.get_by_role("link", name="Start a team").click()
    alice.get_by_label("Team name").fill(team)
    alice.get_by_role("button", name="Create team").click()
    team_url = alice.url
    alice.get_by_role("button", name="Make an invite link").click()
    sign_up(bob, base, "bob@example.com", BOB, path=alice.get_by_label("Invite link").input_value())
    bob.get_by_role("button", name="Create account and join").click()
    expect(bob.get_by_role("heading", level=1)).to_be_visible()
    return team_url


def bridge_from_the_team_page(alice: Page, bob: Page) -> str:
    """alice, on her team page, asks bob to build a bridge and bob accepts; its address."""
    alice.get_by_role("listitem").filter(has_text=BOB).get_by_role(
        "link", name="Start a bridge"
    ).click()
    alice.get_by_role("form", name="With a teammate").get_by_role(
        "button", name="Send the invitation"
    ).click()
    bridge_url = alice.url
    bob.goto(bridge_url)
    bob.get_by_role("button", name="Accept").click()
    return bridge_url


def test_long_words_and_names_fit_every_page_at_320_px(
    phone: Any, live_server: str, screenshot: Any
) -> None:
    base = live_server
    alice, bob = phone(**NARROW).new_page(), phone(**NARROW).new_page()

    team_url = alice_and_bob_on_a_team(alice, bob, base, "Team" + "t" * 56)

    alice.goto(team_url)
    alice.get_by_role("listitem").filter(has_text=BOB).get_by_role(
        "link", name="Start a bridge"
    ).click()
    with_teammate = alice.get_by_role("form", name="With a teammate")
    with_teammate.get_by_label(re.compile("message", re.I)).fill(MESSAGE)
    with_teammate.get_by_role("button", name="Send the invitation").click()
    expect(alice.get_by_text(f"Waiting for {BOB} to accept.")).to_be_visible()
    asking = alice.url

    bob.goto(base + "/today")
    expect(bob.get_by_text(f"{ALICE} asks to build a bridge with you")).to_be_visible()
    seen = {"bob's today with a request": sideways(bob)}
    bob.goto(base)
    seen["bob's home with a request"] = sideways(bob)
    bob.get_by_role("link", name=re.compile(f"{ALICE} asks to build a bridge")).click()
    seen["the request"] = sideways(bob)
    bob.get_by_role("button", name="Accept").click()
    seen["bob's bridge"] = sideways(bob)

    alice.goto(asking)
    add_commitment(alice, PROMISE)
    alice.get_by_label("Every day").check()
    alice.get_by_role("button", name="Add the commitment").click()
    for path in ("/", "/today", asking, team_url, "/settings", "/settings/reminders"):
        alice.goto(path if path.startswith("http") else base + path)
        seen[f"alice at {path}"] = sideways(alice)
    screenshot(alice, "reminder-settings-320")  # the last page: every card, last call too

    alice.goto(asking)
    alice.get_by_role("link", name="Write my part").click()
    alice.get_by_label("What is my part in how we got here?").fill(MY_PART)
    alice.get_by_label("What would restored trust look like to me?").fill(MY_PART)
    alice.get_by_role("button", name="Save my part").click()
    seen["alice's plan on her bridge"] = sideways(alice)
    bob.goto(asking)
    seen["alice's plan on bob's bridge"] = sideways(bob)
    screenshot(bob, "bridge-long-words-320")

    # Both share the bridge with the lead (Alice leads the team): the sharing page,
    # then the dashboard, name them both.
    alice.goto(asking + "/sharing")
    alice.get_by_role("button", name="Share with the lead").click()
    bob.goto(asking + "/sharing")
    seen["bob's sharing page"] = sideways(bob)
    bob.get_by_role("button", name=re.compile("^Share with")).click()
    expect(bob.get_by_text("sees this bridge's health on the team dashboard")).to_be_visible()
    seen["bob's sharing page, shared"] = sideways(bob)
    alice.goto(team_url + "/dashboard")
    expect(alice.get_by_text(f"{ALICE} & {BOB}")).to_be_visible()
    seen["the lead's dashboard"] = sideways(alice)

    alice.goto(base + "/bridges/new")
    by_link = alice.get_by_role("form", name="With anyone, by link")
    by_link.get_by_label(re.compile("message", re.I)).fill(MESSAGE)
    by_link.get_by_role("button", name="Make an invitation link").click()
    seen["alice's new invitation link"] = sideways(alice)
    bob.goto(alice.get_by_label("Bridge invitation link").input_value())
    expect(bob.get_by_text(MESSAGE)).to_be_visible()
    seen["the invitation by link"] = sideways(bob)
    crowded = {
        who: buttons_fit(page)
        for who, page in (("alice", alice), ("bob", bob))
        if buttons_fit(page)
    }
    assert crowded == {}

    alice.goto(base + "/today")
    screenshot(alice, "today-long-words-320")
    kept = alice.get_by_role("button", name=re.compile("^Kept"))
    missed = alice.get_by_role("button", name=re.compile("^Missed"))
    for button in (kept, missed):
        box = button.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, box
        assert 44 <= box["height"] < 60, box  # tappable, its label on one line

    assert {page: px for page, px in seen.items() if px} == {}
