"""Occurrences: each time a commitment falls due has exactly one state."""

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from server.domain import (
    ActKind,
    Cadence,
    Commitment,
    OccurrenceState,
    Pause,
    bridge_days,
    occurrence_for,
    occurrences,
    on_today,
)
from tests.domain.trust_builders import ALICE, BOB, Log, bridge_logs, daily, day

OPEN, KEPT, SECURED = OccurrenceState.OPEN, OccurrenceState.KEPT, OccurrenceState.SECURED
MISSED, REPORTED, LAPSED = OccurrenceState.MISSED, OccurrenceState.REPORTED, OccurrenceState.LAPSED


def states(log: Log, commitments: list[Commitment], today_n: int) -> list[OccurrenceState]:
    return [o.state for o in occurrences(commitments, log.acts, [], day(today_n))]


def test_an_untouched_item_is_open_through_its_grace_day_then_lapses():
    promise = [daily(1, ALICE)]
    assert states(Log(), promise, 0) == [OPEN]
    assert states(Log(), promise, 1) == [OPEN, OPEN]
    assert states(Log(), promise, 2) == [LAPSED, OPEN, OPEN]


def test_kept_becomes_secured_when_bob_confirms():
    log = Log()
    kept = log.kept(ALICE, day(0), 1)
    assert states(log, [daily(1, ALICE)], 0) == [KEPT]
    log.confirm(kept)
    assert states(log, [daily(1, ALICE)], 0) == [SECURED]


def test_a_withdrawn_check_in_leaves_the_item_open_again():
    log = Log()
    log.withdraw(log.kept(ALICE, day(0), 1))
    assert states(log, [daily(1, ALICE)], 0) == [OPEN]


def test_the_first_settling_act_wins_so_a_keep_and_a_report_never_both_count():
    log = Log()
    log.kept(ALICE, day(0), 1)
    log.reported(ALICE, day(0), 1)  # a log written before the rule refused this
    [only] = occurrences([daily(1, ALICE)], log.acts, [], day(3))[:1]
    assert only.state is KEPT
    [alice_day] = bridge_days(log.acts, [daily(1, ALICE)], [], day(0), day(0))[ALICE]
    assert (alice_day.planks, alice_day.missed) == (1, 0)


def test_a_report_by_alice_herself_settles_nothing():
    log = Log()
    log.add(ActKind.MISSED_PARTNER, ALICE, ALICE, day(0), commitment=1)  # a buggy client
    assert states(log, [daily(1, ALICE)], 0) == [OPEN]


def test_nothing_falls_due_on_a_paused_day():
    pause = Pause(BOB, day(1), day(1))
    found = occurrences([daily(1, ALICE)], [], [pause], day(2))
    assert [o.due for o in found] == [day(0), day(2)]
    assert occurrence_for(daily(1, ALICE), [], [pause], day(1), day(2)) is None


def test_a_one_off_is_open_from_its_start_and_kept_any_day_before_its_date():
    once = Commitment(1, ALICE, Cadence.ONCE, day(0), due_by=day(4))
    assert [o.state for o in occurrences([once], [], [], day(0))] == [OPEN]
    assert [o.due for o in on_today(occurrences([once], [], [], day(0)), day(0))] == [day(4)]
    log = Log()
    log.kept(ALICE, day(1), 1)
    [done] = occurrences([once], log.acts, [], day(9))
    assert (done.state, done.charged_on) == (KEPT, day(1))
    assert occurrence_for(once, log.acts, [], day(2), day(2)) == done
    assert on_today([done], day(3)) == []  # done days ago: not today's news


def test_a_one_off_nobody_kept_lapses_after_its_date_and_grace_day():
    once = Commitment(1, ALICE, Cadence.ONCE, day(0), due_by=day(2))
    assert [o.state for o in occurrences([once], [], [], day(3))] == [OPEN]
    assert [o.state for o in occurrences([once], [], [], day(4))] == [LAPSED]


def test_today_shows_todays_items_and_only_yesterdays_open_ones():
    log = Log()
    log.kept(ALICE, day(1), 1)
    log.kept(ALICE, day(2), 1)
    found = occurrences([daily(1, ALICE), daily(2, ALICE)], log.acts, [], day(2))
    shown = {(o.commitment_id, o.due, o.state) for o in on_today(found, day(2))}
    assert shown == {(1, day(2), KEPT), (2, day(2), OPEN), (2, day(1), OPEN)}


@given(bridge_logs(), st.integers(min_value=0, max_value=25))
def test_every_occurrence_has_one_state_and_names_its_owner(drawn, today_n):
    log, commitments = drawn
    today = day(today_n)
    found = occurrences(commitments, log.acts, [], today)
    owners = {c.id: c.owner for c in commitments}
    assert len({(o.commitment_id, o.due) for o in found}) == len(found)
    for o in found:
        assert o.owner == owners[o.commitment_id]
        if o.act is not None:
            assert o.act.owner == o.owner
            assert o.act.commitment_id == o.commitment_id
        assert (o.state is LAPSED) == (o.act is None and o.due < today - timedelta(days=1))


@given(bridge_logs(), st.integers(min_value=0, max_value=25))
def test_a_day_is_charged_no_more_misses_than_its_occurrences(drawn, today_n):
    log, commitments = drawn
    today = day(today_n)
    found = occurrences(commitments, log.acts, [], today)
    ledger = bridge_days(log.acts, commitments, [], day(0), today)
    for side, days in ledger.items():
        for entry in days:
            mine = [o for o in found if o.owner == side and o.charged_on == entry.day]
            assert entry.missed == sum(o.state in (MISSED, REPORTED, LAPSED) for o in mine)
            assert entry.checked_in <= entry.due
