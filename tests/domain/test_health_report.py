"""Bridge health derived from a whole log: the principles as a pair lives them."""

from datetime import timedelta
from itertools import pairwise

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from trust_builders import ALICE, BOB, NAMES, Log, bridge_logs, daily, day

from server.domain import (
    ActKind,
    Band,
    Pause,
    bridge_progress,
    health_report,
)

BOTH_DAILY = [daily(1, ALICE), daily(2, BOB)]


def secured_days(log: Log, days: range) -> None:
    for n in days:
        log.secured(ALICE, day(n), 1)
        log.secured(BOB, day(n), 2)


def test_a_bridge_with_nothing_on_it_has_no_health_yet():
    report = health_report([], [], [], day(0))
    assert (report.score, report.band, report.trend) == (0, Band.BROKEN, [])
    assert report.explanation.startswith("Nothing logged yet")


def test_steady_secured_days_build_a_solid_bridge():
    log = Log()
    secured_days(log, range(40))
    report = health_report(log.acts, BOTH_DAILY, [], day(39))
    assert report.band is Band.SOLID
    assert report.trend == sorted(report.trend)


def test_one_side_alone_cannot_hold_a_bridge():
    log = Log()
    for n in range(40):
        log.secured(ALICE, day(n), 1)
    report = health_report(log.acts, [daily(1, ALICE)], [], day(39))
    assert report.sides[ALICE] > 80
    assert report.score <= 5


def test_a_late_confirmation_recomputes_the_day_it_confirms():
    log = Log()
    kept = []
    for n in range(10):
        kept.append(log.kept(ALICE, day(n), 1))
        log.secured(BOB, day(n), 2)
    before = health_report(log.acts, BOTH_DAILY, [], day(9)).trend
    log.confirm(kept[5], at=kept[5].created_at + timedelta(days=3))
    after = health_report(log.acts, BOTH_DAILY, [], day(9)).trend
    assert after[:5] == before[:5]
    assert all(a > b for a, b in zip(after[5:], before[5:], strict=True))


def test_an_unreported_item_counts_as_a_miss_once_its_grace_window_closes():
    log = Log()
    secured_days(log, range(6))
    log.secured(BOB, day(6), 2)  # Alice logs nothing on day 6
    inside_grace = health_report(log.acts, BOTH_DAILY, [], day(7))
    log.secured(BOB, day(7), 2)
    log.secured(ALICE, day(7), 1)
    settled = health_report(log.acts, BOTH_DAILY, [], day(8))
    assert inside_grace.trend[6] == inside_grace.trend[5]
    assert settled.trend[6] < settled.trend[5]


def test_silence_costs_the_same_as_a_miss_the_partner_reports():
    silent, reported = Log(), Log()
    for log in (silent, reported):
        secured_days(log, range(6))
        log.secured(BOB, day(6), 2)
    reported.reported(ALICE, day(6), 1)
    scores = [
        health_report(log.acts, BOTH_DAILY, [], day(8)).sides[ALICE] for log in (silent, reported)
    ]
    assert scores[0] == scores[1] > 0


def test_owning_up_to_a_miss_costs_less_than_staying_silent():
    owned, silent = Log(), Log()
    for log in (owned, silent):
        secured_days(log, range(6))
    owned.missed(ALICE, day(6), 1)
    reports = [health_report(log.acts, BOTH_DAILY, [], day(8)) for log in (owned, silent)]
    assert reports[0].sides[ALICE] > reports[1].sides[ALICE] > 0


def test_a_partner_report_of_a_miss_already_owned_counts_once_as_owned():
    owned, both = Log(), Log()
    for log in (owned, both):
        secured_days(log, range(6))
        log.missed(ALICE, day(6), 1)
    both.reported(ALICE, day(6), 1)
    reports = [health_report(log.acts, BOTH_DAILY, [], day(8)) for log in (owned, both)]
    assert reports[0] == reports[1]
    assert reports[0].sides[ALICE] > 0


def test_a_day_with_a_keep_and_a_miss_counts_as_a_miss_for_health():
    commitments = [*BOTH_DAILY, daily(3, ALICE)]
    mixed, missed = Log(), Log()
    for log in (mixed, missed):
        secured_days(log, range(6))
        for n in range(6):
            log.secured(ALICE, day(n), 3)
        log.missed(ALICE, day(6), 3)
    mixed.secured(ALICE, day(6), 1)
    missed.missed(ALICE, day(6), 1)
    reports = [health_report(log.acts, commitments, [], day(6)) for log in (mixed, missed)]
    assert reports[0].sides[ALICE] == reports[1].sides[ALICE] > 0


def test_items_still_inside_the_grace_window_neither_help_nor_hurt():
    log = Log()
    secured_days(log, range(8))
    report = health_report(log.acts, BOTH_DAILY, [], day(9))
    assert report.trend[-1] == report.trend[-2] == report.trend[-3]


def test_a_pause_holds_health_still_and_resumes_where_it_left_off():
    paused, straight = Log(), Log()
    secured_days(paused, range(10))
    secured_days(paused, range(17, 27))
    secured_days(straight, range(20))
    away = [Pause(BOB, day(10), day(16))]
    with_pause = health_report(paused.acts, BOTH_DAILY, away, day(26), trend_days=60)
    without = health_report(straight.acts, BOTH_DAILY, [], day(19), trend_days=60)
    assert with_pause.trend[10:17] == [with_pause.trend[9]] * 7
    assert with_pause.score == without.score


def test_a_long_silence_weathers_the_bridge():
    log = Log()
    secured_days(log, range(20))
    ended = [daily(1, ALICE, end=day(19)), daily(2, BOB, end=day(19))]
    trend = health_report(log.acts, ended, [], day(35), trend_days=60).trend
    assert trend[20:27] == [trend[19]] * 7
    assert all(later < earlier for earlier, later in pairwise(trend[26:]))


def test_the_trend_ends_today_and_keeps_the_recent_days():
    log = Log()
    secured_days(log, range(45))
    report = health_report(log.acts, BOTH_DAILY, [], day(44), trend_days=30)
    full = health_report(log.acts, BOTH_DAILY, [], day(44), trend_days=100)
    assert len(report.trend) == 30
    assert len(full.trend) == 45
    assert report.trend == full.trend[-30:]
    assert report.score == report.trend[-1]


def test_acts_after_today_are_not_counted_yet():
    log = Log()
    secured_days(log, range(10))
    early = health_report(log.acts, BOTH_DAILY, [], day(4))
    truncated = Log()
    secured_days(truncated, range(5))
    assert early == health_report(truncated.acts, BOTH_DAILY, [], day(4))


later_kinds = st.sampled_from(
    [ActKind.KEPT, ActKind.MISSED_SELF, ActKind.LISTENING, ActKind.MISTAKE, ActKind.MISSED_PARTNER]
)


@settings(max_examples=40, deadline=None)
@given(bridge_logs(), st.integers(0, 20), later_kinds, st.booleans(), st.integers(0, 23))
def test_withdrawn_acts_count_for_nothing(bridge, n, kind, confirmed, hours):
    log, commitments = bridge
    before = health_report(log.acts, commitments, [], day(22), names=NAMES)
    progress = bridge_progress(log.acts)
    author = BOB if kind is ActKind.MISSED_PARTNER else ALICE
    act = log.add(kind, author, ALICE, day(n), commitment=1)
    if confirmed and kind in (ActKind.KEPT, ActKind.LISTENING, ActKind.MISTAKE):
        log.confirm(act)
    log.withdraw(act, at=act.created_at + timedelta(hours=hours, minutes=59))
    assert health_report(log.acts, commitments, [], day(22), names=NAMES) == before
    assert bridge_progress(log.acts) == progress


@settings(max_examples=40, deadline=None)
@given(bridge_logs(), st.data())
def test_a_withdrawn_confirmation_counts_for_nothing(bridge, data):
    log, commitments = bridge
    unconfirmed = [
        a
        for a in log.acts
        if a.kind is ActKind.KEPT and not any(b.target_id == a.id for b in log.acts)
    ]
    assume(unconfirmed)
    before = health_report(log.acts, commitments, [], day(22), names=NAMES)
    confirmation = log.confirm(data.draw(st.sampled_from(unconfirmed)))
    log.withdraw(confirmation)
    assert health_report(log.acts, commitments, [], day(22), names=NAMES) == before


@settings(max_examples=40, deadline=None)
@given(bridge_logs(), st.integers(0, 20))
def test_a_miss_owned_costs_no_more_than_the_same_miss_reported_by_the_partner(bridge, n):
    log, commitments = bridge
    owned, reported = log.fork(), log.fork()
    owned.missed(ALICE, day(n))
    reported.reported(ALICE, day(n))
    sides = [
        health_report(x.acts, commitments, [], day(22)).sides[ALICE] for x in (owned, reported)
    ]
    assert sides[0] >= sides[1]


@settings(max_examples=40, deadline=None)
@given(bridge_logs(), st.data())
def test_confirming_a_plank_never_lowers_health_on_any_day(bridge, data):
    log, commitments = bridge
    unconfirmed = [
        a
        for a in log.acts
        if a.kind is ActKind.KEPT and not any(b.target_id == a.id for b in log.acts)
    ]
    assume(unconfirmed)
    before = health_report(log.acts, commitments, [], day(22), trend_days=60).trend
    log.confirm(data.draw(st.sampled_from(unconfirmed)), at=None)
    after = health_report(log.acts, commitments, [], day(22), trend_days=60).trend
    assert all(a >= b for a, b in zip(after, before, strict=True))
