from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from trust_builders import ALICE, BOB, MONDAY, Log, daily, day

from server.domain import (
    Cadence,
    Commitment,
    DayCheck,
    Pause,
    best_streak,
    checkins,
    current_streak,
    merge_checkins,
    streak_across,
    streak_span,
)

ALICE_DAILY = [daily(1, ALICE)]


def streak(log: Log, today: int, commitments=ALICE_DAILY, pauses=()) -> int:
    record = checkins(log.acts, commitments, pauses, ALICE, day(today))
    return current_streak(record, day(today))


def keep_days(log: Log, days, commitment: int = 1) -> None:
    for n in days:
        log.kept(ALICE, day(n), commitment)


def test_a_streak_counts_the_days_everything_due_was_checked_in():
    log = Log()
    keep_days(log, range(10))
    assert streak(log, 9) == 10


def test_owning_up_to_a_miss_keeps_the_streak_alive():
    log = Log()
    keep_days(log, [*range(5), *range(6, 10)])
    log.missed(ALICE, day(5), 1)
    assert streak(log, 9) == 10


def test_an_item_left_unchecked_past_its_grace_window_breaks_the_streak():
    log = Log()
    keep_days(log, [*range(5), *range(6, 10)])
    assert streak(log, 9) == 4


def test_a_miss_only_the_partner_reported_breaks_the_streak_once_grace_closes():
    log = Log()
    keep_days(log, [*range(5), *range(6, 10)])
    log.reported(ALICE, day(5), 1)
    assert streak(log, 6) == 6  # day 5 is yesterday: Alice can still check it in
    assert streak(log, 9) == 4


def test_today_and_yesterday_waiting_to_be_checked_in_do_not_break_it():
    log = Log()
    keep_days(log, range(8))
    assert streak(log, 9) == 8


def test_days_with_nothing_due_neither_count_nor_break_it():
    mon_wed_fri = [Commitment(1, ALICE, Cadence.WEEKDAYS, MONDAY, weekdays=frozenset({0, 2, 4}))]
    log = Log()
    keep_days(log, [n for n in range(21) if n % 7 in (0, 2, 4)])
    assert streak(log, 20, mon_wed_fri) == 9


def test_paused_days_do_not_break_it():
    log = Log()
    keep_days(log, [*range(4), *range(7, 10)])
    assert streak(log, 9, pauses=[Pause(BOB, day(4), day(6))]) == 7


def test_planks_beyond_what_was_due_do_not_make_a_streak():
    log = Log()
    log.listened(ALICE, day(0))
    log.owned_mistake(ALICE, day(1))
    assert streak(log, 1, commitments=[]) == 0


def test_with_two_bridges_a_day_counts_only_when_both_were_checked_in():
    first, second = Log(), Log()
    keep_days(first, range(10))
    keep_days(second, [*range(5), *range(6, 10)], commitment=2)
    records = [
        checkins(first.acts, ALICE_DAILY, [], ALICE, day(9)),
        checkins(second.acts, [daily(2, ALICE)], [], ALICE, day(9)),
    ]
    merged = merge_checkins(records)
    assert merged[day(5)] is DayCheck.BROKEN
    assert current_streak(merged, day(9)) == 4
    assert best_streak(merged) == 5


def test_the_best_streak_remembers_the_longest_run():
    log = Log()
    keep_days(log, [*range(10), *range(11, 14)])
    record = checkins(log.acts, ALICE_DAILY, [], ALICE, day(13))
    assert current_streak(record, day(13)) == 3
    assert best_streak(record) == 10


def test_a_bridge_with_nothing_yet_has_no_streak():
    assert checkins([], [], [], ALICE, day(0)) == {}
    assert current_streak({}, day(0)) == 0
    assert best_streak({}) == 0


records = st.lists(
    st.dictionaries(st.integers(0, 40), st.sampled_from(list(DayCheck)), max_size=40),
    max_size=5,
)


@given(records, st.integers(0, 45))
def test_the_streak_across_bridges_is_the_streak_of_their_merged_days(raw, today):
    """Today reads the streak without merging whole histories; it must be the same."""
    by_day = [{day(0) + timedelta(days=n): check for n, check in r.items()} for r in raw]
    assert streak_across(by_day, day(today)) == current_streak(merge_checkins(by_day), day(today))


@given(records, st.integers(0, 45))
def test_the_days_a_streak_spans_are_its_done_days_and_nothing_breaks_between(raw, today):
    """The person's page names the first and last day of the streak alive now."""
    by_day = [{day(0) + timedelta(days=n): check for n, check in r.items()} for r in raw]
    merged = merge_checkins(by_day)
    span = streak_span(by_day, day(today))
    done = [on for on, check in merged.items() if check is DayCheck.DONE and on <= day(today)]
    if not span.days:
        assert span.first is None and span.last is None
        return
    assert span.first is not None and span.last is not None
    inside = [on for on in done if span.first <= on <= span.last]
    assert len(inside) == span.days
    assert merged[span.first] is DayCheck.DONE and merged[span.last] is DayCheck.DONE
    between = [
        merged.get(span.first + timedelta(days=n))
        for n in range((day(today) - span.first).days + 1)
    ]
    assert DayCheck.BROKEN not in between
