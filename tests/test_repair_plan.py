"""The co-owned repair plan, commitments and pauses."""

from __future__ import annotations

from server.tables import Commitment, PlanPart
from tests.conftest import run
from tests.repair_helpers import act, commit, state


def test_each_side_writes_its_own_part_and_both_read_the_whole_plan(bridge, alice, bob):
    alice.api(
        "PUT",
        f"/bridges/{bridge}/plan",
        {"my_part": "I stopped replying", "restored_trust": "Bob trusts my estimates"},
    )
    bob.api("PUT", f"/bridges/{bridge}/plan", {"my_part": "I escalated too fast"})
    seen = state(bob, bridge)
    assert seen["sides"]["a"]["my_part"] == "I stopped replying"
    assert seen["sides"]["b"]["my_part"] == "I escalated too fast"
    assert state(alice, bridge)["sides"]["b"]["my_part"] == "I escalated too fast"


def test_a_plan_change_keeps_the_earlier_answer_in_history(bridge, alice, db):
    alice.api("PUT", f"/bridges/{bridge}/plan", {"my_part": "First answer"})
    alice.api("PUT", f"/bridges/{bridge}/plan", {"my_part": "Second answer"})
    assert state(alice, bridge)["sides"]["a"]["my_part"] == "Second answer"
    rows = run(PlanPart.select(PlanPart.my_part).order_by(PlanPart.id))
    assert [r["my_part"] for r in rows] == ["First answer", "Second answer"]


def test_an_invalid_cadence_gets_a_clear_message_and_nothing_is_saved(bridge, alice, db):
    response = act(
        alice,
        bridge,
        "commitments",
        {"text": "Stand-up notes", "cadence": "weekdays", "weekdays": []},
    )
    assert response.status_code == 400
    assert "Pick at least one weekday." in response.json()["errors"]["weekdays"]
    far = act(
        alice, bridge, "commitments", {"text": "x", "cadence": "daily", "start": "2031-01-01"}
    )
    assert "more than a year in the future" in far.json()["errors"]["start"]
    assert run(Commitment.count()) == 0


def test_a_commitment_with_history_is_retired_not_deleted(bridge, alice, bob):
    commitment = commit(alice, bridge)
    response = alice.api("POST", f"/bridges/{bridge}/commitments/{commitment}/retire")
    assert response.status_code == 204
    listed = state(bob, bridge)["commitments"]
    assert [(c["id"], c["retired"]) for c in listed] == [(commitment, True)]
    assert bob.api("POST", f"/bridges/{bridge}/commitments/{commitment}/retire").status_code == 403


def test_a_paused_side_has_nothing_due_and_the_partner_sees_the_pause(bridge, alice, bob):
    commit(alice, bridge)
    assert alice.api("POST", f"/bridges/{bridge}/pause", {}).status_code == 204
    assert alice.api("GET", "/today").json()["items"] == []
    assert state(bob, bridge)["sides"]["a"]["paused"] is True
    assert alice.api("POST", f"/bridges/{bridge}/resume").status_code == 204
    assert len(alice.api("GET", "/today").json()["items"]) == 1
