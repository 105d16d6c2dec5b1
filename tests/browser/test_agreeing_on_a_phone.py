"""On phones: Alice and Bob agree to each other's part of the plan, and Carol, their
lead, asks them to share their bridge and learns only "yes" or "not yet"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_long_text_never_scrolls_sideways import buttons_fit, sideways
from tests.browser.test_repair_journey import (
    add_commitment,
    alice_asks_bob_for_a_bridge,
    alice_invites_bob_to_a_team,
    sign_up,
    small_tap_targets,
    watch_for_errors,
)

pytestmark = pytest.mark.browser

LONG = "Ireplied" * 25  # a 200-letter word: the page must still fit a phone
ALICE_PART = "I shipped the release notes without Bob's review. " + LONG
BOB_PART = "I went to our manager before talking to Alice. " + LONG
BOB_NOTE = "Please say what you will do before a release, not only what went wrong. " + LONG


def fits(page: Page, width: int = 390) -> None:
    assert sideways(page) == 0
    assert buttons_fit(page, width) == []
    assert small_tap_targets(page) == []


def pictures(page: Page, screenshot: Any, name: str) -> None:
    """Light and dark at 390 px, and 320 px wide, each checked to fit."""
    fits(page)
    screenshot(page, name)
    page.emulate_media(color_scheme="dark")
    screenshot(page, f"{name}-dark")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 320, "height": 740})
    fits(page, 320)
    screenshot(page, f"{name}-320")
    page.set_viewport_size({"width": 390, "height": 844})


def write_part(page: Page, bridge_url: str, text: str) -> None:
    page.goto(bridge_url)
    plan = page.get_by_role("region", name="The repair plan")
    plan.get_by_role("link", name=re.compile("(Write|Edit) my part")).click()
    page.get_by_label("What is my part in how we got here?").fill(text)
    page.get_by_label("What would restored trust look like to me?").fill(
        "We hear it first. " + LONG
    )
    page.get_by_role("button", name="Save my part").click()
    expect(page.get_by_role("heading", name=re.compile("You & "))).to_be_visible()


def test_alice_and_bob_agree_to_each_others_part_at_390_px(
    live_server: str, phone: Any, screenshot: Any
) -> None:
    base = live_server
    alice, bob = phone().new_page(), phone().new_page()
    problems = watch_for_errors(alice) + watch_for_errors(bob)
    team_url = alice_invites_bob_to_a_team(alice, bob, base)
    bridge_url = alice_asks_bob_for_a_bridge(alice, bob, base, team_url)
    write_part(alice, bridge_url, ALICE_PART)
    write_part(bob, bridge_url, BOB_PART)

    # Bob: Alice's part waits for his answer; he asks for a change, with a note.
    bob.goto(bridge_url)
    plan = bob.get_by_role("region", name="The repair plan")
    expect(plan).to_contain_text("Alice's part waits for your answer.")
    plan.get_by_role("link", name="Answer Alice's part").click()
    expect(bob.get_by_role("heading", name="The repair plan", level=1)).to_be_visible()
    bob.get_by_text("Ask for a change", exact=True).click()
    bob.get_by_label("What would you like Alice to change?").fill(BOB_NOTE)
    bob.get_by_role("button", name="Ask for this change").click()
    expect(bob.get_by_role("status")).to_contain_text("Alice will see what you would like changed.")

    # Alice reads the note, changes her part, and agrees to Bob's.
    alice.goto(bridge_url)
    expect(alice.get_by_role("region", name="The repair plan")).to_contain_text(
        "Bob asks for a change to your part."
    )
    alice.goto(f"{bridge_url}/agreement")
    mine = alice.get_by_role("region", name="Your part")
    expect(mine).to_contain_text("Bob asks for a change:")
    expect(mine).to_contain_text("Please say what you will do before a release")
    fits(alice)
    screenshot(alice, "plan-change-asked")
    write_part(alice, bridge_url, ALICE_PART + " Before each release I send Bob the notes.")
    alice.goto(f"{bridge_url}/agreement")
    alice.get_by_role("button", name="I agree to Bob's part").click()
    expect(alice.get_by_role("status")).to_contain_text("You agreed to Bob's part.")
    expect(
        alice.get_by_role("listitem").filter(has_text="You agreed to Bob's part on")
    ).to_be_visible()

    # Bob agrees to the new version: the plan is agreed, and says since when.
    bob.goto(f"{bridge_url}/agreement")
    expect(
        bob.get_by_role("listitem").filter(has_text="Alice agreed to your part on")
    ).to_be_visible()
    bob.get_by_role("button", name="I agree to Alice's part").click()
    expect(bob.get_by_text(re.compile("Agreed by both of you since"))).to_be_visible()

    for page in (alice, bob):
        page.goto(bridge_url)
        first = page.locator("main a:not(.crumbs a)").first
        expect(first).to_have_text(re.compile("Your agreed plan.*Both of you agreed · since"))
        fits(page)
    screenshot(bob, "bridge-with-agreed-plan")
    alice.locator("main a.agreed-plan").click()
    expect(alice.get_by_text(re.compile("Agreed by both of you since"))).to_be_visible()
    pictures(alice, screenshot, "plan-agreed")

    # An edit after agreement says it asks again, and does.
    bob.goto(bridge_url)
    bob.get_by_role("region", name="The repair plan").get_by_role(
        "link", name="Edit my part"
    ).click()
    expect(bob.get_by_text(re.compile("Saving a change asks Alice to agree again"))).to_be_visible()
    bob.get_by_label("What is my part in how we got here?").fill(BOB_PART + " And I apologised.")
    bob.get_by_role("button", name="Save my part").click()
    expect(bob.locator("main a.agreed-plan")).to_have_count(0)
    alice.goto(f"{bridge_url}/agreement")
    expect(
        alice.get_by_role("listitem").filter(has_text="agreed to an earlier version of Bob's part")
    ).to_be_visible()
    assert problems == []


def test_alice_adds_a_commitment_after_both_agreed_and_bob_is_asked_again_at_390_px(
    live_server: str, phone: Any, screenshot: Any
) -> None:
    base = live_server
    alice, bob = phone().new_page(), phone().new_page()
    problems = watch_for_errors(alice) + watch_for_errors(bob)
    team_url = alice_invites_bob_to_a_team(alice, bob, base)
    bridge_url = alice_asks_bob_for_a_bridge(alice, bob, base, team_url)
    write_part(alice, bridge_url, ALICE_PART)
    write_part(bob, bridge_url, BOB_PART)
    for page, partner in ((alice, "Bob"), (bob, "Alice")):
        page.goto(f"{bridge_url}/agreement")
        page.get_by_role("button", name=f"I agree to {partner}'s part").click()
    expect(bob.get_by_text(re.compile("Agreed by both of you since"))).to_be_visible()

    # Alice changes her part: a new commitment.
    alice.goto(bridge_url)
    add_commitment(alice, "Send Bob the release notes the day before")
    alice.get_by_role("button", name="Add the commitment").click()
    expect(alice.get_by_role("heading", name="You & Bob")).to_be_visible()

    # Bob reads that his agreement lapsed, on the bridge and on the plan.
    bob.goto(bridge_url)
    expect(bob.locator("main a.agreed-plan")).to_have_count(0)
    expect(bob.get_by_role("region", name="The repair plan")).to_contain_text(
        re.compile("Alice changed their part on .+: agree or ask for a change.")
    )
    fits(bob)
    screenshot(bob, "plan-changed-after-agreement")
    bob.goto(f"{bridge_url}/agreement")
    expect(bob.get_by_text(re.compile("Agreed by both of you since"))).to_have_count(0)
    expect(
        bob.get_by_role("listitem").filter(has_text="agreed to an earlier version of Alice's")
    ).to_be_visible()
    expect(bob.get_by_role("region", name="Alice's part")).to_contain_text(
        "Send Bob the release notes the day before"
    )

    # Alice reads that she waits for Bob, and that her own agreement stands.
    alice.goto(bridge_url)
    expect(alice.locator("main a.agreed-plan")).to_have_count(0)
    expect(alice.get_by_role("region", name="The repair plan")).to_contain_text(
        "Waiting for Bob to answer your part."
    )
    alice.goto(f"{bridge_url}/agreement")
    expect(
        alice.get_by_role("listitem").filter(has_text="You agreed to Bob's part on")
    ).to_be_visible()

    # Bob agrees again: agreed by both once more.
    bob.get_by_role("button", name="I agree to Alice's part").click()
    expect(bob.get_by_text(re.compile("Agreed by both of you since"))).to_be_visible()
    assert problems == []


def carol_leads_alice_and_bob(carol: Page, alice: Page, bob: Page, base: str) -> str:
    """Carol starts a team; Alice and Bob join by her links. Returns the team's URL."""
    carol.goto(f"{base}/signup")
    sign_up(carol, "carol@example.com", "Carol")
    carol.get_by_role("button", name="Create account").click()
    carol.get_by_role("link", name="Start a team").click()
    carol.get_by_label("Team name").fill("Product Team")
    carol.get_by_role("button", name="Create team").click()
    expect(carol.get_by_role("heading", name="Product Team", level=1)).to_be_visible()
    team_url = carol.url
    for page, email, name in (
        (alice, "alice@example.com", "Alice"),
        (bob, "bob@example.com", "Bob"),
    ):
        carol.goto(team_url)
        carol.get_by_role("button", name=re.compile("Make (an invite link|another link)")).click()
        page.goto(carol.get_by_label("Invite link").input_value())
        sign_up(page, email, name)
        page.get_by_role("button", name="Create account and join").click()
        expect(page.get_by_role("heading", name="Product Team", level=1)).to_be_visible()
    return team_url


def test_carol_asks_and_each_side_decides_at_390_px(
    live_server: str, phone: Any, screenshot: Any
) -> None:
    base = live_server
    carol, alice, bob = phone().new_page(), phone().new_page(), phone().new_page()
    problems = watch_for_errors(carol) + watch_for_errors(alice) + watch_for_errors(bob)
    team_url = carol_leads_alice_and_bob(carol, alice, bob, base)
    bridge_url = alice_asks_bob_for_a_bridge(alice, bob, base, team_url)
    write_part(alice, bridge_url, ALICE_PART)

    carol.goto(f"{team_url}/dashboard")
    ask = carol.get_by_role("region", name="Ask two people to share their bridge")
    ask.get_by_label("One person").select_option(label="Alice")
    ask.get_by_label("The other person").select_option(label="Bob")
    ask.get_by_role("button", name="Ask them").click()
    ask = carol.get_by_role("region", name="Ask two people to share their bridge")
    expect(ask.get_by_role("status")).to_contain_text("Asked.")
    expect(ask.get_by_role("listitem").filter(has_text="Alice & Bob")).to_contain_text("not yet")
    pictures(carol, screenshot, "lead-asks-to-share")

    # Alice shares; Bob says not now. Each reads a calm request first.
    alice.goto(bridge_url)
    card = alice.get_by_role("region", name="Carol asks to see how this bridge is doing")
    expect(card).to_contain_text("never anything either of you wrote")
    pictures(alice, screenshot, "share-request")
    card.get_by_role("button", name="Share with Carol").click()
    card = alice.get_by_role("region", name="Carol asks to see how this bridge is doing")
    expect(card).to_contain_text("You share your side. Carol sees the bridge once Bob shares too")

    bob.goto(bridge_url)
    card = bob.get_by_role("region", name="Carol asks to see how this bridge is doing")
    card.get_by_role("button", name="Not now").click()
    card = bob.get_by_role("region", name="Carol asks to see how this bridge is doing")
    expect(card).to_contain_text("You said not now. Carol reads “not yet”")
    fits(bob)
    screenshot(bob, "share-request-not-now")

    carol.goto(f"{team_url}/dashboard")
    ask = carol.get_by_role("region", name="Ask two people to share their bridge")
    expect(ask.get_by_role("listitem").filter(has_text="Alice & Bob")).to_contain_text("not yet")
    expect(carol.locator("main")).not_to_contain_text("Bob said")
    expect(carol.locator("main")).not_to_contain_text("I shipped the release notes")

    # Bob changes his mind on the sharing page: Carol reads "yes".
    card.get_by_role("link", name="sharing page").click()
    bob.get_by_role("button", name="Share with Carol").click()
    carol.reload()
    ask = carol.get_by_role("region", name="Ask two people to share their bridge")
    expect(ask.get_by_role("listitem").filter(has_text="Alice & Bob")).to_contain_text("yes")
    expect(carol.get_by_role("region", name=re.compile("Shared bridges"))).to_contain_text(
        "Alice & Bob"
    )
    assert problems == []
