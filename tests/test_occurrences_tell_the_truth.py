"""Each due item has one state, and every screen names the person whose item it is.

Bob reports a miss on Alice's commitment: both timelines say Alice missed it, reported
by Bob. A kept item cannot be reported missed. A one-off can be done ahead of its date.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import time_machine

from tests.repair_helpers import act, check_in, commit, state

NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # a Monday, in Europe/London too


def _timeline_sentences(page: str) -> list[str]:
    """The timeline's entries as a reader sees them: tags dropped, spaces squeezed."""
    entries = re.findall(r'<li class="entry[^"]*">(.*?)</li>', page, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", e).split()) for e in entries]


def test_a_miss_bob_reports_is_alices_miss_on_both_timelines(bridge, alice, bob):
    commitment = commit(alice, bridge, "Send the weekly status by 5pm")
    reported = act(bob, bridge, "misses", {"commitment": commitment, "note": "Nothing came"})
    assert reported.status_code == 201, reported.text

    on_alices = _timeline_sentences(alice.get(f"/bridges/{bridge}").text)
    on_bobs = _timeline_sentences(bob.get(f"/bridges/{bridge}").text)

    assert any(
        s.startswith("You missed — reported by Bob: Send the weekly status") for s in on_alices
    ), on_alices
    assert any(
        s.startswith("Alice missed — reported by you: Send the weekly status") for s in on_bobs
    ), on_bobs
    assert not any(s.startswith("Bob missed") for s in on_alices + on_bobs)
    assert not any(s.startswith("You missed") for s in on_bobs)


def test_the_api_names_the_owner_of_a_reported_miss(bridge, alice, bob):
    commitment = commit(alice, bridge)
    report = act(bob, bridge, "misses", {"commitment": commitment}).json()["act_id"]
    for reader in (alice, bob):
        entry = next(e for e in state(reader, bridge)["timeline"] if e["id"] == report)
        assert entry["who"] == "Alice"


def test_bob_cannot_report_a_miss_on_what_alice_kept_and_he_confirmed(bridge, alice, bob):
    commitment = commit(alice, bridge)
    kept = check_in(alice, bridge, commitment, "kept").json()["act_id"]
    assert act(bob, bridge, "confirmations", {"act": kept}).status_code == 201
    health_before = state(alice, bridge)["health"]

    refused = act(bob, bridge, "misses", {"commitment": commitment})

    assert refused.status_code == 409
    assert "Alice checked this in as kept" in refused.json()["detail"]
    assert state(alice, bridge)["health"] == health_before
    assert "✓ Kept" in alice.get("/today").text


def test_bob_cannot_report_a_miss_on_what_alice_kept_even_unconfirmed(bridge, alice, bob):
    commitment = commit(alice, bridge)
    check_in(alice, bridge, commitment, "kept")

    refused = act(bob, bridge, "misses", {"commitment": commitment})

    assert refused.status_code == 409
    assert not any(e["kind"] == "missed_partner" for e in state(bob, bridge)["timeline"])


def test_once_bob_reported_it_alice_answers_rather_than_ticks_it(bridge, alice, bob):
    commitment = commit(alice, bridge)
    act(bob, bridge, "misses", {"commitment": commitment})

    refused = check_in(alice, bridge, commitment, "kept")

    assert refused.status_code == 409
    assert "Bob reported this as missed" in refused.json()["detail"]
    assert "Bob reported it missed" in alice.get("/today").text


def test_a_one_off_shows_on_today_from_its_start_and_can_be_done_early(bridge, alice, bob):
    with time_machine.travel(NOON, tick=False):
        by = date(2026, 12, 10)
        commitment = commit(
            alice, bridge, "Share the revised plan", cadence="once", due_by=by.isoformat()
        )
        today = alice.get("/today").text
        assert "Share the revised plan" in today
        assert "by Thu 10 Dec" in today

        kept = check_in(alice, bridge, commitment, "kept")
        assert kept.status_code == 201, kept.text
        assert "✓ Kept" in alice.get("/today").text
        again = check_in(alice, bridge, commitment, "kept")
        assert again.status_code == 409

    with time_machine.travel(NOON + timedelta(days=2), tick=False):
        # Done already: it no longer asks anything of Alice, and Bob cannot call it missed.
        assert "Share the revised plan" not in alice.get("/today").text
    with time_machine.travel(NOON + timedelta(days=3), tick=False):
        refused = act(bob, bridge, "misses", {"commitment": commitment})
        assert refused.status_code == 409


def test_a_one_off_cannot_be_reported_missed_before_its_date(bridge, alice, bob):
    with time_machine.travel(NOON, tick=False):
        commitment = commit(alice, bridge, "Share the plan", cadence="once", due_by="2026-12-10")
        refused = act(bob, bridge, "misses", {"commitment": commitment})
        assert refused.status_code == 400
        assert "due by Thu 10 Dec" in refused.json()["errors"]["day"]
