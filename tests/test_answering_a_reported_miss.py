"""The owner can answer a miss the partner reported, once, in words both sides read."""

from __future__ import annotations

from tests.repair_helpers import act, commit, state


def _reported(alice, bob, bridge) -> int:
    commitment = commit(alice, bridge)
    response = act(bob, bridge, "misses", {"commitment": commitment, "note": "No status"})
    return int(response.json()["act_id"])


def test_alice_answers_bobs_report_and_bob_reads_it(bridge, alice, bob):
    report = _reported(alice, bob, bridge)
    answer = alice.api(
        "POST",
        f"/bridges/{bridge}/responses",
        {"act": report, "text": "I sent it at 6pm, after you left."},
    )
    assert answer.status_code == 201
    entry = next(e for e in state(bob, bridge)["timeline"] if e["id"] == report)
    assert entry["response"] == "I sent it at 6pm, after you left."
    assert "I sent it at 6pm" in bob.get(f"/bridges/{bridge}").text


def test_a_report_is_answered_only_once_and_only_by_its_owner(bridge, alice, bob):
    report = _reported(alice, bob, bridge)
    assert (
        bob.api(
            "POST", f"/bridges/{bridge}/responses", {"act": report, "text": "Me again"}
        ).status_code
        == 403
    )
    alice.api("POST", f"/bridges/{bridge}/responses", {"act": report, "text": "Sorry"})
    again = alice.api("POST", f"/bridges/{bridge}/responses", {"act": report, "text": "More"})
    assert again.status_code == 409


def test_an_empty_answer_gets_a_message(bridge, alice, bob):
    report = _reported(alice, bob, bridge)
    response = alice.api("POST", f"/bridges/{bridge}/responses", {"act": report, "text": " "})
    assert response.status_code == 400
    assert response.json()["errors"]["text"] == "Your answer is required."
