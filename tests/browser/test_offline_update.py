"""A new version is deployed while Alice's app is open with a check-in waiting to sync:
the app picks the new version up by itself, with no cache to clear, and the check-in
still reaches the server, once.

The "deploy" is real: the server runs from a copy of the code; the test stops it,
changes a static file in the copy, and starts it again on the same port and database.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT
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

REPLY = "Reply to Bob's messages the same day"
SYNC_MS = 20_000


@pytest.fixture
def release(db: Any, tmp_path: Path) -> Iterator[LiveServer]:
    """The app served from a copy of the code, which the test can redeploy."""
    code = tmp_path / "release"
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "server", code / "server", ignore=skip)
    shutil.copytree(ROOT / "web", code / "web", ignore=skip)
    shutil.copy(ROOT / "piccolo_conf.py", code)
    live = LiveServer(db.url, tmp_path, root=code)
    live.start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def playwright(chromium_executable: Path, release: LiveServer) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


def shells(page: Any) -> list[str]:
    return [name for name in page.evaluate("() => caches.keys()") if name.startswith("bw-shell-")]


def test_an_open_app_picks_up_a_new_version_without_losing_a_queued_check_in(
    release: LiveServer, playwright: Any, tmp_path: Path
) -> None:
    alice, _, bridge, _ = a_bridge(release.url, [REPLY])
    phone = open_phone(playwright, tmp_path / "alice")
    page = phone.new_page()
    sign_in(page, release.url, "alice@example.com")
    wait_for_worker(page)
    page.wait_for_function(
        "() => caches.open('bw-pages-v1').then(c => c.match('/today')).then(Boolean)"
    )
    [old_shell] = shells(page)
    old_css = page.locator("link[rel=stylesheet]").get_attribute("href")

    # A check-in with no signal waits in the outbox.
    phone.set_offline(True)
    page.get_by_role("button", name=f"Kept: {REPLY}").click()
    expect(page.get_by_text("Kept · waiting to sync")).to_be_visible()
    # Signal returns, but the API stays out of reach for now, so it keeps waiting.
    phone.route("**/api/v1/**", lambda route: route.abort())
    phone.set_offline(False)

    # Deploy: one changed stylesheet is a new app shell and a new /sw.js.
    release.stop()
    stylesheet = release.root / "web" / "static" / "app.css"
    stylesheet.write_text(stylesheet.read_text() + "\n/* release 2 */\n")
    release.start()

    # The open app looks for a new version (as it does when brought to the front);
    # the new worker takes over and the page reloads itself onto the new version.
    page.evaluate("() => { window.oldPage = true; }")
    page.evaluate("() => navigator.serviceWorker.getRegistration().then(r => r.update())")
    page.wait_for_function("() => window.oldPage === undefined", timeout=SYNC_MS)
    page.wait_for_load_state()
    new_css = page.locator("link[rel=stylesheet]").get_attribute("href")
    assert new_css != old_css
    page.wait_for_function(
        "old => caches.keys().then(names => !names.includes(old))", arg=old_shell
    )
    [new_shell] = shells(page)
    assert new_shell != old_shell

    # Nothing was lost on the way: the check-in still waits, then arrives once.
    expect(page.get_by_text("Kept · waiting to sync")).to_be_visible()
    assert len(outbox(page)) == 1
    phone.unroute("**/api/v1/**")
    page.reload()
    expect(page.get_by_text("✓ Kept")).to_be_visible(timeout=SYNC_MS)
    assert outbox(page) == []
    assert len(acts(alice, bridge, "kept")) == 1
    phone.close()
