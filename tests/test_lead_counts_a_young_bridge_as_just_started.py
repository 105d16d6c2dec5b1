"""carol's team figures read a bridge in its first days as "just started", as its two
sides and its own row do, never as one more broken bridge."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine

from tests.lead_helpers import build_bridge, dashboard, history, newcomer, share_both

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
MONTH_AGO = date(2026, 10, 21)
TWO_DAYS_AGO = date(2026, 11, 18)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def team_of_four(browser, team, bridge, alice, bob, carol) -> int:
    """Three bridges with a month behind them (one of them broken) and one two days old."""
    dan = newcomer(browser, carol, team, "dan")
    erin = newcomer(browser, carol, team, "erin")
    bridges = [
        (bridge, alice, bob, MONTH_AGO, "k" * 30),
        (build_bridge(alice, dan), alice, dan, MONTH_AGO, "m" * 30),
        (build_bridge(bob, erin), bob, erin, MONTH_AGO, "l" * 30),
        (build_bridge(dan, erin), dan, erin, TWO_DAYS_AGO, "kkk"),
    ]
    for bridge_id, one, two, start, days in bridges:
        history(bridge_id, start, days)
        share_both(bridge_id, one, two)
    return team


def bands_on_page(page: str) -> dict[str, int]:
    return {name: int(count) for name, count in re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page)}


def test_carol_reads_a_two_day_old_bridge_as_just_started_not_broken(team_of_four, carol):
    page = carol.get(f"/teams/{team_of_four}/dashboard").text
    bands = bands_on_page(page)
    assert bands["Just started"] == 1
    assert bands["Broken"] == 1  # alice & dan's month of misses, and only that
    assert sum(bands.values()) == 4
    row = re.search(r"Dan &amp; Erin</th>\s*<td data-label=\"Health\">(.*?)</td>", page)
    assert row and "just started" in row[1]


def test_the_api_and_the_csv_count_it_as_carol_reads_it(team_of_four, carol):
    board = dashboard(carol, team_of_four)
    assert board["team"]["bands"]["just_started"] == 1
    assert board["team"]["bands"]["broken"] == 1
    young = next(r for r in board["bridges"] if r["people"] == ["Dan", "Erin"])
    assert young["band"] == "just_started"
    csv = carol.get(f"/teams/{team_of_four}/dashboard.csv").text
    assert "bridges just started,1" in csv
    assert "bridges broken,1" in csv
