"""The bridge says why its health last moved, from the ledger's own days."""

from datetime import UTC, datetime, time

from hypothesis import given, settings
from trust_builders import ALICE, BOB, NAMES, Log, bridge_logs, daily, day

from server.domain import health_report

BOTH_DAILY = [daily(1, ALICE), daily(2, BOB)]


def report(log: Log, today: int, reader=None, commitments=BOTH_DAILY):
    return health_report(log.acts, commitments, [], day(today), names=NAMES, reader=reader)


def test_after_both_secured_days_each_reads_the_rise_from_their_side():
    log = Log()
    for n in range(10):
        log.secured(ALICE, day(n), 1)
        log.secured(BOB, day(n), 2)
    alice, bob = report(log, 9, ALICE), report(log, 9, BOB)
    rise = alice.trend[-1] - alice.trend[-2]
    assert rise > 0
    assert alice.moved == (
        f"+{rise} today: you laid a plank, secured by Bob; Bob laid a plank, secured by you."
    )
    assert bob.moved == (
        f"+{rise} today: Alice laid a plank, secured by you; you laid a plank, secured by Alice."
    )


def test_a_keep_bob_has_not_confirmed_yet_says_so():
    log = Log()
    for n in range(10):
        log.secured(ALICE, day(n), 1)
        log.secured(BOB, day(n), 2)
    log.kept(ALICE, day(10), 1)
    log.secured(BOB, day(10), 2)
    assert "you laid a plank, not yet secured by Bob" in report(log, 10, ALICE).moved


def test_a_lapse_is_named_as_the_fall_on_the_side_it_happened():
    log = Log()
    for n in range(10):
        log.secured(ALICE, day(n), 1)
        log.secured(BOB, day(n), 2)
    log.secured(BOB, day(10), 2)  # and Alice checks nothing in from day 10 on
    moved = report(log, 12, ALICE).moved  # day 10's grace closed at the end of day 11
    assert moved.startswith("\u2212"), moved
    assert "a commitment on your side lapsed unreported" in moved
    assert "on Alice's side" in report(log, 12, BOB).moved


def test_nothing_moved_in_a_week_says_nothing():
    log = Log()
    assert report(log, 0, commitments=[]).moved == ""


@settings(max_examples=60, deadline=None)
@given(bridge_logs())
def test_the_number_in_the_line_is_a_real_difference_of_the_trend(bridge):
    log, commitments = bridge
    today = max([a.day for a in log.acts], default=day(0))
    r = health_report(log.acts, commitments, [], today, names=NAMES, trend_days=400)
    if not r.moved:
        return
    number = int(r.moved.split(" ")[0].replace("\u2212", "-"))
    steps = [b - a for a, b in zip([0, *r.trend], r.trend, strict=False)]
    assert number in steps and number != 0


def test_a_late_confirmation_is_todays_news_about_an_earlier_plank():
    log = Log()
    for n in range(7):
        log.secured(ALICE, day(n))
        log.secured(BOB, day(n))
    monday = log.kept(ALICE, day(7))  # Bob does not confirm it that day
    log.secured(BOB, day(7))
    # Days 8 and 9 are quiet; on day 10 (a Thursday) Bob secures Monday's plank.
    yesterday = health_report(log.acts, [], [], day(9), names=NAMES, reader=ALICE)
    log.confirm(monday, at=datetime.combine(day(10), time(9), UTC))
    alice = health_report(log.acts, [], [], day(10), names=NAMES, reader=ALICE)
    bob = health_report(log.acts, [], [], day(10), names=NAMES, reader=BOB)
    rise = alice.score - yesterday.score
    assert rise > 0
    assert alice.moved == f"+{rise} since yesterday: Bob secured your plank from Monday."
    assert bob.moved == f"+{rise} since yesterday: you secured Alice's plank from Monday."


def test_the_day_after_a_late_confirmation_the_line_reads_as_before():
    log = Log()
    for n in range(3):
        log.secured(ALICE, day(n))
        log.secured(BOB, day(n))
    laid = log.kept(ALICE, day(3))
    log.secured(BOB, day(3))
    log.confirm(laid, at=datetime.combine(day(4), time(9), UTC))
    assert "since yesterday" in report(log, 4, ALICE, commitments=[]).moved
    assert "since yesterday" not in report(log, 5, ALICE, commitments=[]).moved
