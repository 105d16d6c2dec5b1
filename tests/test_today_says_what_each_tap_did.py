"""Every tap on Today says what happened: a second answer for a day is named, not
ignored, and a confirmation says whose plank it secured."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

from tests.repair_helpers import check_in, commit, state


def the_form(today: str) -> dict[str, str]:
    """The first check-in form on Today, as the browser keeps it when Back is pressed."""
    return {
        "idempotency_key": re.search(r'name="idempotency_key" value="([0-9a-f]+)"', today)[1],
        "commitment": re.search(r'name="commitment" value="(\d+)"', today)[1],
        "day": re.search(r'name="day" value="([\d-]+)"', today)[1],
        "next": "/today",
    }


def note(page: str) -> str:
    found = re.search(r'role="status" tabindex="-1" data-flash>(.*?)</(?:p|div)>', page, re.S)
    assert found, "no note on the page"
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found[1]))).strip()


def test_back_then_missed_after_kept_says_it_was_already_checked_in_as_kept(bridge, alice):
    commit(alice, bridge, "Reply the same day")
    form = the_form(alice.get("/today").text)
    assert alice.post(f"/bridges/{bridge}/checkins", {**form, "outcome": "kept"}).status_code == 303

    again = alice.post(f"/bridges/{bridge}/checkins", {**form, "outcome": "missed"})
    assert again.status_code == 409
    day = date.fromisoformat(form["day"])
    assert note(again.text) == (
        f"You already checked this in for {day:%A} {day.day} {day:%B}: kept. "
        "Withdraw it first to change it."
    )
    assert state(alice, bridge)["timeline"][0]["kind"] == "kept"  # the keep stands


def test_a_fresh_form_for_a_day_already_missed_names_the_day_and_the_miss(bridge, alice):
    promise = commit(alice, bridge, "Reply the same day")
    today = alice.get("/today").text
    check_in(alice, bridge, promise, "missed")
    refused = alice.post(f"/bridges/{bridge}/checkins", {**the_form(today), "outcome": "kept"})
    assert refused.status_code == 409
    assert ": missed. Withdraw it first to change it." in note(refused.text)


def test_bob_confirms_on_today_and_reads_that_alices_plank_is_secured(bridge, alice, bob):
    promise = commit(alice, bridge, "Reply the same day")
    check_in(alice, bridge, promise)
    today = bob.get("/today").text
    act = re.search(r'name="act" value="(\d+)"', today)[1]
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', today)[1]
    done = bob.post(
        f"/bridges/{bridge}/confirmations", {"act": act, "idempotency_key": key, "next": "/today"}
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/today?secured={bridge}&undo=")
    assert note(bob.get(done.headers["location"]).text).startswith(
        "Confirmed — Alice's plank is secured."
    )
    assert state(alice, bridge)["timeline"][0]["kind"] == "confirmation"


def test_mallory_cannot_learn_a_name_from_a_made_up_note(bridge, mallory):
    page = mallory.get(f"/today?secured={bridge}")
    assert page.status_code == 200
    assert "Alice" not in page.text and "Bob" not in page.text
