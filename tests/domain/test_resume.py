"""Carrying a bridge on from an earlier derivation, to a later day or with new acts,
gives exactly what deriving its whole log gives: health, streak records, facts,
progress and what waits for a confirmation, on both sides."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from trust_builders import ALICE, BOB, Log, bridge_logs, daily, day, evening

from server.domain import (
    ASK_BACK_DAYS,
    CONFIRM_DAYS,
    LEDGER_DAYS,
    Cadence,
    Commitment,
    Derivation,
    Pause,
    Side,
    TrustAct,
    absence,
    advance,
    best_streak,
    bridge_facts,
    bridge_progress,
    can_confirm,
    checkins,
    confirmable_on,
    derive_bridge,
    first_day,
    health_report,
    live_acts,
    side_days,
)

KEEP = 30
SPAN = 20


@st.composite
def bridges(draw: st.DrawFn) -> tuple[Log, list[Commitment], list[Pause]]:
    """A random bridge, now and then with a pause and a one-off commitment."""
    log, commitments = draw(bridge_logs())
    commitments = list(commitments)
    pauses = []
    if draw(st.booleans()):
        start = draw(st.integers(0, 25))
        length = draw(st.none() | st.integers(0, 6))
        end = None if length is None else day(start + length)
        pauses.append(Pause(draw(st.sampled_from([ALICE, BOB])), day(start), end))
    if draw(st.booleans()):
        opens = draw(st.integers(0, 25))
        due = opens + draw(st.integers(0, 8))
        commitments.append(Commitment(3, ALICE, Cadence.ONCE, day(opens), due_by=day(due)))
        done = draw(st.none() | st.integers(opens, due + 2))
        if done is not None:
            how = draw(st.sampled_from(["kept", "secured", "missed", "reported"]))
            getattr(log, how)(ALICE, day(done), 3)
    return log, commitments, pauses


def what_screens_read(
    derived: Derivation, log: list[TrustAct], commitments: list[Commitment], pauses: list[Pause]
) -> None:
    """`derived` says what each rule says of the whole log on its day."""
    today = derived.today
    report = health_report(log, commitments, pauses, today, trend_days=KEEP)
    assert derived.scores == report.trend
    assert derived.paused == report.paused
    live = live_acts(log)
    progress = bridge_progress(live, SPAN)
    for side in Side:
        assert derived.records[side] == checkins(log, commitments, pauses, side, today)
        assert derived.best_streaks[side] == best_streak(derived.records[side])
        facts = bridge_facts(live, side, SPAN)
        tally = derived.tallies[side]
        assert (tally.planks, tally.listening, tally.mistakes) == (
            facts.planks,
            facts.listening_sessions,
            facts.owned_mistakes,
        )
        assert (tally.plank_days, tally.secured_days) == (
            progress.planks[side],
            progress.secured[side],
        )
        waiting = [
            i.act
            for i in live
            if not i.confirmed and can_confirm(i.act, side) and confirmable_on(i.act, today)
        ]
        assert derived.waiting[side] == waiting
        # "Were you away?": the last days' ledger says what the whole log's says.
        window = today - timedelta(days=ASK_BACK_DAYS)
        ledger = side_days(log, commitments, pauses, side, window, today)
        assert absence(derived.ledgers[side], today) == absence(ledger, today)
        # The calendar of the last weeks: every kept ledger day is the whole log's.
        start = first_day(log, commitments)
        whole = [] if start is None else side_days(log, commitments, pauses, side, start, today)
        assert derived.ledgers[side] == [
            d for d in whole if d.day >= today - timedelta(days=LEDGER_DAYS)
        ]
    assert all(derived.half_reached(SPAN).values()) == progress.complete
    assert derived.last_act_at == max((a.created_at for a in log), default=None)


@settings(max_examples=300, deadline=None)
@given(bridges(), st.integers(-3, 30), st.lists(st.integers(0, 6), min_size=1, max_size=6))
def test_a_derivation_carried_to_later_days_equals_the_whole_log_derived_each_day(
    bridge, first, steps
):
    log, commitments, pauses = bridge
    today = day(first)
    derived = derive_bridge(log.acts, commitments, pauses, today, keep=KEEP)
    what_screens_read(derived, log.acts, commitments, pauses)
    for step in steps:
        today += timedelta(days=step)
        carried = advance(derived, today)
        if carried is None:  # nothing on it yet: derived afresh
            assert not log.acts and not commitments
            carried = derive_bridge(log.acts, commitments, pauses, today, keep=KEEP)
        derived = carried
        what_screens_read(derived, log.acts, commitments, pauses)


# What people do after the derivation: today's and yesterday's check-ins, a report,
# confirmations and withdrawals of recent acts or of anything older.
LATER = st.lists(
    st.tuples(
        st.sampled_from(["kept", "missed", "reported", "confirm", "withdraw", "listened"]),
        st.sampled_from([ALICE, BOB]),
        st.integers(-8, 0),  # days back from today
    ),
    max_size=8,
)


def act_later(log: Log, later: list[tuple[str, Side, int]], today: date) -> None:
    """Append to `log` what `later` (drawn from LATER) says people did by `today`."""
    for what, side, back in later:
        on = today + timedelta(days=back)
        if what == "confirm" or what == "withdraw":
            targets = [a for a in log.acts if a.kind.value in ("kept", "listening", "mistake")]
            if not targets:
                continue
            target = targets[-1 - (abs(back) % len(targets))]
            if what == "confirm":
                log.confirm(target)
            else:
                log.withdraw(target)
        elif what == "listened":
            log.listened(side, on)
        else:
            commitment = 1 if side is ALICE else 2
            getattr(log, what)(side, on, commitment)


@settings(max_examples=300, deadline=None)
@given(bridges(), st.integers(0, 28), LATER, st.integers(0, 3))
def test_new_acts_carried_on_equal_the_whole_log_derived_or_are_refused(
    bridge, first, later, days_on
):
    log, commitments, pauses = bridge
    today = day(first)
    derived = derive_bridge(log.acts, commitments, pauses, today, keep=KEEP)
    before = len(log.acts)
    today += timedelta(days=days_on)
    act_later(log, later, today)
    carried = advance(derived, today, log.acts[before:])
    if carried is None:  # it reached back into settled days: derived afresh
        carried = derive_bridge(log.acts, commitments, pauses, today, keep=KEEP)
    what_screens_read(carried, log.acts, commitments, pauses)


def test_a_one_off_done_early_is_still_done_when_its_date_comes_after_carrying_on():
    # Alice does her "once, by day 8" on day 1; the lead looks on day 3, then day 10.
    log = Log()
    commitments = [daily(1, ALICE), Commitment(3, ALICE, Cadence.ONCE, day(0), due_by=day(8))]
    log.kept(ALICE, day(1), 3)
    for n in range(11):
        log.secured(ALICE, day(n), 1)
    derived = derive_bridge(log.acts, commitments, [], day(3), keep=KEEP)
    carried = advance(derived, day(10))
    assert carried is not None
    what_screens_read(carried, log.acts, commitments, [])


def test_a_check_in_today_and_a_confirmation_from_two_weeks_ago_are_both_carried_on():
    log = Log()
    commitments = [daily(1, ALICE), daily(2, BOB)]
    old = log.kept(ALICE, day(0), 1)
    for n in range(1, CONFIRM_DAYS):
        log.kept(ALICE, day(n), 1)  # laid, never confirmed: Bob catches up later
        log.secured(BOB, day(n), 2)
    last = day(CONFIRM_DAYS)  # the last day Bob may secure day 0's plank
    derived = derive_bridge(log.acts, commitments, [], last, keep=KEEP)
    assert old in derived.waiting[BOB]
    today = log.kept(BOB, last, 2)
    carried = advance(derived, last, [today])
    assert carried is not None
    what_screens_read(carried, log.acts, commitments, [])
    late = log.confirm(old, at=evening(last))
    caught_up = advance(carried, last, [late])
    assert caught_up is not None  # day 0 is settled: only its count and health move
    what_screens_read(caught_up, log.acts, commitments, [])
    assert caught_up.scores[-1] >= carried.scores[-1]
    taken_back = advance(caught_up, last, [log.withdraw(late)])
    assert taken_back is not None
    what_screens_read(taken_back, log.acts, commitments, [])
    assert taken_back.scores == carried.scores


def test_a_withdrawal_of_a_settled_plank_itself_is_derived_afresh():
    log = Log()
    commitments = [daily(1, ALICE)]
    old = log.kept(ALICE, day(0), 1)
    derived = derive_bridge(log.acts, commitments, [], day(5), keep=KEEP)
    assert advance(derived, day(5), [log.withdraw(old)]) is None


# Bob catches up on Alice's planks of the last weeks, changes his mind on some, and
# the days go on: each step is carried on, never derived afresh, and says what the
# whole log says.
CATCH_UP = st.lists(
    st.tuples(st.sampled_from(["confirm", "withdraw", "next day"]), st.integers(0, 40)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(bridges(), st.integers(8, 30), CATCH_UP)
def test_answers_to_settled_planks_are_carried_on_and_equal_the_whole_log(bridge, first, steps):
    log, commitments, pauses = bridge
    today = day(first)
    derived = derive_bridge(log.acts, commitments, pauses, today, keep=KEEP)
    for what, pick in steps:
        new: list[TrustAct] = []
        if what == "next day":
            today += timedelta(days=1)
        elif what == "confirm":
            waiting = [  # a paused day's planks are counted afresh: not these
                a
                for side in Side
                for a in derived.waiting[side]
                if a.day <= derived.settled and not any(p.covers(a.day) for p in pauses)
            ]
            if waiting:
                new.append(log.confirm(waiting[pick % len(waiting)], at=evening(today)))
        else:
            mine = [a.id for a in derived.late if a.kind.value == "confirmation"]
            if mine:
                target = next(a for a in log.acts if a.id == mine[pick % len(mine)])
                new.append(log.withdraw(target))
        carried = advance(derived, today, new)
        assert carried is not None
        what_screens_read(carried, log.acts, commitments, pauses)
        derived = carried


def test_a_changed_commitment_is_derived_afresh():
    log = Log()
    commitments = [daily(1, ALICE)]
    log.kept(ALICE, day(0), 1)
    derived = derive_bridge(log.acts, commitments, [], day(3), keep=KEEP)
    retired = [daily(1, ALICE, end=day(2))]
    assert advance(derived, day(4), commitments=retired) is None


def test_a_derivation_never_goes_back_a_day():
    derived = derive_bridge([], [daily(1, Side.A)], [], day(5), keep=KEEP)
    try:
        advance(derived, day(4))
    except ValueError:
        return
    raise AssertionError("carrying on to an earlier day was accepted")


def test_fifteen_quiet_days_after_a_month_weather_the_bridge_as_derived_afresh():
    log = Log()
    for n in range(30):
        log.secured(ALICE, day(n), 1)
        log.secured(BOB, day(n), 2)
    commitments = [daily(1, ALICE, end=day(29)), daily(2, BOB, end=day(29))]
    derived = derive_bridge(log.acts, commitments, [], day(30), keep=KEEP)
    later = advance(derived, day(45))
    assert later is not None
    what_screens_read(later, log.acts, commitments, [])
    assert later.scores[-1] < derived.scores[-1]


def test_a_confirmation_of_a_one_offs_early_plank_is_derived_afresh():
    # Alice does her "once, by day 20" on day 1; Bob confirms it on day 5.
    log = Log()
    commitments = [Commitment(3, ALICE, Cadence.ONCE, day(0), due_by=day(20))]
    early = log.kept(ALICE, day(1), 3)
    derived = derive_bridge(log.acts, commitments, [], day(5), keep=KEEP)
    confirmed = log.confirm(early)
    carried = advance(derived, day(5), [confirmed])
    if carried is None:
        carried = derive_bridge(log.acts, commitments, [], day(5), keep=KEEP)
    what_screens_read(carried, log.acts, commitments, [])


def test_a_withdrawn_confirmation_stays_withdrawn_on_the_next_days():
    # Alice confirms Bob's keep, takes it back, and the days go on.
    log = Log()
    commitments = [daily(1, ALICE), daily(2, BOB)]
    kept = log.kept(BOB, day(5), 2)
    derived = derive_bridge(log.acts, commitments, [], day(5), keep=KEEP)
    confirmed = log.confirm(kept)
    derived = advance(derived, day(5), [confirmed]) or derived
    withdrawn = log.withdraw(confirmed)
    carried = advance(derived, day(5), [withdrawn])
    assert carried is not None
    for n in (5, 6, 9):
        carried = advance(carried, day(n))
        assert carried is not None
        what_screens_read(carried, log.acts, commitments, [])
        assert [a.id for a in carried.waiting[ALICE]] == [kept.id]


def test_the_calendars_twelve_weeks_are_kept_when_a_long_bridge_is_carried_on():
    # Four months of Alice keeping, Bob now and then, carried on across the weeks.
    log = Log()
    commitments = [daily(1, ALICE), daily(2, BOB)]
    for n in range(130):
        if n % 5:
            log.secured(ALICE, day(n), 1)
        if n % 3 == 0:
            log.missed(BOB, day(n), 2)
    derived = derive_bridge(log.acts, commitments, [], day(60), keep=KEEP)
    for n in (61, 75, 100, 130):
        carried = advance(derived, day(n))
        assert carried is not None
        what_screens_read(carried, log.acts, commitments, [])
        assert carried.ledgers[ALICE][0].day == max(day(0), day(n) - timedelta(days=LEDGER_DAYS))
        derived = carried
