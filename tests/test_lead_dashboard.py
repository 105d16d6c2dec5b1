"""Carol's dashboard: each shared bridge's health at a glance, who needs support, the CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from tests.lead_helpers import build_bridge, dashboard, history, newcomer, share, share_both
from tests.repair_helpers import state

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen():
    """Everyone signs up, and everything happens, on a fixed Friday."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def days_before_today(n: int) -> date:
    return TODAY - timedelta(days=n)


def test_carol_sees_health_trend_planks_last_act_and_pause_of_a_shared_bridge(
    team, bridge, alice, bob, carol
):
    history(bridge, days_before_today(20), "k" * 20)  # every day kept and confirmed, to yesterday
    share_both(bridge, alice, bob)
    [row] = dashboard(carol, team)["bridges"]
    seen_by_alice = state(alice, bridge)
    assert row["health"] == seen_by_alice["health"] > 50
    assert row["band"] == seen_by_alice["band"]
    assert len(row["trend"]) == 15 and row["trend"][-1] == row["health"]
    assert row["trend"] == sorted(row["trend"])  # rising all the way
    assert (row["planks_laid"], row["planks_secured"]) == (40, 40)
    assert row["days_since_last_act"] == 1
    assert row["paused"] is False
    assert row["needs_support"] is False
    bob.api("POST", f"/bridges/{bridge}/pause", {})
    assert dashboard(carol, team)["bridges"][0]["paused"] is True
    page = carol.get(f"/teams/{team}/dashboard").text
    assert "Alice &amp; Bob" in page and "<polyline" in page and "yesterday" in page


def test_a_bridge_that_lost_15_points_in_14_days_needs_support(team, bridge, alice, bob, carol):
    history(bridge, days_before_today(40), "k" * 36 + "pppp")
    share_both(bridge, alice, bob)
    [row] = dashboard(carol, team)["bridges"]
    assert row["fall"] >= 15
    assert row["needs_support"] is True
    assert dashboard(carol, team)["needs_support"] == [bridge]
    page = carol.get(f"/teams/{team}/dashboard").text
    assert f"health fell {row['fall']} points in 14 days" in page


def test_a_bridge_that_slipped_a_little_does_not_need_support(team, bridge, alice, bob, carol):
    history(bridge, days_before_today(40), "k" * 39 + "m")
    share_both(bridge, alice, bob)
    [row] = dashboard(carol, team)["bridges"]
    assert 0 < row["fall"] < 15
    assert row["needs_support"] is False
    assert "No shared bridge lost 15 points" in carol.get(f"/teams/{team}/dashboard").text


def test_carol_is_offered_support_for_dan_and_erin_broken_for_weeks(browser, team, carol):
    dan = newcomer(browser, carol, team, "dan")
    erin = newcomer(browser, carol, team, "erin")
    long_broken = build_bridge(dan, erin)
    history(long_broken, days_before_today(30), "m" * 30)
    share_both(long_broken, dan, erin)
    [row] = dashboard(carol, team)["bridges"]
    assert row["health"] == 0 and row["band"] == "broken" and row["fall"] == 0
    assert row["needs_support"] is True
    assert dashboard(carol, team)["needs_support"] == [long_broken]
    page = carol.get(f"/teams/{team}/dashboard").text
    assert "Dan &amp; Erin</strong> — broken on each of the last 14 days, at 0 today." in page
    assert "Broken for two weeks: ask Dan and Erin whether their plan asks too much" in page
    csv_row = list(csv.reader(io.StringIO(carol.get(f"/teams/{team}/dashboard.csv").text)))[4]
    assert csv_row[:2] == ["Dan", "Erin"] and csv_row[9] == "yes, broken for 14 days"


def test_a_broken_bridge_that_has_just_started_is_not_flagged(browser, team, carol):
    dan = newcomer(browser, carol, team, "dan")
    erin = newcomer(browser, carol, team, "erin")
    young = build_bridge(dan, erin)
    history(young, days_before_today(3), "mmm")
    share_both(young, dan, erin)
    [row] = dashboard(carol, team)["bridges"]
    assert row["band"] == "just_started" and row["health"] < 25
    assert row["needs_support"] is False
    assert "No shared bridge lost 15 points" in carol.get(f"/teams/{team}/dashboard").text


def test_a_bridge_that_climbed_out_of_broken_in_the_last_14_days_is_not_flagged(
    team, bridge, alice, bob, carol
):
    history(bridge, days_before_today(30), "m" * 16 + "k" * 14)
    share_both(bridge, alice, bob)
    [row] = dashboard(carol, team)["bridges"]
    assert row["trend"][0] < 25 <= row["health"]  # broken at the window's start, not now
    assert row["needs_support"] is False
    assert dashboard(carol, team)["needs_support"] == []


def test_bridges_are_listed_by_name_never_by_health(browser, team, bridge, alice, bob, carol):
    dan = newcomer(browser, carol, team, "dan")
    zoe = newcomer(browser, carol, team, "zoe")
    strong = build_bridge(zoe, alice)
    weak = build_bridge(bob, dan)
    history(strong, days_before_today(30), "k" * 30)
    history(weak, days_before_today(30), "m" * 30)
    history(bridge, days_before_today(30), "l" * 30)
    share_both(bridge, alice, bob)
    share_both(strong, zoe, alice)
    share_both(weak, bob, dan)
    rows = dashboard(carol, team)["bridges"]
    assert [r["people"] for r in rows] == [["Alice", "Bob"], ["Zoe", "Alice"], ["Bob", "Dan"]]
    assert [r["health"] for r in rows] != sorted(r["health"] for r in rows)


def test_the_csv_holds_exactly_what_the_dashboard_shows(browser, team, bridge, alice, bob, carol):
    dan = newcomer(browser, carol, team, "dan")
    other = build_bridge(alice, dan)
    history(bridge, days_before_today(40), "k" * 36 + "pppp")
    history(other, days_before_today(5), "lllll")
    share_both(bridge, alice, bob)
    share_both(other, alice, dan)
    response = carol.get(f"/teams/{team}/dashboard.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.text)))
    shown = dashboard(carol, team)
    assert rows[0] == ["Bridgework team dashboard", "Product Team", "2026-11-20"]
    bridge_rows = rows[4 : 4 + len(shown["bridges"])]
    for row, figures in zip(bridge_rows, shown["bridges"], strict=True):
        band = figures["band"].replace("_", " ")
        assert row[:4] == [*figures["people"], str(figures["health"]), band]
        assert row[4] == " ".join(map(str, figures["trend"]))
        assert row[5:8] == [
            str(figures["planks_laid"]),
            str(figures["planks_secured"]),
            str(figures["days_since_last_act"]),
        ]
        assert row[9].startswith("yes") == figures["needs_support"]
    # Two bridges, both shared: under the minimum of three, so no team figures.
    assert shown["team"] is None
    assert rows[-1][0] == "hidden"


def test_a_name_that_looks_like_a_formula_is_written_as_text(browser, team, alice, carol):
    eve = browser("eve")
    eve.sign_up(display_name="=HYPERLINK(1)")
    from tests.conftest import join_team

    join_team(carol, team, eve)
    shared = build_bridge(alice, eve)
    share_both(shared, alice, eve)
    text = carol.get(f"/teams/{team}/dashboard.csv").text
    assert "'=HYPERLINK(1)" in text


def test_carol_raises_the_minimum_for_team_figures_but_never_below_3(team, alice, carol):
    assert dashboard(carol, team)["min_bridges"] == 3
    raised = carol.api("PUT", f"/teams/{team}/dashboard/settings", {"min_bridges": 5})
    assert raised.status_code == 200 and raised.json()["min_bridges"] == 5
    lowered = carol.api("PUT", f"/teams/{team}/dashboard/settings", {"min_bridges": 2})
    assert lowered.status_code == 400
    assert "from 3 to 100" in lowered.json()["errors"]["min_bridges"]
    page = carol.post(f"/teams/{team}/dashboard/settings", {"min_bridges": "lots"})
    assert page.status_code == 400 and "from 3 to 100" in page.text
    saved = carol.post(f"/teams/{team}/dashboard/settings", {"min_bridges": "4"})
    assert saved.headers["location"] == f"/teams/{team}/dashboard?saved=1#privacy"
    assert dashboard(carol, team)["min_bridges"] == 4
    refused = alice.api("PUT", f"/teams/{team}/dashboard/settings", {"min_bridges": 3})
    assert refused.status_code == 403
    assert dashboard(carol, team)["min_bridges"] == 4


def test_the_team_page_links_carol_and_only_carol_to_the_dashboard(team, alice, carol):
    assert f'href="/teams/{team}/dashboard"' in carol.get(f"/teams/{team}").text
    assert f'href="/teams/{team}/dashboard"' not in alice.get(f"/teams/{team}").text
    assert alice.get(f"/teams/{team}/dashboard").status_code == 403


def test_a_bridge_someone_shares_after_leaving_the_team_is_not_shown(
    team, bridge, alice, bob, carol
):
    share_both(bridge, alice, bob)
    assert bob.api("POST", f"/teams/{team}/leave").status_code == 204
    assert dashboard(carol, team)["bridges"] == []
    share(alice, bridge)
    assert dashboard(carol, team)["bridges"] == []
