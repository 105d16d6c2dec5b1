"""Alice checks in with no signal, or while the server is down: nothing is lost, and
the server keeps each act once however often it is sent.

The act goes into the IndexedDB outbox with its idempotency key and shows "waiting to
sync"; it leaves the outbox only after a 2xx, and a 4xx is shown to her, never dropped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

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

REPLY = "Reply to Bob's messages the same day"
SYNC_MS = 20_000  # the page retries every 15 s while something waits


def on_today(
    server: LiveServer, playwright: Any, tmp_path: Path, who: str = "alice"
) -> tuple[Any, Any]:
    phone = open_phone(playwright, tmp_path / who)
    page = phone.new_page()
    sign_in(page, server.url, f"{who}@example.com")
    wait_for_worker(page)
    page.wait_for_function(
        "() => caches.open('bw-pages-v1').then(c => c.match('/today')).then(Boolean)"
    )
    return phone, page


def test_a_check_in_made_offline_is_synced_exactly_once_after_reconnecting(
    server: LiveServer, playwright: Any, tmp_path: Path, screenshot: Any
) -> None:
    alice, _, bridge, _ = a_bridge(server.url, [REPLY])
    phone, page = on_today(server, playwright, tmp_path)
    due = page.get_by_role("region", name="Due today")

    phone.set_offline(True)
    due.get_by_role("button", name=f"Kept: {REPLY}").click()
    expect(due.get_by_text("Kept · waiting to sync")).to_be_visible()
    expect(page.get_by_text("1 check-in waiting to sync.")).to_be_visible()
    screenshot(page, "today-waiting-to-sync")
    [item] = outbox(page)
    assert item["state"] == "waiting"
    assert item["label"] == f"Kept: {REPLY}"
    assert re.fullmatch(r"[0-9a-f]{32}", item["key"])  # the form's own idempotency key
    assert acts(alice, bridge, "kept") == []

    # Still waiting after a reload with no signal.
    page.reload()
    expect(due.get_by_text("Kept · waiting to sync")).to_be_visible()

    # Signal again: the outbox is sent, the page refreshes itself, the act is there once.
    phone.set_offline(False)
    expect(due.get_by_text("✓ Kept")).to_be_visible(timeout=SYNC_MS)
    expect(page.get_by_text("waiting to sync")).to_have_count(0)
    assert outbox(page) == []
    [kept] = acts(alice, bridge, "kept")

    # However often it is replayed, with its key, the server keeps one act.
    for _ in range(3):
        again = alice.api("POST", f"/bridges/{bridge}/checkins", item["body"], key=item["key"])
        assert again.status_code == 201
        assert again.json() == {"act_id": kept["id"]}
    assert len(acts(alice, bridge, "kept")) == 1
    phone.close()


def test_a_check_in_made_while_the_server_is_down_survives_a_reload_and_syncs_once_it_is_back(
    server: LiveServer, playwright: Any, tmp_path: Path, screenshot: Any
) -> None:
    alice, _, bridge, _ = a_bridge(server.url, [REPLY])
    phone, page = on_today(server, playwright, tmp_path)
    due = page.get_by_role("region", name="Due today")

    server.stop()
    due.get_by_role("button", name=f"Kept: {REPLY}").click()
    expect(due.get_by_text("Kept · waiting to sync")).to_be_visible()
    # Two notes now: this one, and the queued Kept's own (with its Undo).
    expect(page.get_by_role("status").filter(has_text="can't be reached")).to_have_text(
        re.compile(r"Bridgework can't be reached — showing what was last synced at \d\d?:\d\d")
    )
    screenshot(page, "today-server-down")
    page.reload()
    expect(due.get_by_text("Kept · waiting to sync")).to_be_visible()
    assert len(outbox(page)) == 1

    # The server comes back on the same port and database; the page notices by itself.
    server.start()
    expect(due.get_by_text("✓ Kept")).to_be_visible(timeout=SYNC_MS)
    assert outbox(page) == []
    assert len(acts(alice, bridge, "kept")) == 1
    phone.close()


def test_a_queued_check_in_the_server_refuses_is_shown_with_what_to_do(
    server: LiveServer, playwright: Any, tmp_path: Path, screenshot: Any
) -> None:
    alice, _, bridge, [reply] = a_bridge(server.url, [REPLY])
    phone, page = on_today(server, playwright, tmp_path)
    due = page.get_by_role("region", name="Due today")

    phone.set_offline(True)
    due.get_by_role("button", name=f"Kept: {REPLY}").click()
    expect(due.get_by_text("Kept · waiting to sync")).to_be_visible()

    # Meanwhile, on her laptop, she checks the same item in as missed.
    alice.ok("POST", f"/bridges/{bridge}/checkins", {"commitment": reply, "outcome": "missed"})

    # Back online the phone's "kept" is refused (409): she is told, and what it means.
    phone.set_offline(False)
    refused = page.get_by_role("listitem").filter(has_text=f"Not saved: Kept: {REPLY}")
    expect(refused).to_be_visible(timeout=SYNC_MS)
    expect(refused).to_contain_text(
        re.compile(r"You already checked this in for \w+day \d+ \w+: missed\.")
    )
    expect(refused).to_contain_text("What the server already has stays as it is.")
    [item] = outbox(page)
    assert (item["state"], item["status"]) == ("refused", 409)
    screenshot(page, "today-refused")

    # It stays until she has read it, across reloads.
    page.reload()
    expect(refused).to_be_visible()
    refused.get_by_role("button", name=f"OK, dismiss: Kept: {REPLY}").click()
    expect(refused).to_have_count(0)
    assert outbox(page) == []
    assert acts(alice, bridge, "kept") == []
    assert len(acts(alice, bridge, "missed_self")) == 1
    phone.close()


def test_a_confirmation_made_offline_on_the_bridge_page_is_synced_once(
    server: LiveServer, playwright: Any, tmp_path: Path
) -> None:
    alice, bob, bridge, [reply] = a_bridge(server.url, [REPLY])
    alice.ok("POST", f"/bridges/{bridge}/checkins", {"commitment": reply, "outcome": "kept"})
    phone = open_phone(playwright, tmp_path / "bob")
    page = phone.new_page()
    sign_in(page, server.url, "bob@example.com", then=f"/bridges/{bridge}")
    wait_for_worker(page)
    page.wait_for_function(
        f"() => caches.open('bw-pages-v1').then(c => c.match('/bridges/{bridge}')).then(Boolean)"
    )

    phone.set_offline(True)
    timeline = page.get_by_role("region", name="Acts on this bridge")
    entry = timeline.get_by_role("listitem").filter(has_text="Alice kept")
    entry.get_by_role("button", name="Confirm").click()
    expect(entry.get_by_text("Confirmed · waiting to sync")).to_be_visible()

    phone.set_offline(False)
    expect(entry.get_by_text("Secured")).to_be_visible(timeout=SYNC_MS)
    assert len(acts(bob, bridge, "confirmation")) == 1
    phone.close()


def test_confirming_all_of_alices_kept_items_offline_syncs_each_once(
    server: LiveServer, playwright: Any, tmp_path: Path
) -> None:
    texts = [REPLY, "Share the agenda", "Ask before reassigning", "Credit the team"]
    alice, bob, bridge, commitments = a_bridge(server.url, texts)
    for commitment in commitments:
        alice.ok(
            "POST", f"/bridges/{bridge}/checkins", {"commitment": commitment, "outcome": "kept"}
        )
    kept = sorted(entry["id"] for entry in acts(alice, bridge, "kept"))
    phone, page = on_today(server, playwright, tmp_path, who="bob")

    phone.set_offline(True)
    page.get_by_role("button", name="Confirm all 4").click()
    expect(page.get_by_text("1 confirmation waiting to sync.")).to_be_visible()
    [item] = outbox(page)
    assert sorted(item["body"]["acts"]) == kept
    assert acts(bob, bridge, "confirmation") == []

    phone.set_offline(False)
    expect(page.get_by_text("waiting to sync")).to_have_count(0, timeout=SYNC_MS)
    assert len(acts(bob, bridge, "confirmation")) == 4
    assert all(entry["confirmed"] for entry in acts(alice, bridge, "kept"))
    phone.close()
