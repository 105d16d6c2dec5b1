"""The daily check-in: one tap for kept or missed, on one's own commitments."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import time_machine

from server.errors import Conflict
from server.repair import acts
from server.repair import commands as c
from server.tables import Commitment, Pause, TrustAct, User
from tests.conftest import run
from tests.repair_helpers import act, check_in, commit, key, state

MONDAY_NOON = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)


def test_alice_keeps_her_commitment_and_lays_a_plank(bridge, alice, bob):
    commitment = commit(alice, bridge)
    assert check_in(alice, bridge, commitment).status_code == 201
    seen = state(bob, bridge)
    assert seen["sides"]["a"]["planks"] == 1
    assert seen["timeline"][0]["kind"] == "kept"
    assert seen["timeline"][0]["commitment_text"] == "Send the weekly status by 5pm"


def test_the_same_check_in_sent_twice_creates_one_act(bridge, alice, db):
    commitment = commit(alice, bridge)
    once = key()
    first = check_in(alice, bridge, commitment, idempotency_key=once)
    again = check_in(alice, bridge, commitment, idempotency_key=once)
    assert first.json() == again.json()
    assert run(TrustAct.count().where(TrustAct.kind == "kept")) == 1


def test_a_change_without_an_idempotency_key_is_refused(bridge, alice):
    commitment = commit(alice, bridge)
    response = alice.api(
        "POST", f"/bridges/{bridge}/checkins", {"commitment": commitment, "outcome": "kept"}
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert alice.api("GET", f"/bridges/{bridge}/state").json()["timeline"] == []


def test_a_malformed_idempotency_key_is_refused_before_anything_is_written(bridge, alice):
    commitment = commit(alice, bridge)
    response = check_in(alice, bridge, commitment, idempotency_key="no spaces, please")
    assert response.status_code == 400
    assert "idempotency_key" in response.json()["errors"]
    assert alice.api("GET", f"/bridges/{bridge}/state").json()["timeline"] == []


def test_a_second_check_in_for_the_same_day_is_refused(bridge, alice):
    commitment = commit(alice, bridge)
    check_in(alice, bridge, commitment, "kept")
    response = check_in(alice, bridge, commitment, "missed")
    assert response.status_code == 409
    assert "already checked this in" in response.json()["detail"]


def test_yesterday_can_still_be_checked_in_but_not_the_day_before(bridge, alice):
    with time_machine.travel(MONDAY_NOON - timedelta(days=3), tick=False) as clock:
        commitment = commit(alice, bridge)
        clock.move_to(MONDAY_NOON)
        assert check_in(alice, bridge, commitment, day="2026-11-15").status_code == 201
        late = check_in(alice, bridge, commitment, day="2026-11-14")
        assert late.status_code == 400
        assert "yesterday's until the end of today" in late.json()["errors"]["day"]
        future = check_in(alice, bridge, commitment, day="2026-11-17")
        assert future.status_code == 400


def test_bob_cannot_check_in_alices_commitment(bridge, alice, bob):
    commitment = commit(alice, bridge)
    response = check_in(bob, bridge, commitment)
    assert response.status_code == 403
    assert state(alice, bridge)["sides"]["a"]["planks"] == 0


def test_a_miss_reported_by_alice_herself_cracks_a_plank(bridge, alice, bob):
    commitment = commit(alice, bridge)
    check_in(alice, bridge, commitment, "missed")
    seen = state(bob, bridge)
    assert seen["timeline"][0]["kind"] == "missed_self"
    assert seen["sides"]["a"]["planks"] == 0


def test_bob_reports_that_alice_missed_and_alice_sees_it(bridge, alice, bob):
    commitment = commit(alice, bridge)
    response = act(bob, bridge, "misses", {"commitment": commitment, "note": "No status today"})
    assert response.status_code == 201
    entry = state(alice, bridge)["timeline"][0]
    assert entry["kind"] == "missed_partner"
    assert entry["texts"] == {"note": "No status today"}
    assert act(alice, bridge, "misses", {"commitment": commitment}).status_code == 403


def test_nothing_can_be_checked_in_on_an_archived_bridge(bridge, alice):
    commitment = commit(alice, bridge)
    alice.api("POST", f"/bridges/{bridge}/archive")
    response = check_in(alice, bridge, commitment)
    assert response.status_code == 409
    assert "not being built" in response.json()["detail"]


def test_alices_today_lists_her_due_item_and_what_waits_for_her(bridge, alice, bob):
    mine = commit(alice, bridge, "Reply to Bob's messages the same day")
    theirs = commit(bob, bridge, "Ask before changing the plan")
    kept = check_in(bob, bridge, theirs).json()["act_id"]
    today = alice.api("GET", "/today").json()
    assert [(i["text"], i["outcome"]) for i in today["items"]] == [
        ("Reply to Bob's messages the same day", "open")
    ]
    assert [c["act_id"] for c in today["confirmations"]] == [kept]
    check_in(alice, bridge, mine)
    assert alice.api("GET", "/today").json()["items"][0]["outcome"] == "kept"


def test_today_is_each_persons_own_local_date(bridge, alice, bob):
    # 11:30 UTC on 21 March is already 22 March in Auckland.
    bob.api("PATCH", "/me", {"display_name": "Bob", "time_zone": "Pacific/Auckland"})
    with time_machine.travel(datetime(2026, 3, 21, 11, 30, tzinfo=UTC), tick=False):
        assert alice.api("GET", "/today").json()["today"] == "2026-03-21"
        assert bob.api("GET", "/today").json()["today"] == "2026-03-22"


def test_today_follows_a_daylight_saving_change(bridge, alice):
    # London springs forward at 01:00 UTC on 29 March 2026: 23:30 UTC is 00:30 BST.
    with time_machine.travel(datetime(2026, 3, 29, 23, 30, tzinfo=UTC), tick=False):
        assert alice.api("GET", "/today").json()["today"] == "2026-03-30"
    with time_machine.travel(datetime(2026, 1, 10, 23, 30, tzinfo=UTC), tick=False):
        assert alice.api("GET", "/today").json()["today"] == "2026-01-10"


def test_today_shows_an_act_however_it_was_written(bridge, alice, bob):
    """Today's figures are kept per bridge between pages, keyed by a version of the
    bridge that the database raises itself, so an act written by any code (a seed,
    an import, a future feature) shows at once."""
    mine = commit(alice, bridge, "Reply to Bob's messages the same day")
    assert alice.api("GET", "/today").json()["items"][0]["outcome"] == "open"
    day = alice.api("GET", "/today").json()["items"][0]["day"]
    side = state(alice, bridge)["my_side"]
    run(
        TrustAct.insert(
            TrustAct(bridge=bridge, kind="kept", author_side=side, owner_side=side,
                     day=datetime.fromisoformat(day).date(), created_at=datetime.now(UTC),
                     commitment=mine)
        )
    )  # fmt: skip
    assert alice.api("GET", "/today").json()["items"][0]["outcome"] == "kept"


def test_today_follows_a_commitment_changed_and_a_pause_taken_however_written(bridge, alice, bob):
    mine = commit(alice, bridge, "Reply to Bob's messages the same day")
    assert alice.api("GET", "/today").json()["items"][0]["text"].startswith("Reply")
    run(Commitment.update({Commitment.text: "Reply within the hour"}).where(Commitment.id == mine))
    assert alice.api("GET", "/today").json()["items"][0]["text"] == "Reply within the hour"
    side = state(alice, bridge)["my_side"]
    today = date.fromisoformat(alice.api("GET", "/today").json()["today"])
    run(
        Pause.insert(
            Pause(
                bridge=bridge,
                side=side,
                start=today - timedelta(days=1),
                created_at=datetime.now(UTC),
            )
        )
    )
    assert alice.api("GET", "/today").json()["items"] == []


def test_two_phones_checking_in_the_same_item_at_once_record_it_once(bridge, alice, db):
    """Two requests with different keys (a queued offline tap and a fresh one, or two
    phones) racing for the same item: one lands, the other is told it is checked in."""
    mine = commit(alice, bridge, "Reply to Bob's messages the same day")

    async def both_at_once() -> list[object]:
        user = await User.objects().where(User.email == alice.email).first()
        return await asyncio.gather(
            acts.check_in(user, bridge, c.CheckIn(key(), mine, "kept")),
            acts.check_in(user, bridge, c.CheckIn(key(), mine, "missed")),
            return_exceptions=True,
        )

    outcomes = run(both_at_once())
    assert sum(isinstance(o, int) for o in outcomes) == 1
    [refused] = [o for o in outcomes if isinstance(o, Exception)]
    assert isinstance(refused, Conflict) and "already checked this in" in str(refused)
    assert run(TrustAct.count().where(TrustAct.commitment == mine)) == 1
