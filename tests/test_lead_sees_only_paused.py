"""Carol, the lead, never learns that Alice asked to pause days already past, nor why:
at most that the bridge is paused today, as for any pause."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from tests.lead_helpers import dashboard, history, share_both
from tests.repair_helpers import act, state

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
REASON = "alice-was-at-her-fathers-funeral-written"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def what_carol_reads(carol, team: int) -> str:
    return "\n".join(
        [
            carol.get(f"/teams/{team}/dashboard").text,
            carol.api("GET", f"/teams/{team}/dashboard").text,
            carol.get(f"/teams/{team}/dashboard.csv").text,
            carol.get("/today").text,
            carol.get("/").text,
        ]
    )


def test_carol_never_reads_the_request_or_its_reason_only_the_figure_it_changes(
    bridge, alice, bob, carol, team
):
    share_both(bridge, alice, bob)
    # A week kept by both, then Alice silent for a week while Bob keeps going.
    history(bridge, date(2026, 11, 6), "k" * 7 + "-" * 7, "k" * 14)
    silent = dashboard(carol, team)["bridges"][0]
    asked = act(
        alice,
        bridge,
        "pause-requests",
        {"start": "2026-11-13", "end": "2026-11-19", "reason": REASON},
    )
    assert asked.status_code == 201, asked.text
    assert REASON in bob.get("/today").text  # the partner reads why ...

    waiting = what_carol_reads(carol, team)
    for word in (REASON, "asked", "away", "No check-ins", "Agree", "pause_asked"):
        assert word not in waiting, word  # ... the lead reads nothing of it
    assert dashboard(carol, team)["bridges"][0] == silent

    answer = act(
        bob, bridge, f"pause-requests/{asked.json()['act_id']}/answer", {"answer": "agree"}
    )
    assert answer.status_code == 201, answer.text

    agreed = dashboard(carol, team)["bridges"][0]
    assert agreed["health"] > silent["health"]
    assert agreed["health"] == state(bob, bridge)["health"]
    assert agreed["paused"] is False  # those days are over: nothing is paused today
    for word in (REASON, "asked", "away", "agreed", "pause_agreed"):
        assert word not in what_carol_reads(carol, team), word


def test_carol_sees_paused_while_alice_is_paused_today(bridge, alice, bob, carol, team):
    share_both(bridge, alice, bob)
    history(bridge, date(2026, 11, 6), "k" * 14, "k" * 14)
    today = NOW.date()
    paused = alice.api(
        "POST", f"/bridges/{bridge}/pause", {"end": (today + timedelta(days=3)).isoformat()}
    )
    assert paused.status_code == 204
    assert dashboard(carol, team)["bridges"][0]["paused"] is True
    assert re.search(r"[Pp]aused", carol.get(f"/teams/{team}/dashboard").text)
