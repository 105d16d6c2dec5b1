"""Alice installs Bridgework on her phone, goes offline, checks in three items, reloads,
comes back online, and the server has exactly three acts: the issue's "done", with
Chromium's own install criteria and an iPhone's Add to Home Screen instructions.

Installing goes through the DevTools protocol's PWA domain, which is what a tap on
the browser's install dialog does (headless Chromium shows no dialog).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests import offline_helpers
from tests.offline_helpers import (
    LiveServer,
    a_bridge,
    acts,
    open_phone,
    outbox,
    sign_in,
    wait_for_worker,
)

pytestmark = pytest.mark.browser
server = offline_helpers.server
playwright = offline_helpers.playwright

DAILY = [
    "Reply to Bob's messages the same day",
    "Share the release notes draft before stand-up",
    "Ask Bob before changing his tickets",
]
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)
SYNC_MS = 20_000
# Count the install prompts the page asks for; headless Chromium shows none itself.
COUNT_PROMPTS = """
window.installPrompts = 0;
BeforeInstallPromptEvent.prototype.prompt = function () {
  window.installPrompts += 1;
  return Promise.resolve({ outcome: "accepted" });
};
"""


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_app_meets_chromiums_install_criteria(
    server: LiveServer, playwright: Any, tmp_path: Path
) -> None:
    phone = open_phone(playwright, tmp_path / "phone")
    page = phone.new_page()
    page.goto(f"{server.url}/signin")
    wait_for_worker(page)
    devtools = phone.new_cdp_session(page)
    assert devtools.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    assert devtools.send("Page.getAppManifest")["errors"] == []

    manifest = httpx.get(f"{server.url}/manifest.webmanifest").json()
    assert manifest["name"] == "Bridgework"
    assert manifest["short_name"] == "Bridgework"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/today",
        "/",
        "standalone",
    )
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {}
    for icon in manifest["icons"]:
        response = httpx.get(f"{server.url}{icon['src']}")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "max-age=31536000, public"
        if icon["type"] == "image/png":
            sizes[(icon["sizes"], icon["purpose"])] = png_size(response.content)
    assert sizes == {
        ("192x192", "any"): (192, 192),
        ("512x512", "any"): (512, 512),
        ("512x512", "maskable"): (512, 512),
    }
    phone.close()


def test_the_install_button_appears_where_the_browser_offers_it_and_prompts_on_a_tap(
    server: LiveServer, playwright: Any, tmp_path: Path
) -> None:
    a_bridge(server.url, DAILY[:1])
    phone = open_phone(playwright, tmp_path / "alice")
    phone.add_init_script(COUNT_PROMPTS)
    page = phone.new_page()
    sign_in(page, server.url, "alice@example.com")
    wait_for_worker(page)
    page.reload()  # Chromium offers the install once the worker controls the page
    card = page.get_by_role("region", name="Install Bridgework")
    expect(card).to_be_visible()
    expect(card.get_by_text("On iPhone or iPad")).to_be_hidden()
    card.get_by_role("button", name="Install").click()
    assert page.evaluate("() => window.installPrompts") == 1
    expect(card).to_be_hidden()
    phone.close()


def test_on_an_iphone_it_explains_how_to_add_bridgework_to_the_home_screen(
    server: LiveServer, playwright: Any, tmp_path: Path, screenshot: Any
) -> None:
    a_bridge(server.url, DAILY[:1])
    phone = open_phone(playwright, tmp_path / "iphone", user_agent=IPHONE)
    page = phone.new_page()
    sign_in(page, server.url, "alice@example.com")
    card = page.get_by_role("region", name="Install Bridgework")
    expect(card).to_contain_text("tap Share (the square with an arrow), then “Add to Home Screen”")
    expect(card.get_by_role("button", name="Install")).to_be_hidden()
    card.scroll_into_view_if_needed()
    screenshot(page, "install-on-iphone")

    # "Not now" is remembered on this phone.
    card.get_by_role("button", name="Not now").click()
    expect(card).to_be_hidden()
    page.reload()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(card).to_be_hidden()
    phone.close()


def test_alice_installs_the_app_checks_in_three_items_offline_and_the_server_gets_three(
    server: LiveServer, playwright: Any, tmp_path: Path, screenshot: Any
) -> None:
    alice, _, bridge, _ = a_bridge(server.url, DAILY)
    phone = open_phone(playwright, tmp_path / "alice")
    page = phone.new_page()
    sign_in(page, server.url, "alice@example.com")
    wait_for_worker(page)

    # She installs it, and opens it from the home screen: it starts on Today.
    manifest_id = f"{server.url}/today"
    devtools = phone.new_cdp_session(page)
    devtools.send("PWA.install", {"manifestId": manifest_id})
    with phone.expect_page() as opened:
        devtools.send("PWA.launch", {"manifestId": manifest_id})
    app = opened.value
    app.wait_for_load_state()
    assert app.url == f"{server.url}/today"
    page.close()
    app.wait_for_function(
        "() => caches.open('bw-pages-v1').then(c => c.match('/today')).then(Boolean)"
    )

    # No signal. Three taps: each waits on the phone.
    phone.set_offline(True)
    due = app.get_by_role("region", name="Due today")
    due.get_by_role("button", name=f"Kept: {DAILY[0]}").click()
    due.get_by_role("button", name=f"Missed: {DAILY[1]}").click()
    due.get_by_role("button", name=f"Kept: {DAILY[2]}").click()
    expect(due.get_by_text("waiting to sync")).to_have_count(3)
    expect(due.get_by_text("Missed · waiting to sync")).to_have_count(1)
    expect(app.get_by_text("3 check-ins waiting to sync.")).to_be_visible()

    # A reload with no signal keeps all three.
    app.reload()
    expect(due.get_by_text("waiting to sync")).to_have_count(3)
    screenshot(app, "today-three-waiting")
    app.emulate_media(color_scheme="dark")
    screenshot(app, "today-three-waiting-dark")
    app.emulate_media(color_scheme="light")
    assert len(outbox(app)) == 3
    assert acts(alice, bridge, "kept") + acts(alice, bridge, "missed_self") == []

    # Back online: exactly three acts on the server, and Today says so.
    phone.set_offline(False)
    expect(app.get_by_text("All done")).to_be_visible(timeout=SYNC_MS)
    expect(due.get_by_text("✓ Kept")).to_have_count(2)
    expect(due.get_by_text("Missed, and said so")).to_have_count(1)
    assert outbox(app) == []
    assert len(acts(alice, bridge, "kept")) == 2
    assert len(acts(alice, bridge, "missed_self")) == 1
    screenshot(app, "today-synced")
    phone.close()
