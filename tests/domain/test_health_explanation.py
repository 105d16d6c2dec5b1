"""Every health figure comes with one plain sentence, built from the facts."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from trust_builders import ALICE, BOB, NAMES, Log, bridge_logs, daily, day

from server.domain import Pause, health_report

BOTH_DAILY = [daily(1, ALICE), daily(2, BOB)]
ONE_SENTENCE = re.compile(r"[A-Z][^.!?\n]*\.")


def secured_days(log: Log, days: range) -> None:
    for n in days:
        log.secured(ALICE, day(n), 1)
        log.secured(BOB, day(n), 2)


def explain(log: Log, today: int, commitments=BOTH_DAILY, pauses=()) -> str:
    return health_report(log.acts, commitments, pauses, day(today), names=NAMES).explanation


@settings(max_examples=60, deadline=None)
@given(
    bridge_logs(),
    st.integers(0, 30),
    st.none() | st.tuples(st.integers(0, 25), st.integers(0, 10), st.booleans()),
    st.booleans(),
)
def test_the_health_explanation_is_one_sentence(bridge, today, pause, named):
    log, commitments = bridge
    pauses = []
    if pause:
        start, length, open_ended = pause
        end = None if open_ended else day(start + length)
        pauses = [Pause(BOB, day(start), end)]
    report = health_report(
        log.acts, commitments, pauses, day(today), names=NAMES if named else None
    )
    assert ONE_SENTENCE.fullmatch(report.explanation), report.explanation


def test_a_new_bridge_says_where_health_comes_from():
    assert explain(Log(), 0, commitments=[]) == (
        "Nothing logged yet: health grows from the first kept commitment."
    )


def test_misses_this_week_explain_a_fall():
    log = Log()
    secured_days(log, range(8))
    log.secured(BOB, day(8), 2)
    log.secured(BOB, day(9), 2)
    log.missed(ALICE, day(8), 1)
    log.missed(ALICE, day(9), 1)
    assert explain(log, 10) == "Health fell because Alice missed 2 commitments this week."


def test_the_explanation_says_when_misses_were_not_owned_up_to():
    log = Log()
    secured_days(log, range(8))
    log.secured(ALICE, day(8), 1)
    log.secured(ALICE, day(9), 1)
    log.reported(BOB, day(8), 2)  # and day 9 is left unreported
    log.secured(ALICE, day(10), 1)
    log.secured(BOB, day(10), 2)
    assert explain(log, 11) == (
        "Health fell because Bob missed 2 commitments this week, none of them owned up to."
    )


def test_a_run_of_kept_days_explains_a_rise():
    log = Log()
    for n in range(12):
        log.secured(ALICE, day(n), 1)
    log.missed(BOB, day(3), 2)
    for n in (*range(3), *range(4, 12)):
        kept = log.kept(BOB, day(n), 2)
        if n >= 9:
            log.confirm(kept)
    assert explain(log, 11) == "Health is rising: Bob kept 8 days in a row, 3 secured by Alice."


def test_a_miss_that_did_not_stop_the_rise_is_still_named():
    # Alice is far ahead, so her miss costs the bridge nothing: Bob's half sets it.
    log = Log()
    for n in range(60):
        log.secured(ALICE, day(n), 1) if n != 58 else log.missed(ALICE, day(n), 1)
    for n in range(35, 60):
        log.kept(BOB, day(n), 2)
    commitments = [daily(1, ALICE), daily(2, BOB, start=day(35))]
    assert (
        explain(log, 59, commitments) == "Health rose to 49 despite 1 missed commitment this week."
    )


def test_a_long_silence_is_named_as_weathering():
    log = Log()
    secured_days(log, range(20))
    ended = [daily(1, ALICE, end=day(19)), daily(2, BOB, end=day(19))]
    assert explain(log, 28, ended) == "Quiet for 9 days: the bridge is weathering."


def test_one_quiet_side_is_named():
    log = Log()
    secured_days(log, range(20))
    for n in range(20, 29):
        log.secured(ALICE, day(n), 1)
    commitments = [daily(1, ALICE), daily(2, BOB, end=day(19))]
    assert explain(log, 28, commitments) == (
        "Quiet for 9 days on Bob's side: the bridge is weathering."
    )


def test_a_pause_is_named_with_its_end():
    log = Log()
    secured_days(log, range(10))
    away = [Pause(BOB, day(10), day(16))]
    report = health_report(log.acts, BOTH_DAILY, away, day(12), names=NAMES)
    assert report.paused
    assert report.explanation == (
        f"Health is holding at {report.score} while Bob is paused until Wednesday 19 March."
    )


def test_hitting_bottom_says_how_many_kept_days_lift_it():
    log = Log()
    for n in range(6):
        log.reported(ALICE, day(n), 1)
    for n in range(13):
        log.secured(BOB, day(n), 2)
    commitments = [daily(1, ALICE, end=day(5)), daily(2, BOB)]
    assert explain(log, 12, commitments) == (
        "Health is at 0 after recent misses: 5 secured days on Alice's side will start to lift it."
    )


def test_a_steady_week_says_what_was_kept_and_secured():
    log = Log()
    for n in range(100):
        log.secured(ALICE, day(n), 1)
        log.kept(BOB, day(n), 2)  # laid only: Bob levels off at 60, Alice nudges it to 65
    assert explain(log, 20) == (
        "Health is rising: Bob kept 21 days in a row, none secured by Alice yet."
    )
    assert explain(log, 99) == (
        "Health is steady at 65: Alice kept 7 days and Bob 7 this week, 7 of those days secured."
    )


def test_a_side_that_has_not_started_is_named():
    log = Log()
    for n in range(10):
        log.secured(ALICE, day(n), 1)
    assert explain(log, 9, [daily(1, ALICE)]) == (
        "Health stays at 5 until Bob lays planks too: one side alone cannot hold a bridge."
    )
