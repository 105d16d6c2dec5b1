"""Kept, Missed and Confirm on Today can be taken back on the spot: the note that says
what happened carries Undo, a withdrawal, for as long as the withdrawal window lasts."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import time_machine

from server import clock
from tests.repair_helpers import check_in, commit, state


def tap(person: Any, bridge: int, outcome: str) -> str:
    """Tap Kept or Missed on the first open item of Today; the page it lands on."""
    today = person.get("/today").text
    form = {
        "idempotency_key": re.search(r'name="idempotency_key" value="([0-9a-f]+)"', today)[1],
        "commitment": re.search(r'name="commitment" value="(\d+)"', today)[1],
        "day": re.search(r'name="day" value="([\d-]+)"', today)[1],
        "outcome": outcome,
        "next": "/today",
    }
    done = person.post(f"/bridges/{bridge}/checkins", form)
    assert done.status_code == 303, done.text
    return str(done.headers["location"])


def undo_form(page: str) -> dict[str, str] | None:
    found = re.search(r'<form class="undo" method="post" action="([^"]+)"(.*?)</form>', page, re.S)
    if not found:
        return None
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', found[2]))
    return {"action": found[1], **fields}


def press_undo(person: Any, page: str) -> str:
    form = undo_form(page)
    assert form, "no Undo on the page"
    action = form.pop("action")
    done = person.post(action, form)
    assert done.status_code == 303, done.text
    return person.get(done.headers["location"]).text


def test_alice_undoes_kept_and_the_item_is_open_again(bridge, alice):
    commit(alice, bridge, "Reply the same day")
    page = alice.get(tap(alice, bridge, "kept")).text
    assert "Plank laid." in page and undo_form(page)
    after = press_undo(alice, page)
    assert "Undone: that check-in is taken back and the item is open again." in after
    assert 'value="kept" aria-label="Kept: Reply the same day"' in after  # open again
    kinds = [entry["kind"] for entry in state(alice, bridge)["timeline"]]
    assert kinds[:2] == ["withdrawal", "kept"]


def test_alice_undoes_missed(bridge, alice):
    commit(alice, bridge, "Reply the same day")
    page = alice.get(tap(alice, bridge, "missed")).text
    assert "Missed, and you said so." in page
    after = press_undo(alice, page)
    assert "the item is open again" in after
    assert 'aria-label="Missed: Reply the same day"' in after


def test_bob_undoes_a_confirmation_and_the_plank_waits_for_him_again(bridge, alice, bob):
    promise = commit(alice, bridge, "Reply the same day")
    check_in(alice, bridge, promise)
    today = bob.get("/today").text
    act = re.search(r'name="act" value="(\d+)"', today)[1]
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', today)[1]
    done = bob.post(
        f"/bridges/{bridge}/confirmations", {"act": act, "idempotency_key": key, "next": "/today"}
    )
    page = bob.get(done.headers["location"]).text
    assert "Alice's plank is secured." in page
    after = press_undo(bob, page)
    assert "Undone: that plank is waiting for your confirmation again." in after
    assert f'name="act" value="{act}"' in after  # Confirm is back


def test_no_undo_once_the_withdrawal_window_has_closed(bridge, alice):
    commit(alice, bridge, "Reply the same day")
    landed = tap(alice, bridge, "kept")
    with time_machine.travel(clock.now() + timedelta(hours=25)):
        assert undo_form(alice.get(landed).text) is None


def test_a_made_up_or_someone_elses_undo_link_offers_nothing(bridge, alice, bob, mallory):
    commit(alice, bridge, "Reply the same day")
    landed = tap(alice, bridge, "kept")
    assert undo_form(bob.get(landed).text) is None
    assert undo_form(mallory.get(landed).text) is None
    for wrong in ("0", "-1", "99999999", "abc"):
        page = alice.get(f"/today?laid=1&undo={wrong}")
        assert page.status_code in (200, 400)
        assert undo_form(page.text) is None


def test_an_undo_pressed_twice_takes_it_back_once(bridge, alice):
    commit(alice, bridge, "Reply the same day")
    page = alice.get(tap(alice, bridge, "kept")).text
    form = undo_form(page)
    assert form
    action = form.pop("action")
    assert alice.post(action, form).status_code == 303
    assert alice.post(action, form).status_code == 303  # the same key: replayed
    kinds = [entry["kind"] for entry in state(alice, bridge)["timeline"]]
    assert kinds.count("withdrawal") == 1
