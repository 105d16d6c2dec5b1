"""An earned moment is celebrated once, to the person who earned it, and remembered on
the server: a reload or a second device does not show it again."""

from __future__ import annotations

import re
from html import unescape

from tests.conftest import run
from tests.repair_helpers import check_in, commit


def celebration(page: str) -> str:
    """What the celebration on a page says, or "" when there is none."""
    found = re.search(r"<section class=\"celebration\".*?</section>", page, re.S)
    if not found:
        return ""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[0]))).strip()


def test_alice_celebrates_her_first_plank_on_today(bridge, alice):
    promise = commit(alice, bridge, "Reply the same day")
    assert celebration(alice.get("/today").text) == ""
    check_in(alice, bridge, promise)
    said = celebration(alice.get("/today").text)
    assert said == "Your first plank You laid the first plank of your half of the bridge with Bob."


def test_the_celebration_is_shown_once_and_not_again_on_reload(bridge, alice):
    check_in(alice, bridge, commit(alice, bridge, "Reply the same day"))
    assert "Your first plank" in celebration(alice.get("/today").text)
    assert celebration(alice.get("/today").text) == ""


def test_bob_is_not_shown_alices_first_plank(bridge, alice, bob):
    check_in(alice, bridge, commit(alice, bridge, "Reply the same day"))
    assert celebration(bob.get("/today").text) == ""
    assert "Your first plank" in celebration(alice.get("/today").text)


def test_bob_celebrates_his_own_first_plank_and_alice_reads_nothing_of_it(bridge, alice, bob):
    check_in(alice, bridge, commit(alice, bridge, "Reply the same day"))
    alice.get("/today")  # hers, seen
    check_in(bob, bridge, commit(bob, bridge, "Walk the dog together"))
    assert "with Alice" in celebration(bob.get("/today").text)
    assert celebration(alice.get("/today").text) == ""


def test_a_refused_check_in_page_does_not_use_up_the_celebration(bridge, alice):
    promise = commit(alice, bridge, "Reply the same day")
    today = alice.get("/today").text
    form = {
        "idempotency_key": re.search(r'name="idempotency_key" value="([0-9a-f]+)"', today)[1],
        "commitment": str(promise),
        "day": re.search(r'name="day" value="([\d-]+)"', today)[1],
        "next": "/today",
    }
    assert alice.post(f"/bridges/{bridge}/checkins", {**form, "outcome": "kept"}).status_code == 303
    assert (
        alice.post(f"/bridges/{bridge}/checkins", {**form, "outcome": "missed"}).status_code == 409
    )
    assert "Your first plank" in celebration(alice.get("/today").text)


def test_each_moment_is_remembered_once_per_person_and_bridge(bridge, alice, bob):
    from server.moments.tables import CelebratedMoment

    check_in(alice, bridge, commit(alice, bridge, "Reply the same day"))
    alice.get("/today")
    alice.get("/today")
    rows = run(CelebratedMoment.select(CelebratedMoment.moment, CelebratedMoment.bridge))
    assert rows == [{"moment": "first_plank", "bridge": bridge}]
