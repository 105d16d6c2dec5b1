"""Alice and Bob run a whole repair on their phones and watch their bridge grow from both banks.

The issue's "done": plan, commitments, daily check-ins, confirmations, a listening
session and an owned mistake, through the UI only, by role and label. The drawing is
checked as a person sees it (plank rects on each bank; the viewer's bank is on the
left, x < 180) and as a screen reader hears it (the SVG's <desc>).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
MIDDLE_X = 180  # the drawing is 360 wide: the left bank is the viewer's side
TAP_TARGET_PX = 44
TAPPABLE = "main .button, main summary, main label.choice, main .crumbs a, header a"
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

ALICE_PLAN = "I shipped the release notes without Bob's review and he heard it from a client."
BOB_PLAN = "I went quiet for a week instead of telling Alice I was angry."
ALICE_DAILY = [
    "Reply to Bob's messages the same day",
    "Share the release notes draft before stand-up",
    "Ask Bob before changing his tickets",
]
BOB_WEEKLY = "Tell Alice at stand-up what is blocking me"
PRIVATE_NOTES = "PRIVATE-7f3: I was defensive for the first ten minutes."
SUMMARY = "Bob needed to hear about changes before clients do."


# ---------------------------------------------------------------- small steps


def sign_up(page: Page, email: str, name: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)


def alice_invites_bob_to_a_team(alice: Page, bob: Page, base: str) -> str:
    """Alice signs up and starts a team; Bob joins by her link. Returns the team's URL."""
    alice.goto(f"{base}/signup")
    sign_up(alice, "alice@example.com", "Alice")
    alice.get_by_role("button", name="Create account").click()
    expect(alice.get_by_role("heading", name="Hello, Alice")).to_be_visible()
    alice.get_by_role("link", name="Start a team").click()
    alice.get_by_label("Team name").fill("Product Team")
    alice.get_by_role("button", name="Create team").click()
    expect(alice.get_by_role("heading", name="Product Team", level=1)).to_be_visible()
    team_url = alice.url
    alice.get_by_role("button", name="Make an invite link").click()
    link = alice.get_by_label("Invite link").input_value()

    bob.goto(link)
    sign_up(bob, "bob@example.com", "Bob")
    bob.get_by_role("button", name="Create account and join").click()
    expect(bob.get_by_role("heading", name="Product Team", level=1)).to_be_visible()
    return team_url


def alice_asks_bob_for_a_bridge(alice: Page, bob: Page, base: str, team_url: str) -> str:
    """Alice asks from the team page, Bob accepts at home. Returns the bridge's URL."""
    alice.goto(team_url)
    row = alice.get_by_role("listitem").filter(has_text="Bob")
    row.get_by_role("link", name="Start a bridge").click()
    with_teammate = alice.get_by_role("form", name="With a teammate")
    with_teammate.get_by_role("button", name="Send the invitation").click()
    expect(alice.get_by_text("Waiting for Bob to accept.")).to_be_visible()

    bob.goto(base)
    asks = bob.get_by_role("region", name="Waiting for your answer")
    asks.get_by_role("link", name=re.compile("Alice asks to build a bridge")).click()
    bob.get_by_role("button", name="Accept").click()
    expect(bob.get_by_role("heading", name="You & Alice")).to_be_visible()
    return bob.url


def write_my_part(page: Page, my_part: str, restored: str) -> None:
    page.get_by_role("region", name="The repair plan").get_by_role(
        "link", name="Write my part"
    ).click()
    expect(page.get_by_role("heading", name="Your part of the plan")).to_be_visible()
    page.get_by_label("What is my part in how we got here?").fill(my_part)
    page.get_by_label("What would restored trust look like to me?").fill(restored)


def open_form(page: Page, link: str) -> None:
    page.get_by_role("navigation", name="Add to the bridge").get_by_role("link", name=link).click()


def add_commitment(page: Page, text: str) -> None:
    """Fill the commitment form's text; the caller picks the cadence and submits."""
    open_form(page, "Add a commitment")
    expect(page.get_by_role("heading", name="Make a commitment")).to_be_visible()
    page.get_by_label("What will you do?").fill(text)


def planks(page: Page) -> dict[str, int]:
    """Plank rects in the drawing: on the viewer's bank (left) and the partner's (right)."""
    found = page.locator(".planks rect").evaluate_all(
        "rects => rects.map(r => [Number(r.getAttribute('x')),"
        " r.classList.contains('plank-secured')])"
    )
    mine = [secured for x, secured in found if x < MIDDLE_X]
    theirs = [secured for x, secured in found if x >= MIDDLE_X]
    return {
        "mine": len(mine),
        "mine_secured": sum(mine),
        "theirs": len(theirs),
        "theirs_secured": sum(theirs),
    }


def description(page: Page) -> str:
    """What a screen reader hears for the drawing."""
    return page.locator("figure.bridge-drawing svg desc").text_content() or ""


def small_tap_targets(page: Page) -> list[str]:
    """Buttons, links styled as controls and choices shorter than a fingertip (44 px)."""
    found = page.locator(TAPPABLE).evaluate_all(
        "els => els.filter(e => e.offsetParent !== null)"
        ".map(e => [e.textContent.trim(), e.getBoundingClientRect().height])"
    )
    return [f"{text!r}: {height:.0f}px" for text, height in found if height < TAP_TARGET_PX]


def watch_for_errors(page: Page) -> list[str]:
    """Collect console errors and uncaught page errors while the test runs."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def settle(page: Page) -> None:
    """Wait for the plank to finish being laid, so the screenshot shows it in place."""
    page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")


def today_in_london() -> str:
    return WEEKDAYS[datetime.now(ZoneInfo("Europe/London")).weekday()]


# ---------------------------------------------------------------- the journey


def test_alice_and_bob_run_a_repair_and_watch_their_bridge_grow(
    live_server: str, phone: Any, screenshot: Any
) -> None:
    alice = phone().new_page()
    bob = phone().new_page()
    problems = {"alice": watch_for_errors(alice), "bob": watch_for_errors(bob)}
    team_url = alice_invites_bob_to_a_team(alice, bob, live_server)
    bridge_url = alice_asks_bob_for_a_bridge(alice, bob, live_server, team_url)

    # Nothing laid yet: two bare banks, from either side.
    alice.goto(bridge_url)
    expect(alice.get_by_role("heading", name="You & Bob")).to_be_visible()
    nothing = {"mine": 0, "mine_secured": 0, "theirs": 0, "theirs_secured": 0}
    assert planks(alice) == nothing
    assert planks(bob) == nothing
    assert description(alice).startswith("Your side: 0 of 15 planks, 0 secured; Bob's side: 0")

    # Each writes their own part of the plan; each reads the other's.
    write_my_part(alice, ALICE_PLAN, "Bob hears about changes to his work from me first.")
    screenshot(alice, "plan")
    alice.get_by_role("button", name="Save my part").click()
    write_my_part(bob, BOB_PLAN, "Alice knows where I stand before the retro.")
    bob.get_by_role("button", name="Save my part").click()
    expect(bob.get_by_role("region", name="The repair plan")).to_contain_text(ALICE_PLAN)
    alice.reload()
    expect(alice.get_by_role("region", name="The repair plan")).to_contain_text(BOB_PLAN)

    # Alice commits to three small daily acts; Bob to today and one other weekday.
    for i, text in enumerate(ALICE_DAILY):
        add_commitment(alice, text)
        expect(alice.get_by_label("Every day")).to_be_checked()
        if i == 0:
            assert small_tap_targets(alice) == []
            screenshot(alice, "commitment-form")
        alice.get_by_role("button", name="Add the commitment").click()
        expect(alice.get_by_role("heading", name="You & Bob")).to_be_visible()
    weekday = today_in_london()
    other_day = WEEKDAYS[(WEEKDAYS.index(weekday) + 3) % 7]
    add_commitment(bob, BOB_WEEKLY)
    bob.get_by_label("On chosen weekdays").check()
    bob.get_by_label(weekday, exact=True).check()
    bob.get_by_label(other_day, exact=True).check()
    screenshot(bob, "commitment-weekdays")
    bob.get_by_role("button", name="Add the commitment").click()
    commitments = bob.get_by_role("region", name="Commitments")
    expect(commitments).to_contain_text(BOB_WEEKLY)
    expect(commitments).to_contain_text(
        re.compile(rf"every ({weekday}, {other_day}|{other_day}, {weekday})")
    )
    expect(commitments).to_contain_text(ALICE_DAILY[0])

    # Alice checks in her day on Today: three taps.
    alice.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    due = alice.get_by_role("region", name="Due today")
    expect(due.get_by_role("listitem")).to_have_count(3)
    assert small_tap_targets(alice) == []
    screenshot(alice, "today")
    for n, text in enumerate(ALICE_DAILY, start=1):
        due.get_by_role("button", name=f"Kept: {text}").click()
        # Only the day's first keep adds a plank to the span; the page says which.
        expect(alice.get_by_role("status")).to_have_text(
            re.compile(r"\bPlank laid\.")
            if n == 1
            else re.compile("^Kept. Today's plank on that bridge was")
        )
        expect(due.get_by_role("button", name=re.compile("^Kept: "))).to_have_count(3 - n)
        if n == 1:
            settle(alice)
            screenshot(alice, "today-laid")

    # Bob's weekday commitment is due today too.
    bob.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    bob.get_by_role("region", name="Due today").get_by_role(
        "button", name=f"Kept: {BOB_WEEKLY}"
    ).click()
    expect(bob.get_by_role("status")).to_have_text(re.compile(r"\bPlank laid\."))

    # One plank per side per day: three keeps lay one plank on Alice's bank, one on Bob's.
    alice.goto(bridge_url)
    assert planks(alice) == {"mine": 1, "mine_secured": 0, "theirs": 1, "theirs_secured": 0}

    # Bob confirms one of Alice's keeps from Today; that secures her plank.
    bob.reload()
    waiting = bob.get_by_role("region", name="Waiting for you")
    expect(waiting.get_by_role("listitem")).to_have_count(3)
    kept = waiting.get_by_role("listitem").filter(has_text=f"Alice kept: {ALICE_DAILY[0]}")
    kept.get_by_role("button", name="Confirm").click()
    expect(waiting.get_by_role("listitem")).to_have_count(2)
    bob.goto(bridge_url)
    assert planks(bob) == {"mine": 1, "mine_secured": 0, "theirs": 1, "theirs_secured": 1}

    # Alice logs a listening session, with notes only she can read.
    open_form(alice, "Log a listening session")
    expect(alice.get_by_label("Bob did")).to_be_checked()
    alice.get_by_label("A short summary you both can read (optional)").fill(SUMMARY)
    alice.get_by_label("Private notes, only for you (optional)").fill(PRIVATE_NOTES)
    screenshot(alice, "listening-form")
    alice.get_by_role("button", name="Log the session").click()
    timeline = alice.get_by_role("region", name="Acts on this bridge")
    expect(timeline.get_by_text(PRIVATE_NOTES)).to_be_visible()

    # Bob reads the summary, never the notes, and says he felt heard.
    bob.reload()
    session = bob.get_by_role("region", name="Acts on this bridge").get_by_role("listitem")
    session = session.filter(has_text="Alice held a listening session")
    expect(session).to_contain_text(SUMMARY)
    assert PRIVATE_NOTES not in bob.content()
    session.get_by_role("button", name="I felt heard").click()
    expect(session).to_contain_text("Secured")
    assert PRIVATE_NOTES not in bob.content()
    bob.goto(f"{live_server}/today")
    assert PRIVATE_NOTES not in bob.content()

    # Bob owns a mistake; Alice acknowledges it on the bridge page.
    bob.goto(bridge_url)
    open_form(bob, "Own a mistake")
    bob.get_by_label("What happened").fill("I skipped the retro without a word.")
    bob.get_by_label("My part").fill("I avoided a hard conversation.")
    bob.get_by_label("What I will do differently").fill("Say so when I'm upset, the same day.")
    screenshot(bob, "mistake-form")
    bob.get_by_role("button", name="Share it with Alice").click()
    expect(bob.get_by_role("region", name="Acts on this bridge")).to_contain_text("owned a mistake")

    alice.reload()
    mistake = alice.get_by_role("region", name="Acts on this bridge").get_by_role("listitem")
    mistake = mistake.filter(has_text="Bob owned a mistake")
    expect(mistake).to_contain_text("I avoided a hard conversation.")
    mistake.get_by_role("button", name="Acknowledge").click()
    expect(mistake).to_contain_text("Secured")

    # Both banks now hold a secured plank, seen from both sides and heard in the <desc>.
    both = {"mine": 1, "mine_secured": 1, "theirs": 1, "theirs_secured": 1}
    assert planks(alice) == both
    expect(alice.get_by_role("img", name=re.compile("Your bridge with Bob"))).to_be_visible()
    assert description(alice).startswith(
        "Your side: 1 of 15 planks, 1 secured; Bob's side: 1 of 15 planks, 1 secured."
    )
    expect(alice.get_by_role("figure")).to_contain_text("you 1 of 15, Bob 1 of 15")
    assert small_tap_targets(alice) == []
    screenshot(alice, "bridge-growing")
    bob.reload()
    assert planks(bob) == both
    assert description(bob).startswith("Your side: 1 of 15 planks, 1 secured; Alice's side: 1")

    # The same two screens in the dark.
    alice.emulate_media(color_scheme="dark")
    screenshot(alice, "bridge-growing-dark")
    alice.goto(f"{live_server}/today?laid=1")
    settle(alice)
    screenshot(alice, "today-dark")

    # Asked for less motion, the plank is simply there.
    alice.emulate_media(color_scheme="light", reduced_motion="reduce")
    alice.reload()
    expect(alice.get_by_role("status")).to_have_text(re.compile(r"\bPlank laid\."))
    assert alice.evaluate("() => document.getAnimations().length") == 0
    # No console errors anywhere on the way: Chromium reports CSP violations there.
    assert problems == {"alice": [], "bob": []}
