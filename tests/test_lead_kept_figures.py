"""The dashboard keeps each bridge's derived figures between visits, yet always shows
them as they are now: after a new act, a late one, a pause, a retired commitment, a
new day, or a stretch off the team."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from server.lead import service
from server.lead.tables import BridgeFigures
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


def test_an_act_whose_id_was_taken_before_a_visit_shows_once_it_is_committed(team, shared, carol):
    """On PostgreSQL an act can commit after one with a larger id: it is still found."""
    figures(carol, team)
    newest = run(TrustAct.select(TrustAct.id).order_by(TrustAct.id, ascending=False).first())
    gap = newest["id"] + 5
    late = {"bridge": shared, "author_side": "b", "owner_side": "b", "day": TODAY}
    mistake = {"kind": "mistake", "created_at": NOW, **late}
    run(TrustAct.insert(TrustAct(id=gap + 5, **mistake)))  # committed first
    assert figures(carol, team)["planks_laid"] == 21
    run(TrustAct.insert(TrustAct(id=gap, **mistake)))  # its id came first
    figures(carol, team)
    kept = run(BridgeFigures.select(BridgeFigures.log_count, BridgeFigures.log_max).first())
    acts = run(TrustAct.count().where(TrustAct.bridge == shared))
    assert (kept["log_count"], kept["log_max"]) == (acts, gap + 5)


def test_a_pause_or_a_retired_commitment_shows_at_once(team, shared, alice, bob, carol):
    assert figures(carol, team)["paused"] is False
    bob.api("POST", f"/bridges/{shared}/pause", {})
    assert figures(carol, team)["paused"] is True
    bob.api("POST", f"/bridges/{shared}/resume")
    promise = commit(alice, shared, "A second promise")
    before = run(BridgeFigures.select(BridgeFigures.fingerprint).first())
    alice.api("POST", f"/bridges/{shared}/commitments/{promise}/retire")
    figures(carol, team)
    assert run(BridgeFigures.select(BridgeFigures.fingerprint).first()) != before


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
    for _ in range(3):  # visits while it is away: the horizon moves past the check-in
        dashboard(carol, team)
    run(Bridge.update({Bridge.status: "active"}).where(Bridge.id == shared))
    assert figures(carol, team)["planks_laid"] == 21


def test_warming_derives_todays_figures_before_carol_visits(team, bridge, alice, bob, carol):
    history(bridge, TODAY - timedelta(days=20), "k" * 20)
    assert run(service.warm()) == 1
    kept = run(BridgeFigures.select(BridgeFigures.as_of, BridgeFigures.laid))
    assert kept == [{"as_of": TODAY, "laid": 40}]
    share_both(bridge, alice, bob)
    assert figures(carol, team)["planks_laid"] == 40
