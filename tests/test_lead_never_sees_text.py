"""Carol, the lead, never receives a text anyone wrote, nor anything of a bridge that is
not shared with her: not on a page, in the JSON API, in the CSV or in her export.

Everyone on her team writes on every bridge: plans, commitments, listening notes
(shared and private), owned mistakes, reported misses and answers, invitation
messages. Then carol asks every route that returns anything, and every route on a
bridge, and none of those words come back.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from tests.conftest import Browser
from tests.lead_helpers import (
    build_bridge,
    newcomer,
    person_id,
    share,
    share_both,
    write_everything,
)
from tests.repair_helpers import act, check_in, commit
from tests.test_mallory_route_matrix import BRIDGE, MADE_UP_TOKEN, ROUTE_TABLE, fill, send

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

# Keys the lead's dashboard may carry in the API: names and numbers, nothing written.
DASHBOARD_KEYS = {
    "team_id", "team_name", "as_of", "min_bridges", "bridges", "needs_support", "team",
    "team_hidden_reason", "id", "people", "health", "band", "trend", "planks_laid",
    "planks_secured", "days_since_last_act", "paused", "fall", "median_health", "bands",
    "just_started", "broken", "under_repair", "crossable", "solid",
}  # fmt: skip


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def written(browser, team, bridge, alice, bob, carol) -> dict[str, Any]:
    """Three bridges full of words: alice & bob share theirs; alice & dan and dan & erin
    keep theirs (alice shares hers with dan, dan does not)."""
    dan = newcomer(browser, carol, team, "dan")
    erin = newcomer(browser, carol, team, "erin")
    half = build_bridge(alice, dan, "alice asks dan: about-the-reorg-written")
    hidden = build_bridge(dan, erin, "dan asks erin: about-the-handover-written")
    words = ["Can we fix this?", "about-the-reorg-written", "about-the-handover-written"]
    commitments = []
    for bridge_id, one, two in ((bridge, alice, bob), (half, alice, dan), (hidden, dan, erin)):
        for writer, other in ((one, two), (two, one)):
            texts, commitment = write_everything(writer, other, bridge_id)
            words += texts
            commitments.append(commitment)
    share_both(bridge, alice, bob)
    share(alice, half)
    return {
        "bridges": {"shared": bridge, "half": half, "hidden": hidden},
        "words": words,
        "commitment": commitments[0],
        "people": {"alice": alice, "bob": bob, "dan": dan, "erin": erin},
    }


def what_carol_receives(carol: Browser, team: int, written: dict[str, Any]) -> dict[str, str]:
    """Every route that returns anything, and every route on a bridge, as carol."""
    values = {
        "team_id": team,
        "member_id": person_id(written["people"]["alice"]),
        "commitment_id": written["commitment"],
        "request_id": 1,
        "token": MADE_UP_TOKEN,
        "file_path": "app.css",
        "path": "openapi.json",
    }
    body = {"share": True, "text": "carol tries", "act": 1, "commitment": written["commitment"]}
    received = {}
    for (method, template), (kind, _) in ROUTE_TABLE.items():
        if method not in ("GET", "HEAD") and kind != BRIDGE:
            continue  # the rest change carol's own account or team, and read nothing
        for bridge_id in written["bridges"].values():
            path = fill(template, bridge_id=bridge_id, **values)
            response = send(carol, method, path, None if method in ("GET", "HEAD") else body)
            assert response.status_code < 500, path
            received[f"{method} {path}"] = response.text
    return received


def test_no_word_anyone_wrote_reaches_carol_on_any_route(written, team, carol):
    received = what_carol_receives(carol, team, written)
    assert len(received) > 60
    leaked = [
        f"{route}: {word}"
        for route, text in received.items()
        for word in written["words"]
        if word in text
    ]
    assert leaked == []
    # ... while alice, who wrote on the shared bridge, does see her words on it.
    shared = written["bridges"]["shared"]
    alices_page = written["people"]["alice"].get(f"/bridges/{shared}").text
    assert f"alice{shared}-plan-written" in alices_page


def test_the_dashboard_json_carries_only_names_and_numbers(written, team, carol):
    board = carol.api("GET", f"/teams/{team}/dashboard").json()

    def keys(value: Any) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    assert keys(board) <= DASHBOARD_KEYS
    strings = re.findall(r'"([^"]*)"', carol.api("GET", f"/teams/{team}/dashboard").text)
    assert set(strings) - DASHBOARD_KEYS <= {
        "Product Team", "Alice", "Bob", "2026-11-20", "broken", "under_repair", "crossable",
        "solid", board["team_hidden_reason"],
    }  # fmt: skip


def test_carol_sees_only_the_bridge_both_sides_share(written, team, carol):
    board = carol.api("GET", f"/teams/{team}/dashboard").json()
    assert [row["id"] for row in board["bridges"]] == [written["bridges"]["shared"]]
    assert board["team"] is None  # two bridges hidden from her: no team figures
    page = carol.get(f"/teams/{team}/dashboard").text
    csv = carol.get(f"/teams/{team}/dashboard.csv").text
    for pair in ("Alice &amp; Dan", "Dan &amp; Erin"):
        assert pair not in page
    for pair in ("Alice,Dan", "Dan,Erin"):
        assert pair not in csv


def _without_csrf(text: str) -> str:
    return re.sub(r'name="_csrf_token" value="[^"]*"', "", text)


def test_nothing_done_on_a_hidden_bridge_changes_anything_carol_receives(written, team, carol):
    def snapshot() -> list[str]:
        responses = [
            carol.get(f"/teams/{team}/dashboard"),
            carol.api("GET", f"/teams/{team}/dashboard"),
            carol.get(f"/teams/{team}/dashboard.csv"),
        ]
        assert [r.status_code for r in responses] == [200, 200, 200]
        return [_without_csrf(r.text) for r in responses]

    before = snapshot()
    dan, erin = written["people"]["dan"], written["people"]["erin"]
    hidden = written["bridges"]["hidden"]
    for person in (dan, erin):
        promise = commit(person, hidden, "Another promise")
        check_in(person, hidden, promise, "missed")
    act(erin, hidden, "listening", {"summary": "more words"})
    dan.api("POST", f"/bridges/{hidden}/pause", {})
    assert snapshot() == before
