"""A first plank kept with no signal is celebrated when the check-in syncs: the page
reloads itself with the server's answer, and the moment is shown then, once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import offline_helpers
from tests.offline_helpers import LiveServer, a_bridge, open_phone, sign_in, wait_for_worker

pytestmark = pytest.mark.browser
server = offline_helpers.server
playwright = offline_helpers.playwright

REPLY = "Reply to Bob's messages the same day"
SYNC_MS = 20_000  # the page retries every 15 s while something waits


def test_a_first_plank_kept_offline_is_celebrated_once_it_syncs(
    server: LiveServer, playwright: Any, tmp_path: Path
) -> None:
    a_bridge(server.url, [REPLY])
    phone = open_phone(playwright, tmp_path / "alice")
    page = phone.new_page()
    sign_in(page, server.url, "alice@example.com")
    wait_for_worker(page)
    page.wait_for_function(
        "() => caches.open('bw-pages-v1').then(c => c.match('/today')).then(Boolean)"
    )
    due = page.get_by_role("region", name="Due today")

    phone.set_offline(True)
    due.get_by_role("button", name=f"Kept: {REPLY}").click()
    expect(due.get_by_text("Kept · waiting to sync")).to_be_visible()
    expect(page.locator(".celebration")).to_have_count(0)  # not earned until it syncs

    phone.set_offline(False)
    expect(due.get_by_text("✓ Kept")).to_be_visible(timeout=SYNC_MS)
    expect(page.get_by_role("region", name="Your first plank")).to_be_visible()

    page.reload()
    expect(due.get_by_text("✓ Kept")).to_be_visible()
    expect(page.locator(".celebration")).to_have_count(0)
    phone.close()
