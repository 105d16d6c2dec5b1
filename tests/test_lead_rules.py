"""The lead's rules without a database: what may be shown, needs support, the CSV."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from server.domain.health import FIRST_DAYS, Band, just_started
from server.lead import rules
from server.lead.rules import Figures, TeamBridge

TODAY = date(2026, 11, 20)


def bridge(
    n: int, scores: list[int], shared: bool = True, lead_is_side: bool = False
) -> TeamBridge:
    figures = Figures(scores, paused=False, laid=len(scores), secured=0, last_act_day=TODAY)
    return TeamBridge(n, (f"P{n}", f"Q{n}"), shared, lead_is_side, figures)


# ---------------------------------------------------------------- the minimum and subtraction


def test_team_figures_need_three_bridges_and_a_team_can_only_raise_that():
    assert rules.minimum_bridges(None) == 3
    assert rules.minimum_bridges(1) == 3
    assert rules.minimum_bridges(7) == 7
    assert not rules.figures_allowed(2, 0, 3)
    assert rules.figures_allowed(3, 0, 3)
    assert not rules.figures_allowed(6, 0, 7)
    assert not rules.figures_allowed(2, 0, 1)  # a minimum below 3 is never honoured


def test_one_or_two_hidden_bridges_hide_everything_zero_or_three_do_not():
    allowed = {hidden: rules.figures_allowed(10, hidden, 3) for hidden in range(6)}
    assert allowed == {0: True, 1: False, 2: False, 3: True, 4: True, 5: True}


@given(st.lists(st.booleans(), min_size=1, max_size=12))
def test_no_single_hidden_bridge_can_be_worked_out_by_subtraction(shared):
    """Whenever figures show, the hidden bridges are none or at least three."""
    bridges = [bridge(n, [50 + n], s) for n, s in enumerate(shared)]
    figures = rules.team_figures(bridges, 3)
    hidden = shared.count(False)
    if figures is not None:
        assert hidden == 0 or hidden >= 3
        assert figures.bridges == len(shared) >= 3


def test_a_bridge_the_lead_is_a_side_of_is_not_hidden_from_her():
    bridges = [bridge(1, [40]), bridge(2, [50]), bridge(3, [60], shared=False, lead_is_side=True)]
    assert rules.team_figures(bridges, 3) is not None


def test_the_trend_has_a_point_only_on_days_with_enough_bridges():
    old = [bridge(n, [50] * 30, shared=n == 0) for n in range(3)]  # 2 hidden: never allowed
    new = bridge(9, [70] * 5, shared=False)  # a third hidden bridge, 5 days old
    assert rules.team_trend(old, 3) == []
    assert rules.team_trend([*old, new], 3) == [50] * 5  # the median of 50, 50, 50, 70


# ---------------------------------------------------------------- the numbers


def test_the_median_rounds_halves_up_as_health_does():
    assert rules.median([40, 51]) == 46
    assert rules.median([10, 20, 90]) == 20


def test_band_counts_list_every_band_from_broken_to_solid():
    assert rules.band_counts([0, 24, 25, 74, 75, 100]) == {
        Band.BROKEN: 2,
        Band.UNDER_REPAIR: 1,
        Band.CROSSABLE: 1,
        Band.SOLID: 2,
    }


def test_needs_support_looks_at_the_fall_from_the_windows_highest_score():
    assert rules.fall([80] * 20 + [65]) == 15
    assert rules.fall([40, 60, 80, 64]) == 16  # climbed, then fell hard
    assert rules.fall([90] + [50] * 15) == 0  # the high point is older than 14 days
    assert rules.fall([]) == 0


def test_a_bridge_broken_on_each_of_the_last_14_days_needs_support():
    assert rules.needs_support([0] * 30) is rules.Support.BROKEN
    assert rules.needs_support([60] * 15 + [24] * 15) is rules.Support.BROKEN  # fell long ago
    assert rules.needs_support([80] * 20 + [65]) is rules.Support.FELL
    assert rules.needs_support([24, 10] + [5] * 12) is rules.Support.FELL  # fell, and broken


def test_a_bridge_out_of_broken_on_any_day_of_the_14_is_moving_and_not_flagged():
    assert rules.needs_support([0] * 20 + [25] + [20] * 9) is None  # up one day, then 5 down
    assert rules.needs_support([26] + [14] * 13) is None  # out of broken 13 days ago
    assert rules.needs_support([0] * 13) is None  # broken, but not yet for two weeks


def test_a_young_broken_bridge_has_just_started_and_is_never_flagged_for_it():
    young = [0] * 5
    assert just_started(young)
    assert rules.needs_support(young, window=len(young)) is None
    assert rules.needs_support([0] * FIRST_DAYS, window=FIRST_DAYS) is rules.Support.BROKEN


def test_the_suggestion_for_a_long_broken_bridge_says_so_and_offers_no_data():
    long_broken = bridge(1, [0] * 30)
    fallen = bridge(2, [80] * 20 + [60])
    board = rules.dashboard(1, "Team", [long_broken, fallen], TODAY)
    broken_row, fallen_row = board.rows
    assert board.needs_support == [broken_row, fallen_row]
    first = rules.support_suggestions(broken_row)[0]
    assert first.startswith("Broken for two weeks: ask P1 and Q1 whether their plan")
    assert not any("Broken" in s for s in rules.support_suggestions(fallen_row))
    rows = rules.csv_rows(board)
    assert rows[4][-1] == "yes, broken for 14 days"
    assert rows[5][-1] == "yes, fell 20 points"


def test_bridges_are_listed_by_name_not_by_health():
    bridges = [
        TeamBridge(1, ("Zoe", "Yan"), True, False, Figures([90], False, 0, 0, None)),
        TeamBridge(2, ("Bob", "Amy"), True, False, Figures([10], False, 0, 0, None)),
        TeamBridge(3, ("Cal", "Dee"), True, False, Figures([50], False, 0, 0, None)),
    ]
    board = rules.dashboard(7, "Team", bridges, TODAY)
    assert [r.names for r in board.rows] == [("Bob", "Amy"), ("Cal", "Dee"), ("Zoe", "Yan")]
    assert board.rows[0].days_since_last_act is None


# ---------------------------------------------------------------- drawing and the CSV


def test_a_line_breaks_where_a_day_has_no_point():
    assert rules.polylines([0, 100], 100, 24) == ["0.0,22.0 100.0,2.0"]
    assert len(rules.polylines([10, 20, None, 30, 40], 100, 24)) == 2
    assert rules.polylines([10, None, 30], 100, 24) == []
    assert rules.polylines([50], 100, 24) == []


def test_the_csv_says_why_team_figures_are_hidden_without_saying_which_rule():
    board = rules.dashboard(1, "Product Team", [bridge(1, [50]), bridge(2, [60])], TODAY)
    rows = rules.csv_rows(board)
    assert rows[0] == ["Bridgework team dashboard", "Product Team", "2026-11-20"]
    assert rows[-1][0] == "hidden"
    assert "at least 3 bridges" in rows[-1][1] and "not shared" in rows[-1][1]


def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text():
    figures = Figures([50], False, 0, 0, None)
    sneaky = TeamBridge(1, ("=cmd()", "+1"), True, False, figures)
    rows = rules.csv_rows(rules.dashboard(1, "@team", [sneaky], TODAY))
    assert rows[0][1] == "'@team"
    assert rows[4][:2] == ["'=cmd()", "'+1"]
