"""The bridge says why its health last moved, from the ledger's own days."""

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
