"""What asking to pause past days refuses, and why: in JSON for the API, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from server.tables import Pause, TrustAct
from tests.conftest import run
from tests.repair_helpers import act, commit, key, state

NOW = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def ask(person, bridge, body, idempotency_key=None):
    return act(person, bridge, "pause-requests", body, idempotency_key)


def answer(person, bridge, request, body):
    return act(person, bridge, f"pause-requests/{request}/answer", body)


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"start": "2026-11-14"}, "start", "30 days at most"),
        ({"start": "2026-12-15"}, "start", "needs no asking"),
        ({}, "start", "first day you were away"),
        ({"start": "2026-12-10", "end": "2026-12-08"}, "end", "before the start"),
        ({"start": "10 Dec"}, "start", "not a date"),
        ({"start": "2026-12-10", "reason": "x" * 501}, "reason", "at most 500"),
        ({"start": "2026-12-10", "reason": 7}, "reason", "Expected `str | null`"),
    ],
)
def test_alice_is_told_what_is_wrong_with_her_request(bridge, alice, body, field, words):
    response = ask(alice, bridge, body)
    assert response.status_code == 400, response.text
    assert words in response.json()["errors"][field]
    assert run(Pause.count()) == 0


def test_the_same_request_sent_twice_asks_once(bridge, alice, bob):
    once = key()
    first = ask(alice, bridge, {"start": "2026-12-01", "end": "2026-12-14"}, once)
    again = ask(alice, bridge, {"start": "2026-12-01", "end": "2026-12-14"}, once)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert len(state(bob, bridge)["pause_requests"]) == 1


def test_alice_cannot_ask_twice_about_the_same_days(bridge, alice):
    assert ask(alice, bridge, {"start": "2026-12-01", "end": "2026-12-05"}).status_code == 201
    again = ask(alice, bridge, {"start": "2026-12-04", "end": "2026-12-08"})
    assert again.status_code == 409
    assert "already asked" in again.json()["detail"]


def test_a_request_reaching_into_the_future_pauses_from_today_as_before(bridge, alice, bob):
    asked = ask(alice, bridge, {"start": "2026-12-10", "end": "2026-12-20"})
    assert asked.status_code == 201
    seen = state(bob, bridge)
    assert seen["sides"]["a"]["paused"] is True  # today on: her own pause, at once
    (request,) = seen["pause_requests"]
    assert (request["first"], request["last"], request["state"]) == (
        "2026-12-10",
        "2026-12-14",
        "pending",
    )


def test_only_bob_answers_alices_request_and_only_once(bridge, alice, bob):
    request = ask(alice, bridge, {"start": "2026-12-01", "end": "2026-12-14"}).json()["act_id"]

    own = answer(alice, bridge, request, {"answer": "agree"})
    assert own.status_code == 403
    assert "Only Bob can answer" in own.json()["detail"]
    vague = answer(bob, bridge, request, {"answer": "maybe"})
    assert vague.status_code == 400
    assert "agree or decline" in vague.json()["errors"]["answer"]
    assert answer(bob, bridge, 999999, {"answer": "agree"}).status_code == 404
    assert answer(bob, bridge, request, {"answer": "decline"}).status_code == 201
    twice = answer(bob, bridge, request, {"answer": "agree"})
    assert twice.status_code == 409
    assert state(alice, bridge)["pause_requests"][0]["state"] == "declined"


def test_an_answer_aimed_at_another_kind_of_entry_is_not_found(bridge, alice, bob):
    commitment = commit(alice, bridge)
    kept = act(alice, bridge, "checkins", {"commitment": commitment, "outcome": "kept"})
    response = answer(bob, bridge, kept.json()["act_id"], {"answer": "agree"})
    assert response.status_code == 404
    assert run(TrustAct.count().where(TrustAct.kind == "pause_agreed")) == 0


def test_the_form_on_the_bridge_page_asks_and_comes_back_to_the_bridge(bridge, alice, bob):
    page = alice.get(f"/bridges/{bridge}")
    assert "Forgot to pause? Ask Bob to pause days already past" in page.text
    response = alice.post(
        f"/bridges/{bridge}/pause",
        {"start": "2026-12-01", "end": "2026-12-14", "reason": "Flu", "idempotency_key": key()},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/bridges/{bridge}"
    bobs_page = bob.get(f"/bridges/{bridge}").text
    assert "Alice says they were away 1\u2009\u2013\u200914 Dec. Agree?" in bobs_page
    assert "“Flu”" in bobs_page


def test_a_request_from_the_page_reaching_too_far_back_is_a_400_page_saying_so(bridge, alice):
    response = alice.post(f"/bridges/{bridge}/pause", {"start": "2026-10-01", "end": "2026-10-05"})
    assert response.status_code == 400
    assert "30 days at most" in response.text
    assert "<html" in response.text.lower()


def test_the_bridge_page_says_what_an_unanswered_day_costs_and_how_a_pause_undoes_it(
    bridge, alice, bob
):
    for person, partner in ((alice, "Bob"), (bob, "Alice")):
        page = person.get(f"/bridges/{bridge}").text
        assert "What an unanswered day costs" in page
        assert f"it costs what a miss {partner} reported would" in page
        assert f"If {partner} agrees within 7 days, they count as paused from the first day" in page


def test_alice_cannot_pause_away_today_after_bob_reported_her_miss_today(bridge, alice, bob):
    commitment = commit(alice, bridge)
    reported = act(bob, bridge, "misses", {"commitment": commitment})
    assert reported.status_code == 201, reported.text

    paused = alice.api("POST", f"/bridges/{bridge}/pause", {})

    assert paused.status_code == 204
    today = alice.api("GET", "/today").json()
    # Her pause starts tomorrow: today, which Bob reported, still counts.
    assert [i["outcome"] for i in today["items"]] == ["reported"]
    assert state(bob, bridge)["sides"]["a"]["paused"] is False
    page = alice.get(f"/bridges/{bridge}").text
    assert "Your side is paused from tomorrow: Bob reported a miss of yours today" in page


def test_a_request_running_into_a_pause_already_set_asks_nothing(bridge, alice, bob):
    assert alice.api("POST", f"/bridges/{bridge}/pause", {}).status_code == 204
    response = ask(alice, bridge, {"start": "2026-12-01", "end": "2026-12-20"})
    assert response.status_code == 409
    assert "already paused" in response.json()["detail"]
    assert state(bob, bridge)["pause_requests"] == []
