"""alice signs in on her phone with her fingerprint: passkeys in real Chromium.

Chromium's DevTools protocol gives each phone a virtual platform authenticator
(internal transport, user verification that succeeds), so navigator.credentials
runs for real and the server's py_webauthn checks what it made. Pages load from
http://localhost (a secure context whose host is a valid WebAuthn RP ID).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"

# What a page's own script does, inlined here so tests can replay and move answers.
_OPTIONS = """
async (path) => {
  const csrf = decodeURIComponent((document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "");
  const response = await fetch("/api/v1" + path, {method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}, body: "{}"});
  return await response.json();
}
"""
_AUTHENTICATOR = """
async ([options, create]) => {
  const bytes = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")
    + "===".slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
  options.challenge = bytes(options.challenge);
  if (create) {
    options.user.id = bytes(options.user.id);
    options.excludeCredentials = [];
    return (await navigator.credentials.create({publicKey: options})).toJSON();
  }
  return (await navigator.credentials.get({publicKey: options})).toJSON();
}
"""


def ceremony(page: Page, path: str, create: bool = False, on: Page | None = None) -> Any:
    """Ask `page`'s server session for options; the authenticator of `on` answers them."""
    options = page.evaluate(_OPTIONS, path)
    return (on or page).evaluate(_AUTHENTICATOR, [options, create])


_SEND = """
async ([path, body]) => {
  const csrf = decodeURIComponent((document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "");
  const response = await fetch("/api/v1" + path, {method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
    body: JSON.stringify(body)});
  return response.status;
}
"""


# The virtual authenticator answers a conditional request at once, as if its owner
# had picked the passkey from the email field's suggestions. Steps that look at the
# page first turn conditional UI off, as a browser without it would have it.
_AUTOFILL_SWITCH = """
if (localStorage.getItem("no-passkey-autofill") && window.PublicKeyCredential) {
  PublicKeyCredential.isConditionalMediationAvailable = async () => false;
}
"""


def autofill(page: Page, on: bool) -> None:
    page.evaluate(
        "on => on ? localStorage.removeItem('no-passkey-autofill')"
        " : localStorage.setItem('no-passkey-autofill', '1')",
        on,
    )


def with_fingerprint(page: Page) -> None:
    """Give this phone a platform authenticator that verifies its owner."""
    page.context.add_init_script(_AUTOFILL_SWITCH)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def sign_up(page: Page, base: str, email: str, name: str) -> None:
    page.goto(f"{base}/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account", exact=True).click()
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()


def sign_out(page: Page, base: str, then: str = "Welcome back") -> None:
    page.goto(f"{base}/settings")
    page.get_by_role("button", name="Sign out of this device").click()
    expect(page.get_by_role("heading", name=then)).to_be_visible()


def test_alice_registers_a_passkey_and_signs_in_with_it(
    live_server: str, phone: Any, screenshot: Any
) -> None:
    base = live_server.replace("127.0.0.1", "localhost")
    alice = phone().new_page()
    with_fingerprint(alice)
    sign_up(alice, base, "alice@example.com", "Alice")

    # Settings → Ways to sign in: she names the passkey after her phone and adds it.
    alice.goto(f"{base}/settings")
    alice.get_by_role("link", name="Passkeys and sign-in").click()
    alice.get_by_label("Name this device").fill("Alice's phone")
    alice.get_by_role("button", name="Add a passkey").click()
    expect(alice.get_by_role("status").filter(has_text="Passkey saved.")).to_be_visible()
    expect(alice.get_by_text("Alice's phone")).to_be_visible()
    screenshot(alice, "passkeys-settings")

    # Signed out, the sign-in page offers the passkey in the email field's suggestions
    # (conditional UI): picking it, as the virtual authenticator does, signs her in.
    sign_out(alice, base, then="Hello, Alice")
    assert alice.url == f"{base}/"

    # And as a button, for browsers without suggestions.
    autofill(alice, on=False)
    sign_out(alice, base)
    email = alice.get_by_label("Email")
    assert "webauthn" in (email.get_attribute("autocomplete") or "")
    expect(alice.get_by_role("button", name="Sign in with a passkey")).to_be_visible()
    screenshot(alice, "signin-with-passkey")
    alice.get_by_role("button", name="Sign in with a passkey").click()
    expect(alice.get_by_role("heading", name="Hello, Alice")).to_be_visible()

    # A replayed assertion is refused: the challenge it answers was used up.
    sign_out(alice, base)
    assertion = ceremony(alice, "/session/passkey/options")
    assert alice.evaluate(_SEND, ["/session/passkey", {"credential": assertion}]) == 200
    alice.evaluate(
        "fetch('/api/v1/session', {method: 'DELETE', headers: {'X-CSRFToken': "
        "decodeURIComponent(document.cookie.match(/csrftoken=([^;]+)/)[1])}})"
    )
    assert alice.evaluate(_SEND, ["/session/passkey", {"credential": assertion}]) == 400

    # A challenge made for alice's phone is refused from mallory's browser.
    mallory = phone().new_page()
    with_fingerprint(mallory)
    sign_up(mallory, base, "mallory@example.com", "Mallory")
    alice.goto(f"{base}/signin")
    foreign = ceremony(alice, "/session/passkey/options")
    mallory.goto(f"{base}/signin")
    assert mallory.evaluate(_SEND, ["/session/passkey", {"credential": foreign}]) == 400

    # mallory cannot register a passkey on alice's account with alice's challenge.
    sign_in_with_password(alice, base, "alice@example.com")
    mallory.goto(f"{base}/settings/sign-in")
    made_for_alice = ceremony(alice, "/passkeys/options", create=True, on=mallory)
    status = mallory.evaluate(_SEND, ["/passkeys", {"name": "x", "credential": made_for_alice}])
    assert status == 400
    mallory.reload()
    expect(mallory.get_by_text("No passkey yet.")).to_be_visible()

    # Removed, the passkey signs nobody in, though the phone still holds it.
    alice.goto(f"{base}/settings/sign-in")
    alice.get_by_role("button", name="Remove passkey Alice's phone").click()
    expect(alice.get_by_role("status").filter(has_text="Passkey removed.")).to_be_visible()
    sign_out(alice, base)
    alice.get_by_role("button", name="Sign in with a passkey").click()
    expect(alice.get_by_text("That passkey could not sign you in")).to_be_visible()
    expect(alice.get_by_role("heading", name="Welcome back")).to_be_visible()


def sign_in_with_password(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Hello,", exact=False)).to_be_visible()


def test_dan_creates_his_account_with_a_passkey_on_his_phone(live_server: str, phone: Any) -> None:
    base = live_server.replace("127.0.0.1", "localhost")
    dan = phone().new_page()
    with_fingerprint(dan)
    dan.goto(f"{base}/signup")
    autofill(dan, on=False)
    dan.get_by_label("Email").fill("dan@example.com")
    dan.get_by_label("Your name").fill("Dan")
    dan.get_by_role("button", name="Create account with a passkey instead").click()
    expect(dan.get_by_role("heading", name="Hello, Dan")).to_be_visible()
    sign_out(dan, base)
    dan.get_by_role("button", name="Sign in with a passkey").click()
    expect(dan.get_by_role("heading", name="Hello, Dan")).to_be_visible()


def test_a_60_letter_passkey_name_fits_the_pages_at_320_px(live_server: str, phone: Any) -> None:
    from tests.browser.test_long_text_never_scrolls_sideways import NARROW, sideways

    base = live_server.replace("127.0.0.1", "localhost")
    erin = phone(**NARROW).new_page()
    with_fingerprint(erin)
    sign_up(erin, base, "erin@example.com", "Erin")
    autofill(erin, on=False)
    erin.goto(f"{base}/settings/sign-in")
    erin.get_by_label("Name this device").fill("Phone" + "p" * 55)
    erin.get_by_role("button", name="Add a passkey").click()
    expect(erin.get_by_role("status").filter(has_text="Passkey saved.")).to_be_visible()
    assert sideways(erin) == 0
    sign_out(erin, base)
    assert sideways(erin) == 0
