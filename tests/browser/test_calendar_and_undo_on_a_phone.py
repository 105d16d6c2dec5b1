"""On a phone: the bridge's calendar, from the week the bridge began, after two weeks
of mixed days, read as a picture, as text and one day at a time; and Undo right after Kept,
online and with no signal.

History is written before the live server starts, through the app in this process
with a travelling clock (the live server reads the same database).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from tests import offline_helpers
from tests.browser.conftest import SCREENSHOTS
from tests.offline_helpers import LiveServer, open_phone, outbox, sign_in, wait_for_worker
from tests.repair_helpers import act, check_in, commit, state

pytestmark = pytest.mark.browser
server = offline_helpers.server
playwright = offline_helpers.playwright

TODAY = datetime.now(UTC).date()
START = TODAY - timedelta(days=14)
PROMISE = "Reply to Bob's messages the same day"
LONG_NAME = "Bob" + "o" * 57  # the longest name the form takes (60)
LONG_PROMISE = "Share" + "s" * 195  # the longest commitment (200), one word


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def two_weeks(bridge: int, alice: Any, bob: Any) -> Iterator[int]:
    """Two weeks up to today: Alice keeps (Bob confirms every other day), owns one
    miss, forgets one day; Bob pauses a weekend and keeps the rest."""
    with time_machine.travel(noon(START), tick=False) as traveller:
        mine = commit(alice, bridge, PROMISE)
        theirs = commit(bob, bridge, LONG_PROMISE)
        for n in range(14):
            on = START + timedelta(days=n)
            traveller.move_to(noon(on))
            if n == 4:
                pausing = {"start": (on + timedelta(days=1)).isoformat()}
                pausing["end"] = (on + timedelta(days=2)).isoformat()
                assert bob.api("POST", f"/bridges/{bridge}/pause", pausing).status_code < 300
            if n in (5, 6):
                continue
            if n == 2:
                check_in(alice, bridge, mine, "missed")
            elif n != 3:
                kept = check_in(alice, bridge, mine).json()["act_id"]
                if n % 2 == 0:
                    assert act(bob, bridge, "confirmations", {"act": kept}).status_code == 201
            check_in(bob, bridge, theirs)
    yield bridge


def card_shot(db: Any, card: Any, name: str) -> None:
    """One card of the page, for the README (SQLite run only, as `screenshot`)."""
    if db.kind == "sqlite":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        card.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide"


def axe_violations(page: Any, axe_script: Path) -> list[str]:
    page.add_script_tag(path=str(axe_script))
    found = page.evaluate("() => axe.run(document).then(r => r.violations)")
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in found]


def test_alice_reads_two_weeks_on_the_calendar_and_opens_a_day(
    two_weeks: int, bob: Any, db: Any, server: LiveServer, playwright: Any, tmp_path: Path,
    screenshot: Any,
) -> None:  # fmt: skip
    phone = open_phone(playwright, tmp_path / "alice")
    page = phone.new_page()
    sign_in(page, server.url, "alice@example.com", then=f"/bridges/{two_weeks}")
    calendar = page.get_by_role("region", name="The last 3 weeks")
    expect(calendar.locator("svg.cal")).to_be_visible()
    for word in ("kept, secured", "missed, owned", "missed", "paused", "open", "nothing due"):
        expect(calendar.get_by_role("list", name="Key")).to_contain_text(word)

    card_shot(db, calendar, "bridge-calendar-card")

    # The text equivalent, as a screen reader finds it.
    calendar.get_by_text("The last 3 weeks as text").click()
    text = calendar.locator(".cal-text").inner_text()
    assert "You: 5 kept and secured, 5 kept, 1 missed and owned it, 1 missed, 2 paused" in text
    missed_day = START + timedelta(days=3)
    assert f"{missed_day:%a} {missed_day.day} {missed_day:%b}: missed\n" in text
    assert "Bob: 12 kept, 2 paused, 1 still open." in text
    screenshot(page, "bridge-calendar")

    # A tap on the square of the day Alice owned a miss says what happened that day.
    owned = START + timedelta(days=2)
    # (The day's link holds both sides' squares: tap Alice's, the first.)
    page.locator(f'svg.cal a[href="?day={owned.isoformat()}#day"] use').first.click()
    day = page.locator("#day")
    expect(day.get_by_role("heading", level=3)).to_have_text(f"{owned:%A} {owned.day} {owned:%B}")
    expect(day).to_contain_text("You · Missed and owned it: 1 of 1 due checked in")
    expect(day).to_contain_text(f"You missed (said so themselves): {PROMISE}")
    expect(day).to_contain_text("Bob · Kept: 1 of 1 due checked in")
    no_sideways_scroll(page)

    # With a keyboard: the day picked in the form.
    missed = START + timedelta(days=3)
    calendar.get_by_label("Show a day").fill(missed.isoformat())
    calendar.get_by_role("button", name="Show").click()
    expect(day).to_contain_text("You · Missed: 0 of 1 due checked in; 1 left unchecked.")
    screenshot(page, "bridge-calendar-day")
    card_shot(db, calendar, "bridge-calendar-day-card")
    page.emulate_media(color_scheme="dark")
    card_shot(db, calendar, "bridge-calendar-day-card-dark")
    page.emulate_media(color_scheme="light")

    # Long text: a 60-letter name and a 200-letter word, at 320 CSS px, light and dark.
    assert bob.post(
        "/settings/profile", {"display_name": LONG_NAME, "time_zone": "Europe/London"}
    ).status_code in (200, 303)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"{server.url}/bridges/{two_weeks}?day={TODAY.isoformat()}#day")
    page.get_by_text("The last 3 weeks as text").click()
    expect(page.locator(".cal-text")).to_contain_text(LONG_NAME)
    no_sideways_scroll(page)
    card_shot(db, calendar, "bridge-calendar-320")
    page.emulate_media(color_scheme="dark")
    no_sideways_scroll(page)
    card_shot(db, calendar, "bridge-calendar-320-dark")
    phone.close()


def test_the_calendar_and_the_undo_note_have_no_axe_violations_light_or_dark(
    axe_script: Path, two_weeks: int, server: LiveServer, playwright: Any, tmp_path: Path
) -> None:
    phone = open_phone(playwright, tmp_path / "alice", bypass_csp=True)  # axe is injected
    page = phone.new_page()
    owned = START + timedelta(days=2)
    sign_in(page, server.url, "alice@example.com", then=f"/bridges/{two_weeks}")
    noted = ""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(f"{server.url}/bridges/{two_weeks}?day={owned.isoformat()}")
        assert axe_violations(page, axe_script) == []
        if not noted:
            page.goto(f"{server.url}/today")
            page.get_by_role("button", name=f"Kept: {PROMISE}").click()
            page.wait_for_url(re.compile(r"undo="))
            noted = page.url
        else:
            page.goto(noted)  # the same note again, in the dark
        expect(page.get_by_role("button", name="Undo")).to_be_visible()
        assert axe_violations(page, axe_script) == []
    phone.close()


@pytest.fixture
def one_promise(bridge: int, alice: Any) -> int:
    commit(alice, bridge, PROMISE)
    return bridge


def test_alice_undoes_kept_on_the_spot(
    one_promise: int, alice: Any, server: LiveServer, playwright: Any, tmp_path: Path,
    screenshot: Any,
) -> None:  # fmt: skip
    phone = open_phone(playwright, tmp_path / "alice")
    page = phone.new_page()
    sign_in(page, server.url, "alice@example.com")
    due = page.get_by_role("region", name="Due today")
    due.get_by_role("button", name=f"Kept: {PROMISE}").click()
    note = page.get_by_role("status")
    expect(note).to_contain_text("Plank laid.")
    expect(note).to_be_focused()
    screenshot(page, "today-undo")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "today-undo-dark")
    page.emulate_media(color_scheme="light")
    note.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_have_text(
        "Undone: that check-in is taken back and the item is open again."
    )
    expect(due.get_by_role("button", name=f"Kept: {PROMISE}")).to_be_visible()
    kinds = [entry["kind"] for entry in state(alice, one_promise)["timeline"]]
    assert kinds[:2] == ["withdrawal", "kept"]
    phone.close()


def test_alice_undoes_kept_with_no_signal_and_nothing_is_ever_sent(
    one_promise: int, alice: Any, server: LiveServer, playwright: Any, tmp_path: Path,
    screenshot: Any,
) -> None:  # fmt: skip
    phone = open_phone(playwright, tmp_path / "alice")
    page = phone.new_page()
    sign_in(page, server.url, "alice@example.com")
    wait_for_worker(page)
    page.wait_for_function(
        "() => caches.open('bw-pages-v1').then(c => c.match('/today')).then(Boolean)"
    )
    due = page.get_by_role("region", name="Due today")

    phone.set_offline(True)
    due.get_by_role("button", name=f"Kept: {PROMISE}").click()
    toast = page.locator(".toast")
    expect(toast).to_contain_text(f"Kept: {PROMISE} · saved on this phone, waiting to sync.")
    expect(due.get_by_text("Kept · waiting to sync")).to_be_visible()
    assert len(outbox(page)) == 1
    screenshot(page, "today-undo-offline")
    toast.get_by_role("button", name="Undo").click()
    expect(toast).to_have_text("Undone: nothing will be sent.")
    expect(due.get_by_role("button", name=f"Kept: {PROMISE}")).to_be_visible()
    expect(page.get_by_text("waiting to sync")).to_have_count(0)
    assert outbox(page) == []

    # Signal again: nothing reaches the server, the item is still open. (A new tab: the
    # open one may be reloading itself as the connection returns.)
    phone.set_offline(False)
    page.close()
    page = phone.new_page()
    page.goto(f"{server.url}/today")
    due = page.get_by_role("region", name="Due today")
    expect(due.get_by_role("button", name=f"Kept: {PROMISE}")).to_be_visible()
    assert [e["kind"] for e in state(alice, one_promise)["timeline"]] == []
    phone.close()
