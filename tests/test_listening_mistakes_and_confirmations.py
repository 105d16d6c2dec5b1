"""Listening sessions, owned mistakes, confirmations and withdrawals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine

from server import clock
from server.tables import PrivateNote, TrustAct
from tests.conftest import run
from tests.repair_helpers import act, check_in, commit, key, state


def test_bob_confirms_alices_kept_item_and_the_plank_is_secured(bridge, alice, bob):
    kept = check_in(alice, bridge, commit(alice, bridge)).json()["act_id"]
    assert act(bob, bridge, "confirmations", {"act": kept}).status_code == 201
    seen = state(alice, bridge)
    assert seen["sides"]["a"]["secured"] == 1
    assert next(e for e in seen["timeline"] if e["id"] == kept)["confirmed"] is True


def test_alice_cannot_confirm_her_own_act(bridge, alice):
    kept = check_in(alice, bridge, commit(alice, bridge)).json()["act_id"]
    response = act(alice, bridge, "confirmations", {"act": kept})
    assert response.status_code == 403
    assert state(alice, bridge)["sides"]["a"]["secured"] == 0


def test_a_plank_is_confirmed_only_once(bridge, alice, bob):
    kept = check_in(alice, bridge, commit(alice, bridge)).json()["act_id"]
    act(bob, bridge, "confirmations", {"act": kept})
    assert act(bob, bridge, "confirmations", {"act": kept}).status_code == 409


def test_a_listening_session_keeps_private_notes_from_the_partner(bridge, alice, bob, db):
    response = act(
        alice,
        bridge,
        "listening",
        {
            "agenda_by": "partner",
            "summary": "Bob walked me through the release week.",
            "private_notes": "He felt blindsided on Tuesday.",
        },
    )
    session = response.json()["act_id"]
    mine = next(e for e in state(alice, bridge)["timeline"] if e["id"] == session)
    theirs = next(e for e in state(bob, bridge)["timeline"] if e["id"] == session)
    assert mine["private_note"] == "He felt blindsided on Tuesday."
    assert "private_note" not in theirs
    assert theirs["texts"]["summary"] == "Bob walked me through the release week."
    assert "blindsided" not in bob.api("GET", f"/bridges/{bridge}/state").text
    assert "blindsided" not in bob.get(f"/bridges/{bridge}").text
    assert run(PrivateNote.count()) == 1


def test_bob_says_i_felt_heard(bridge, alice, bob):
    session = act(alice, bridge, "listening", {"summary": "Talked"}).json()["act_id"]
    assert act(bob, bridge, "confirmations", {"act": session}).status_code == 201
    assert state(alice, bridge)["sides"]["a"]["secured"] == 1


def test_an_owned_mistake_needs_all_three_answers(bridge, alice, db):
    response = act(
        alice,
        bridge,
        "mistakes",
        {"what_happened": "I shipped without review", "my_part": "", "differently": "x" * 2001},
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["my_part"] == "Your part is required."
    assert "at most 2000 characters" in errors["differently"]
    assert run(TrustAct.count()) == 0


def test_an_owned_mistake_lays_a_plank_and_can_be_acknowledged(bridge, alice, bob):
    mistake = act(
        alice,
        bridge,
        "mistakes",
        {
            "what_happened": "I shipped without review",
            "my_part": "I skipped the checklist",
            "differently": "I will wait for Bob's review",
        },
    ).json()["act_id"]
    entry = next(e for e in state(bob, bridge)["timeline"] if e["id"] == mistake)
    assert entry["texts"]["differently"] == "I will wait for Bob's review"
    act(bob, bridge, "confirmations", {"act": mistake})
    assert state(alice, bridge)["sides"]["a"]["secured"] == 1


def test_alice_withdraws_her_check_in_within_24_hours_and_it_counts_for_nothing(bridge, alice, bob):
    kept = check_in(alice, bridge, commit(alice, bridge)).json()["act_id"]
    assert act(alice, bridge, "withdrawals", {"act": kept}).status_code == 201
    seen = state(bob, bridge)
    assert seen["sides"]["a"]["planks"] == 0
    assert next(e for e in seen["timeline"] if e["id"] == kept)["withdrawn"] is True
    assert seen["timeline"][0]["kind"] == "withdrawal"  # the withdrawal is itself recorded


def test_after_24_hours_an_act_can_no_longer_be_withdrawn(bridge, alice):
    kept = check_in(alice, bridge, commit(alice, bridge)).json()["act_id"]
    with time_machine.travel(clock.now() + timedelta(hours=25)):
        response = act(alice, bridge, "withdrawals", {"act": kept})
    assert response.status_code == 409
    assert "within 24 hours" in response.json()["detail"]


def test_bob_cannot_withdraw_alices_act(bridge, alice, bob):
    kept = check_in(alice, bridge, commit(alice, bridge)).json()["act_id"]
    assert act(bob, bridge, "withdrawals", {"act": kept}).status_code == 403


def _alice_keeps(alice: Any, bridge: int, how_many: int) -> list[int]:
    kept = []
    for n in range(how_many):
        commitment = commit(alice, bridge, f"Commitment number {n}")
        kept.append(check_in(alice, bridge, commitment).json()["act_id"])
    return kept


def test_bob_confirms_all_of_alices_kept_items_with_one_request(bridge, alice, bob):
    kept = _alice_keeps(alice, bridge, 4)
    response = act(bob, bridge, "confirmations/kept", {"acts": kept})
    assert response.status_code == 201, response.text
    assert len(response.json()["act_ids"]) == 4
    timeline = {e["id"]: e for e in state(alice, bridge)["timeline"]}
    assert all(timeline[k]["confirmed"] for k in kept)
    assert state(alice, bridge)["sides"]["a"]["secured"] == 1  # one day, one plank


def test_the_same_confirm_all_twice_confirms_each_item_once(bridge, alice, bob):
    kept = _alice_keeps(alice, bridge, 3)
    first = act(bob, bridge, "confirmations/kept", {"acts": kept}, idempotency_key="bob-all-0001")
    again = act(bob, bridge, "confirmations/kept", {"acts": kept}, idempotency_key="bob-all-0001")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert run(TrustAct.count().where(TrustAct.kind == "confirmation")) == 3


def test_confirm_all_passes_over_what_bob_already_confirmed(bridge, alice, bob):
    kept = _alice_keeps(alice, bridge, 3)
    act(bob, bridge, "confirmations", {"act": kept[0]})
    response = act(bob, bridge, "confirmations/kept", {"acts": kept})
    assert response.status_code == 201
    assert len(response.json()["act_ids"]) == 2
    assert run(TrustAct.count().where(TrustAct.kind == "confirmation")) == 3


def test_alice_cannot_confirm_her_own_items_all_at_once(bridge, alice, bob):
    kept = _alice_keeps(alice, bridge, 2)
    response = act(alice, bridge, "confirmations/kept", {"acts": kept})
    assert response.status_code == 403
    assert run(TrustAct.count().where(TrustAct.kind == "confirmation")) == 0


def test_i_felt_heard_is_never_said_in_bulk(bridge, alice, bob):
    kept = _alice_keeps(alice, bridge, 1)
    session = act(alice, bridge, "listening", {"summary": "Talked"}).json()["act_id"]
    response = act(bob, bridge, "confirmations/kept", {"acts": [*kept, session]})
    assert response.status_code == 400
    assert "one at a time" in response.json()["errors"]["acts"]
    assert run(TrustAct.count().where(TrustAct.kind == "confirmation")) == 0  # nothing half


def test_confirm_all_with_no_entries_says_what_is_missing(bridge, alice, bob):
    response = act(bob, bridge, "confirmations/kept", {"acts": []})
    assert response.status_code == 400
    assert response.json()["errors"]["acts"] == "Say which entries to confirm."


def test_confirm_all_with_a_made_up_entry_says_so_and_saves_nothing(bridge, alice, bob):
    kept = _alice_keeps(alice, bridge, 1)
    page_form = bob.post(
        f"/bridges/{bridge}/confirmations/kept",
        {"idempotency_key": key(), "acts": f"{kept[0]},twelve", "next": "/today"},
    )
    assert page_form.status_code == 400
    assert "Each entry must be a number." in page_form.text
    assert run(TrustAct.count().where(TrustAct.kind == "confirmation")) == 0
