"""The dashboard shows each bridge's figures as they are now, whatever the derivation
cache kept from earlier visits: after a new act, one written straight to the database,
a pause, a retired commitment, a new day, or a stretch off the team."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from server import domain as d
from server.lead import figures as lead_figures
from server.repair import state
from server.tables import Bridge, TrustAct
from tests.conftest import run
from tests.lead_helpers import dashboard, history, share_both
from tests.repair_helpers import act, check_in, commit

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shared(team, bridge, alice, bob) -> int:
    """alice and bob share their bridge, which has ten good days behind it."""
    history(bridge, TODAY - timedelta(days=10), "k" * 10)
    share_both(bridge, alice, bob)
    return bridge


def figures(carol, team) -> dict:
    return dashboard(carol, team)["bridges"][0]


def test_a_new_act_shows_on_the_next_visit(team, shared, bob, carol):
    assert figures(carol, team)["planks_laid"] == 20
    check_in(bob, shared, commit(bob, shared, "Reply the same day"), "kept")
    assert figures(carol, team)["planks_laid"] == 21
    assert figures(carol, team)["days_since_last_act"] == 0


def fresh(team: int, bridge_id: int) -> dict:
    """The figures a derivation straight from the stored log gives, with no cache."""
    [row] = [r for r in run(state.team_rows(team)) if r["id"] == bridge_id]
    [data] = run(state.load_many([row], with_plan=False))
    derivation = d.derive_bridge(data.acts, data.commitments, data.pauses, TODAY, keep=30)
    kept = lead_figures.figures_of(derivation)
    return {"planks_laid": kept.laid, "health": kept.scores[-1], "paused": kept.paused}


def seen(carol, team) -> dict:
    shown = figures(carol, team)
    return {
        "planks_laid": shown["planks_laid"],
        "health": shown["health"],
        "paused": shown["paused"],
    }


def test_an_act_written_straight_to_the_database_shows_on_the_next_visit(team, shared, carol):
    """Any code that writes the log (a script, a restore) moves the figures on: the
    bridge's version is raised by the database itself."""
    assert figures(carol, team)["planks_laid"] == 20
    late = {"bridge": shared, "author_side": "b", "owner_side": "b", "day": TODAY}
    run(TrustAct.insert(TrustAct(kind="mistake", created_at=NOW, **late)))
    assert figures(carol, team)["planks_laid"] == 21
    assert seen(carol, team) == fresh(team, shared)


def test_a_pause_or_a_retired_commitment_shows_at_once(team, shared, alice, bob, carol):
    assert figures(carol, team)["paused"] is False
    bob.api("POST", f"/bridges/{shared}/pause", {})
    assert figures(carol, team)["paused"] is True
    bob.api("POST", f"/bridges/{shared}/resume")
    promise = commit(alice, shared, "A second promise")
    assert seen(carol, team) == fresh(team, shared)
    alice.api("POST", f"/bridges/{shared}/commitments/{promise}/retire")
    assert seen(carol, team) == fresh(team, shared)


def test_the_figures_move_on_with_the_days_even_when_nobody_acts(team, shared, carol, frozen):
    before = figures(carol, team)
    frozen.shift(timedelta(days=3))
    after = figures(carol, team)
    assert after["days_since_last_act"] == before["days_since_last_act"] + 3
    assert len(after["trend"]) == len(before["trend"]) + 3  # the bridge is 3 days older
    assert after["trend"][: len(before["trend"])] == before["trend"]


def test_acts_logged_while_a_bridge_was_off_the_dashboard_count_when_it_returns(
    team, shared, alice, bob, carol
):
    assert figures(carol, team)["planks_laid"] == 20
    run(Bridge.update({Bridge.status: "archived"}).where(Bridge.id == shared))
    assert dashboard(carol, team)["bridges"] == []
    run(Bridge.update({Bridge.status: "active"}).where(Bridge.id == shared))
    owned = {"what_happened": "I forgot", "my_part": "Mine", "differently": "Ask first"}
    assert act(bob, shared, "mistakes", owned).status_code == 201  # a plank, no commitment
    run(Bridge.update({Bridge.status: "archived"}).where(Bridge.id == shared))
    for _ in range(3):  # visits while it is away
        dashboard(carol, team)
    run(Bridge.update({Bridge.status: "active"}).where(Bridge.id == shared))
    assert figures(carol, team)["planks_laid"] == 21
