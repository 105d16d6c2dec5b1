"""Sixty days of Alice and Bob repairing their bridge, and the shape of its health.

Week 1: both keep their word, mostly unconfirmed. Week 2: a rough patch: Alice owns
a miss, Bob lets an item lapse and misses a one-off deadline Alice reports; then Bob
holds a listening session and Alice owns a mistake. Then steady keeps, confirmed by
the partner, a week's pause for Bob's holiday, more keeps, and ten quiet days after
both commitments end.
"""

from datetime import timedelta
from itertools import pairwise

import pytest
from trust_builders import ALICE, BOB, MONDAY, NAMES, Log, daily, day, evening

from server.domain import (
    Badge,
    Band,
    Cadence,
    Commitment,
    HealthReport,
    Pause,
    best_streak,
    bridge_facts,
    bridge_progress,
    checkins,
    earned_badges,
    health_report,
)

COMMITMENTS = [
    daily(1, ALICE, end=day(49)),  # Alice: share her plan at stand-up, every day
    Commitment(2, BOB, Cadence.WEEKDAYS, MONDAY, end=day(49), weekdays=frozenset(range(5))),
    Commitment(3, BOB, Cadence.ONCE, MONDAY, due_by=day(9)),  # Bob: send the retro notes
]
HOLIDAY = [Pause(BOB, day(35), day(41))]
MISSES = (7, 8, 9)


def bob_works(n: int) -> bool:
    return day(n).weekday() < 5


def journey() -> Log:
    log = Log()
    for n in range(7):
        log.kept(ALICE, day(n), 1)
        if bob_works(n):
            log.kept(BOB, day(n), 2)
    log.confirm(log.acts[0])
    log.missed(ALICE, day(7), 1)
    log.kept(BOB, day(7), 2)
    log.kept(ALICE, day(8), 1)  # Bob checks nothing in on day 8, and it lapses
    log.kept(ALICE, day(9), 1)
    log.kept(BOB, day(9), 2)
    log.reported(BOB, day(9), 3)
    log.kept(ALICE, day(10), 1)
    log.kept(BOB, day(10), 2)
    listening = log.listened(BOB, day(10))
    log.confirm(listening, at=evening(day(11)))  # "I felt heard", the next day
    log.kept(ALICE, day(11), 1)
    log.kept(BOB, day(11), 2)
    log.confirm(log.owned_mistake(ALICE, day(11)))
    for n in range(12, 50):
        if HOLIDAY[0].covers(day(n)):
            continue
        log.secured(ALICE, day(n), 1)
        if bob_works(n):
            log.secured(BOB, day(n), 2)
    return log


def as_of(log: Log, n: int) -> HealthReport:
    """The report Alice and Bob saw on the evening of day `n`."""
    known = [a for a in log.acts if a.created_at < evening(day(n)) + timedelta(hours=4)]
    return health_report(known, COMMITMENTS, HOLIDAY, day(n), names=NAMES, trend_days=60)


@pytest.fixture(scope="module")
def log() -> Log:
    return journey()


@pytest.fixture(scope="module")
def trend(log: Log) -> list[int]:
    return health_report(log.acts, COMMITMENTS, HOLIDAY, day(59), trend_days=60).trend


def test_the_first_week_of_kept_days_lifts_health_from_nothing(trend):
    assert trend[0] > 0
    assert trend[:7] == sorted(trend[:7])


def test_health_falls_on_the_days_of_the_misses(log, trend):
    assert trend[7] < trend[6]  # Alice owns a miss
    assert trend[8] < trend[7]  # Bob's lapsed item, once its grace window closed
    assert as_of(log, 9).sides[BOB] < as_of(log, 8).sides[BOB]  # the deadline Alice reports


def test_the_misses_are_named_while_they_weigh(log):
    assert as_of(log, 10).explanation == (
        "Health fell because Alice and Bob missed 3 commitments this week, "
        "2 of them not owned up to."
    )


def test_winning_back_the_rough_patch_takes_many_more_days_than_it_took_to_lose(trend):
    before = max(trend[:7])
    back = next(n for n in range(10, 60) if trend[n] >= before)
    assert back - max(MISSES) >= 2 * len(MISSES)


def test_steady_confirmed_keeps_raise_health_slowly(trend):
    climb = trend[12:35]
    assert climb == sorted(climb)
    assert all(later - earlier <= 5 for earlier, later in pairwise(climb))
    assert climb[-1] - climb[0] >= 40


def test_health_holds_still_through_bobs_holiday(log, trend):
    assert trend[35:42] == [trend[34]] * 7
    assert trend[42] > trend[41]
    assert as_of(log, 38).explanation == (
        f"Health is holding at {trend[34]} while Bob is paused until Sunday 13 April."
    )


def test_the_bridge_weathers_in_the_silence_at_the_end(log, trend):
    assert trend[50:57] == [trend[49]] * 7
    quiet = trend[56:]
    assert all(later < earlier for earlier, later in pairwise(quiet))
    assert as_of(log, 59).explanation == "Quiet for 10 days: the bridge is weathering."


def test_the_journey_ends_with_a_crossable_bridge(log):
    final = as_of(log, 59)
    assert final.band in (Band.CROSSABLE, Band.SOLID)
    assert final.score == final.sides[BOB]  # the weaker side sets the bridge's health


def test_both_halves_met_in_the_middle(log):
    progress = bridge_progress(log.acts)
    assert progress.complete
    assert progress.milestones == (25, 50, 75, 100)


def test_each_earned_the_badges_of_what_they_did(log):
    def badges(side):
        record = checkins(log.acts, COMMITMENTS, HOLIDAY, side, day(59))
        return earned_badges(bridge_facts(log.acts, side, best_streak=best_streak(record)))

    common = {Badge.FIRST_PLANK, Badge.SEVEN_DAY_STREAK, Badge.FIRST_BRIDGE_COMPLETED}
    assert badges(ALICE) == common | {Badge.FIRST_OWNED_MISTAKE}
    assert badges(BOB) == common | {Badge.FIRST_LISTENING_SESSION}
