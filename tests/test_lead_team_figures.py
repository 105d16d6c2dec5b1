"""Team figures cover every bridge, shared or not, but never single one out: at least 3
bridges (more if the team says so), and never while one or two are hidden from carol."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import time_machine

from tests.conftest import Browser
from tests.lead_helpers import build_bridge, dashboard, history, newcomer, share, share_both

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
START = date(2026, 10, 21)  # 30 days before the 20th


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@dataclass
class Team:
    id: int
    bridges: dict[str, int]  # "alice-bob" -> bridge id
    people: dict[str, Browser]

    def share(self, *names: str) -> None:
        for name in names:
            a, b = name.split("-")
            share_both(self.bridges[name], self.people[a], self.people[b])

    def unshare(self, name: str) -> None:
        share(self.people[name.split("-")[0]], self.bridges[name], on=False)


@pytest.fixture
def four(browser, team, bridge, alice, bob, carol) -> Team:
    """Four bridges on carol's team, each with a month of its own history."""
    dan = newcomer(browser, carol, team, "dan")
    erin = newcomer(browser, carol, team, "erin")
    bridges = {
        "alice-bob": bridge,
        "alice-dan": build_bridge(alice, dan),
        "bob-erin": build_bridge(bob, erin),
        "dan-erin": build_bridge(dan, erin),
    }
    patterns = ["k" * 30, "l" * 30, "kkm" * 10, "m" * 30]
    for bridge_id, days in zip(bridges.values(), patterns, strict=True):
        history(bridge_id, START, days)
    people = {"alice": alice, "bob": bob, "dan": dan, "erin": erin}
    return Team(team, bridges, people)


def test_team_figures_show_over_all_bridges_once_all_are_shared(four, carol):
    four.share(*four.bridges)
    board = dashboard(carol, four.id)
    healths = sorted(row["health"] for row in board["bridges"])
    assert board["team"]["bridges"] == 4
    assert board["team"]["median_health"] == math.floor((healths[1] + healths[2]) / 2 + 0.5)
    assert sum(board["team"]["bands"].values()) == 4
    assert board["team"]["trend"][-1] == board["team"]["median_health"]
    assert len(board["team"]["trend"]) == 30
    assert "median health over all 4 bridges" in carol.get(f"/teams/{four.id}/dashboard").text


@pytest.mark.parametrize("hidden", [1, 2])
def test_one_or_two_hidden_bridges_hide_the_team_figures(four, carol, hidden):
    four.share(*four.bridges)
    for name in list(four.bridges)[:hidden]:
        four.unshare(name)
    board = dashboard(carol, four.id)
    assert board["team"] is None
    assert "cannot single out a bridge" in board["team_hidden_reason"]
    assert len(board["bridges"]) == 4 - hidden
    page = carol.get(f"/teams/{four.id}/dashboard").text
    assert "cannot single out a bridge" in page and "median health over all" not in page


def test_with_three_hidden_bridges_the_figures_show_again(four, carol):
    four.share("alice-bob")
    board = dashboard(carol, four.id)
    assert len(board["bridges"]) == 1
    assert board["team"]["bridges"] == 4


def test_with_nothing_shared_carol_sees_only_the_team_as_a_whole(four, carol):
    board = dashboard(carol, four.id)
    assert board["bridges"] == [] and board["needs_support"] == []
    assert board["team"]["bridges"] == 4


def test_two_bridges_are_too_few_for_team_figures_even_when_shared(team, bridge, alice, bob, carol):
    share_both(bridge, alice, bob)
    assert dashboard(carol, team)["team"] is None


def test_a_bridge_carol_is_a_side_of_is_never_hidden_from_her(
    browser, team, bridge, alice, bob, carol
):
    dan = newcomer(browser, carol, team, "dan")
    others = [build_bridge(alice, dan), build_bridge(bob, dan)]
    share_both(bridge, alice, bob)
    for other, people in zip(others, [(alice, dan), (bob, dan)], strict=True):
        share_both(other, *people)
    build_bridge(carol, alice)  # unshared, but carol knows it: nothing to work out
    board = dashboard(carol, team)
    assert len(board["bridges"]) == 3
    assert board["team"]["bridges"] == 4


def test_the_team_can_raise_the_minimum_but_not_lower_it(four, carol):
    four.share(*four.bridges)
    carol.api("PUT", f"/teams/{four.id}/dashboard/settings", {"min_bridges": 5})
    assert dashboard(carol, four.id)["team"] is None
    carol.api("PUT", f"/teams/{four.id}/dashboard/settings", {"min_bridges": 4})
    assert dashboard(carol, four.id)["team"]["bridges"] == 4


def test_the_trend_leaves_out_days_when_it_could_single_a_bridge_out(browser, four, carol):
    four.share("alice-bob", "alice-dan")  # bob-erin and dan-erin hidden: two, so no figures
    assert dashboard(carol, four.id)["team"] is None
    frank = newcomer(browser, carol, four.id, "frank")
    history(build_bridge(frank, four.people["alice"]), date(2026, 11, 10), "k" * 10)
    team = dashboard(carol, four.id)["team"]
    # Three hidden today, but before frank's bridge began only two were: those days
    # would give them away, so the trend starts with frank's first day.
    assert team["bridges"] == 5
    assert len(team["trend"]) == 11 and None not in team["trend"]
