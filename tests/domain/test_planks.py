import pytest
from hypothesis import given
from hypothesis import strategies as st
from trust_builders import ALICE, BOB, Log, day

from server.domain import (
    PlankState,
    Side,
    bridge_progress,
    completed_on,
    day_planks,
    half_needed,
    planks,
)


def lay_days(log: Log, side: Side, days: range, *, secured: bool = False) -> None:
    for n in days:
        (log.secured if secured else log.kept)(side, day(n))


def test_a_logged_keep_is_laid_and_a_confirmed_one_secured():
    log = Log()
    laid = log.kept(ALICE, day(0))
    secured = log.secured(BOB, day(0))
    assert {(p.act_id, p.state) for p in planks(log.acts)} == {
        (laid.id, PlankState.LAID),
        (secured.id, PlankState.SECURED),
    }


def test_listening_and_owned_mistakes_lay_planks_too():
    log = Log()
    log.listened(ALICE, day(0))
    log.owned_mistake(BOB, day(0))
    assert [p.state for p in planks(log.acts)] == [PlankState.LAID, PlankState.LAID]


def test_an_owned_miss_cracks_a_plank_and_a_reported_one_breaks_it():
    log = Log()
    log.missed(ALICE, day(0))
    log.reported(BOB, day(0))
    assert {(p.side, p.state) for p in planks(log.acts)} == {
        (ALICE, PlankState.CRACKED),
        (BOB, PlankState.BROKEN),
    }


def test_a_day_with_a_keep_and_a_miss_still_lays_its_plank():
    log = Log()
    log.kept(ALICE, day(0))
    log.missed(ALICE, day(0))
    assert day_planks(log.acts) == {(ALICE, day(0)): PlankState.LAID}
    assert bridge_progress(log.acts).planks[ALICE] == 1


def test_misses_never_count_toward_the_span():
    log = Log()
    for n in range(20):
        log.missed(ALICE, day(n))
        log.reported(BOB, day(n))
    progress = bridge_progress(log.acts)
    assert progress.planks == {ALICE: 0, BOB: 0}
    assert progress.percent == 0


@given(st.lists(st.sampled_from(["kept", "secured", "listened", "mistake"]), min_size=1))
def test_many_planks_on_one_day_count_once(kinds):
    log = Log()
    for kind in kinds:
        {
            "kept": log.kept,
            "secured": log.secured,
            "listened": log.listened,
            "mistake": log.owned_mistake,
        }[kind](ALICE, day(0))
    progress = bridge_progress(log.acts)
    assert progress.planks[ALICE] == 1
    assert progress.secured[ALICE] == ("secured" in kinds)


@given(st.lists(st.integers(0, 60)), st.integers(1, 61))
def test_one_side_alone_never_completes_a_bridge(days, span):
    log = Log()
    for n in days:
        log.secured(ALICE, day(n))
    progress = bridge_progress(log.acts, span)
    assert not progress.complete
    assert progress.percent <= 50
    assert 100 not in progress.milestones
    assert completed_on(log.acts, span) is None


@given(st.integers(0, 40), st.integers(0, 40), st.integers(1, 60))
def test_the_bridge_completes_exactly_when_both_halves_meet(a_days, b_days, span):
    log = Log()
    lay_days(log, ALICE, range(a_days))
    lay_days(log, BOB, range(b_days))
    progress = bridge_progress(log.acts, span)
    half = half_needed(span)
    assert progress.complete == (a_days >= half and b_days >= half)
    assert (progress.percent == 100) == progress.complete
    assert progress.planks == {ALICE: a_days, BOB: b_days}


def test_each_half_needs_half_the_span_rounded_up():
    assert half_needed(30) == 15
    assert half_needed(31) == 16
    assert half_needed(1) == 1


def test_a_span_must_hold_at_least_one_plank():
    with pytest.raises(ValueError, match="span"):
        bridge_progress([], 0)


def test_milestones_mark_each_quarter_of_the_span():
    log = Log()
    lay_days(log, ALICE, range(15))
    assert bridge_progress(log.acts).milestones == (25, 50)
    lay_days(log, BOB, range(8))
    assert bridge_progress(log.acts).milestones == (25, 50, 75)
    lay_days(log, BOB, range(8, 15))
    progress = bridge_progress(log.acts)
    assert progress.milestones == (25, 50, 75, 100)
    assert progress.complete


def test_the_bridge_completes_on_the_day_the_later_half_reaches_the_middle():
    log = Log()
    lay_days(log, ALICE, range(15))
    lay_days(log, BOB, range(10, 25))
    assert completed_on(log.acts) == day(24)


def test_withdrawn_planks_are_not_counted():
    log = Log()
    log.withdraw(log.kept(ALICE, day(0)))
    assert planks(log.acts) == []
    assert bridge_progress(log.acts).planks[ALICE] == 0
