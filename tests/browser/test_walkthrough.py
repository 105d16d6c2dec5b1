"""Alice and Bob, each on their own phone, get from nothing to their first bridge.

Locators go by role and label, as a screen reader would: if a field loses its
label or a button its name, these tests fail. Screenshots of every main screen
land in build/screenshots/ for a person to look at (SQLite run only).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
MESSAGE = "I know I let you down on the release. I'd like to make it right."


def sign_up(page: Page, email: str, name: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill(password)


def test_alice_and_bob_build_their_first_bridge_on_their_phones(
    live_server: str, phone: Any, screenshot: Any
) -> None:
    # Alice signs up; her phone's time zone is already chosen for her.
    alice_phone = phone()
    alice_phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    alice = alice_phone.new_page()
    alice.goto(f"{live_server}/signup")
    expect(alice.get_by_label("Time zone")).to_have_value("Europe/London")
    screenshot(alice, "signup")
    sign_up(alice, "alice@example.com", "Alice")
    alice.get_by_role("button", name="Create account").click()
    expect(alice.get_by_role("heading", name="Hello, Alice")).to_be_visible()
    screenshot(alice, "home-empty")

    # She starts a team from home and makes an invite link on the team page.
    alice.get_by_role("link", name="Start a team").click()
    alice.get_by_label("Team name").fill("Product Team")
    alice.get_by_role("button", name="Create team").click()
    expect(alice.get_by_role("heading", name="Product Team", level=1)).to_be_visible()
    team_url = alice.url
    screenshot(alice, "team")
    alice.get_by_role("button", name="Make an invite link").click()
    link = alice.get_by_label("Invite link").input_value()
    assert re.fullmatch(rf"{re.escape(live_server)}/join/[\w-]+", link), link
    alice.get_by_role("button", name="Copy link").click()
    expect(alice.get_by_role("button", name="Copied")).to_be_visible()
    assert alice.evaluate("navigator.clipboard.readText()") == link
    screenshot(alice, "invite-link")

    # Bob opens the link on his own phone; a too-short password is refused on the form.
    bob = phone().new_page()
    bob.goto(link)
    expect(bob.get_by_role("heading", name="Join Product Team")).to_be_visible()
    expect(bob.get_by_text("Alice invited you")).to_be_visible()
    screenshot(bob, "join")
    sign_up(bob, "bob@example.com", "Bob", password="short")
    bob.get_by_role("button", name="Create account and join").click()
    expect(bob.get_by_role("alert")).to_contain_text("Please fix the field marked below")
    expect(bob.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    expect(bob.get_by_label("Email")).to_have_value("bob@example.com")
    screenshot(bob, "form-error")
    bob.get_by_label("Password").fill(PASSWORD)
    bob.get_by_role("button", name="Create account and join").click()
    expect(bob.get_by_role("heading", name="Product Team", level=1)).to_be_visible()
    expect(bob.get_by_role("status")).to_contain_text("Welcome to Product Team")
    screenshot(bob, "team-joined")
    members = bob.get_by_role("region", name="Members")
    expect(members.get_by_role("listitem")).to_have_count(2)
    expect(members.get_by_text("Bob (you)")).to_be_visible()

    # Alice starts a bridge with Bob from the team page.
    alice.goto(team_url)
    bob_row = alice.get_by_role("listitem").filter(has_text="Bob")
    bob_row.get_by_role("link", name="Start a bridge").click()
    with_teammate = alice.get_by_role("form", name="With a teammate")
    expect(with_teammate.get_by_label("Who")).to_have_value(re.compile(r"\d+"))
    expect(with_teammate.get_by_label("Who").locator("option:checked")).to_have_text("Bob")
    with_teammate.get_by_label("A message for them (optional)").fill(MESSAGE)
    screenshot(alice, "new-bridge")
    with_teammate.get_by_role("button", name="Send the invitation").click()
    expect(alice.get_by_role("heading", name="You & Bob")).to_be_visible()
    expect(alice.get_by_text("Waiting for Bob to accept.")).to_be_visible()

    # Bob finds the invitation at home: only Alice's name and her message.
    bob.goto(live_server)
    asks = bob.get_by_role("region", name="Waiting for your answer")
    asks.get_by_role("link", name=re.compile("Alice asks to build a bridge with you")).click()
    expect(bob.get_by_role("heading", name="Alice asks to build a bridge with you")).to_be_visible()
    expect(bob.locator("blockquote")).to_have_text(MESSAGE)
    main = bob.get_by_role("main").inner_text()
    assert "alice@example.com" not in main
    assert "Product Team" not in main
    expect(bob.get_by_role("img", name=re.compile("bridge"))).to_have_count(0)
    screenshot(bob, "invitation")
    bob.get_by_role("button", name="Accept").click()

    # Both now see the bridge being built.
    expect(bob.get_by_role("heading", name="You & Alice")).to_be_visible()
    expect(bob.get_by_text("Building", exact=True)).to_be_visible()
    expect(bob.get_by_role("img", name="Your bridge with Alice")).to_be_visible()
    screenshot(bob, "bridge")
    alice.goto(live_server)
    bridges = alice.get_by_role("region", name="Your bridges")
    row = bridges.get_by_role("link", name=re.compile("Bob"))
    expect(row).to_contain_text("Building")
    screenshot(alice, "home-with-bridge")
    row.click()
    expect(alice.get_by_role("heading", name="You & Bob")).to_be_visible()
    expect(alice.get_by_text("Building", exact=True)).to_be_visible()

    # A bridge that is not hers gets a plain "not found" page.
    response = alice.goto(f"{live_server}/bridges/999999")
    assert response is not None and response.status == 404
    expect(alice.get_by_role("heading", name="Not found")).to_be_visible()
    screenshot(alice, "not-found")
    alice.go_back()

    # The same screens in dark mode, to check contrast there too.
    alice.emulate_media(color_scheme="dark")
    screenshot(alice, "bridge-dark")
    alice.goto(live_server)
    screenshot(alice, "home-with-bridge-dark")
    alice.emulate_media(color_scheme="light")

    # Settings, then signing out and a wrong password on the way back in.
    alice.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(alice.get_by_role("heading", name="Settings")).to_be_visible()
    expect(alice.get_by_label("Time zone")).to_have_value("Europe/London")
    screenshot(alice, "settings")
    alice.get_by_role("button", name="Sign out of this device").click()
    expect(alice.get_by_role("heading", name="Welcome back")).to_be_visible()
    alice.get_by_label("Email").fill("alice@example.com")
    alice.get_by_label("Password").fill("not her password")
    alice.get_by_role("button", name="Sign in").click()
    expect(alice.get_by_role("alert")).to_be_visible()
    screenshot(alice, "signin-error")
    alice.get_by_label("Password").fill(PASSWORD)
    alice.get_by_role("button", name="Sign in").click()
    expect(alice.get_by_role("heading", name="Hello, Alice")).to_be_visible()


def test_pages_have_no_console_errors_or_csp_violations(live_server: str, phone: Any) -> None:
    page = phone().new_page()
    problems: list[str] = []
    # Chromium reports a CSP violation ("Refused to apply inline style ...") as a console error.
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else 0)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    # Chromium fetches the tab's icon after the page has loaded and abandons that
    # request (net::ERR_ABORTED) when the next page replaces it: not a page problem.
    abandoned_icon = re.compile(r"^failed: \S+/static/icons/\S+ net::ERR_ABORTED$")
    page.on(
        "response",
        lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else 0,
    )

    page.goto(f"{live_server}/signup")
    sign_up(page, "alice@example.com", "Alice")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Hello, Alice")).to_be_visible()
    page.goto(f"{live_server}/teams/new")
    page.get_by_label("Team name").fill("Product Team")
    page.get_by_role("button", name="Create team").click()
    page.get_by_role("button", name="Make an invite link").click()
    page.get_by_label("Invite link").focus()  # copy.js selects it
    page.goto(f"{live_server}/bridges/new")
    page.get_by_role("button", name="Make an invitation link").click()
    expect(page.get_by_label("Bridge invitation link")).to_have_value(re.compile("/b/"))
    page.goto(f"{live_server}/")
    page.get_by_role("link", name=re.compile("Someone with your link")).click()
    expect(page.get_by_role("img", name=re.compile("Your bridge"))).to_be_visible()
    page.goto(f"{live_server}/settings")
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()

    assert [p for p in problems if not abandoned_icon.match(p)] == []
