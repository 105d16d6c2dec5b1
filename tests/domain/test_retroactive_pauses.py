"""A pause over days already past counts only when the partner agrees, and then exactly
as if it had been set in time."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from trust_builders import ALICE, BOB, Log, bridge_logs, daily, day

from server.domain import (
    ActKind,
    Asked,
    Cadence,
    Commitment,
    Outcome,
    Pause,
    TrustAct,
    absence,
    away,
    bridge_days,
    effective_pauses,
    health_report,
    pause_requests,
    side_days,
)
from server.domain.pauses import ANSWER_DAYS, ASK_BACK_DAYS, ReadFurther


@st.composite
def asking(draw: st.DrawFn) -> tuple[Log, list[Commitment], date, date, date, date]:
    """A random bridge; Alice away D1..D2 asks on day T to pause it; Bob may answer on A."""
    log, commitments = draw(bridge_logs())
    first = draw(st.integers(0, 18))
    last = draw(st.integers(first, 19))
    asked_on = draw(st.integers(last + 1, min(first + ASK_BACK_DAYS, 20)))
    answered_on = asked_on + draw(st.integers(0, ANSWER_DAYS - 1))
    return log, commitments, day(first), day(last), day(asked_on), day(answered_on)


def ask(log: Log, first: date, last: date, on: date) -> tuple[Log, Pause, TrustAct]:
    """A copy of `log` in which Alice asks, on `on`, to pause `first`..`last`."""
    asked_log = log.fork()
    asked = asked_log.add(ActKind.PAUSE_ASKED, ALICE, ALICE, on)
    return asked_log, Pause(ALICE, first, last, asked=asked.id), asked


def figures(log: list[TrustAct], commitments: list[Commitment], pauses: list[Pause], today: date):
    report = health_report(log, commitments, pauses, today)
    return report.score, report.sides, report.trend, report.band


@given(asking(), st.integers(0, 10))
def test_an_agreed_pause_gives_exactly_the_health_of_a_pause_set_in_time(case, later):
    log, commitments, first, last, asked_on, answered_on = case
    asked_log, stored, asked = ask(log, first, last, asked_on)
    asked_log.add(ActKind.PAUSE_AGREED, BOB, ALICE, answered_on, target=asked.id)
    today = answered_on + timedelta(days=later)

    counted = effective_pauses([stored], asked_log.acts)

    in_time = [Pause(ALICE, first, last)]
    assert figures(asked_log.acts, commitments, counted, today) == figures(
        log.acts, commitments, in_time, today
    )
    start = day(0)
    assert bridge_days(asked_log.acts, commitments, counted, start, today) == bridge_days(
        log.acts, commitments, in_time, start, today
    )


@given(asking(), st.sampled_from(["declined", "expired", "late", "withdrawn", "pending", "self"]))
def test_a_pause_not_agreed_in_time_changes_nothing(case, what):
    log, commitments, first, last, asked_on, answered_on = case
    asked_log, stored, asked = ask(log, first, last, asked_on)
    today = answered_on
    if what == "declined":
        asked_log.add(ActKind.PAUSE_DECLINED, BOB, ALICE, answered_on, target=asked.id)
        # A change of mind after declining is not an answer: the first one stands.
        asked_log.add(ActKind.PAUSE_AGREED, BOB, ALICE, answered_on, target=asked.id)
    elif what == "expired":
        today = asked_on + timedelta(days=ANSWER_DAYS)
    elif what == "late":
        late = asked_on + timedelta(days=ANSWER_DAYS)
        asked_log.add(ActKind.PAUSE_AGREED, BOB, ALICE, late, target=asked.id)
        today = late
    elif what == "withdrawn":
        asked_log.withdraw(asked)
        asked_log.add(ActKind.PAUSE_AGREED, BOB, ALICE, answered_on, target=asked.id)
    elif what == "self":  # the asker cannot agree on the partner's behalf
        asked_log.add(ActKind.PAUSE_AGREED, ALICE, ALICE, answered_on, target=asked.id)

    counted = effective_pauses([stored], asked_log.acts)

    assert counted == []
    assert figures(asked_log.acts, commitments, counted, today) == figures(
        log.acts, commitments, [], today
    )
    (request,) = pause_requests([stored], asked_log.acts, today)
    expected = {
        "declined": Asked.DECLINED,
        "expired": Asked.EXPIRED,
        "late": Asked.EXPIRED,
        "withdrawn": Asked.WITHDRAWN,
        "pending": Asked.PENDING,
        "self": Asked.PENDING,
    }
    assert request.state is expected[what]


@given(bridge_logs(), st.integers(0, 20), st.one_of(st.none(), st.integers(0, 20)))
def test_alice_alone_cannot_pause_away_a_day_bob_reported_her_miss(generated, start, length):
    log, commitments = generated
    own = Pause(ALICE, day(start), None if length is None else day(start + length))
    today = day(20)

    counted = effective_pauses([own], log.acts)

    reported = {a.day for a in log.acts if a.kind is ActKind.MISSED_PARTNER and a.owner == ALICE}
    ledger = side_days(log.acts, commitments, counted, ALICE, day(0), today)
    for entry in ledger:
        if entry.day in reported:
            assert entry.outcome is not Outcome.PAUSED
        elif own.covers(entry.day):
            assert entry.outcome is Outcome.PAUSED


@given(asking())
def test_with_bobs_agreement_a_reported_day_is_paused_too(case):
    log, commitments, first, last, asked_on, answered_on = case
    log.reported(ALICE, first, 1)
    asked_log, stored, asked = ask(log, first, last, asked_on)
    asked_log.add(ActKind.PAUSE_AGREED, BOB, ALICE, answered_on, target=asked.id)

    counted = effective_pauses([stored], asked_log.acts)

    ledger = side_days(asked_log.acts, commitments, counted, ALICE, first, first)
    assert ledger[0].outcome is Outcome.PAUSED


def test_a_request_reaching_further_back_than_allowed_counts_for_nothing():
    log = Log()
    asked = log.add(ActKind.PAUSE_ASKED, ALICE, ALICE, day(40))
    log.add(ActKind.PAUSE_AGREED, BOB, ALICE, day(40), target=asked.id)
    stored = Pause(ALICE, day(40 - ASK_BACK_DAYS - 1), day(39), asked=asked.id)
    assert effective_pauses([stored], log.acts) == []


# ---------------------------------------------------------------- absence


def alice_away(days_away: int, today_n: int) -> tuple[Log, list[Commitment]]:
    """Alice keeps a daily commitment until she leaves, `days_away` days before day `today_n`."""
    log = Log()
    for n in range(today_n - days_away):
        log.kept(ALICE, day(n), 1)
    return log, [daily(1, ALICE)]


def test_three_unanswered_days_are_an_absence_and_two_are_not():
    log, commitments = alice_away(3, 10)
    ledger = side_days(log.acts, commitments, [], ALICE, day(0), day(10))
    found = absence(ledger, day(10))
    assert found is not None
    assert (found.first, found.last, found.days) == (day(7), day(9), 3)

    log, commitments = alice_away(2, 10)
    ledger = side_days(log.acts, commitments, [], ALICE, day(0), day(10))
    assert absence(ledger, day(10)) is None


def test_checking_in_today_does_not_end_the_absence_but_the_next_day_does():
    log, commitments = alice_away(3, 10)
    log.kept(ALICE, day(10), 1)
    ledger = side_days(log.acts, commitments, [], ALICE, day(0), day(10))
    assert absence(ledger, day(10)) is not None
    ledger = side_days(log.acts, commitments, [], ALICE, day(0), day(11))
    assert absence(ledger, day(11)) is None


def test_days_with_nothing_due_neither_count_nor_break_the_silence():
    weekdays = Commitment(1, ALICE, Cadence.WEEKDAYS, day(0), weekdays=frozenset({0, 2, 4}))
    log = Log()
    ledger = side_days(log.acts, [weekdays], [], ALICE, day(0), day(5))  # Mon..Sat
    found = absence(ledger, day(5))
    assert found is not None
    assert (found.first, found.last, found.days) == (day(0), day(4), 3)


@given(bridge_logs(), st.integers(0, 25), st.integers(0, 40), st.sampled_from([ALICE, BOB]))
def test_away_reads_the_last_week_first_and_says_what_the_whole_window_says(
    bridge, silent, today_n, side
):
    """`away` looks at a week before the whole window: the answer is the same."""
    log, commitments = bridge
    # The side says nothing for its last `silent` days.
    quiet = [a for a in log.acts if not (a.owner == side and a.day >= day(today_n - silent))]
    today = day(today_n)
    window = side_days(quiet, commitments, [], side, today - timedelta(days=ASK_BACK_DAYS), today)
    assert away(quiet, commitments, [], [], side, today) == absence(window, today)


@given(
    bridge_logs(),
    st.integers(0, 25),
    st.integers(0, 40),
    st.sampled_from([ALICE, BOB]),
    st.integers(0, 20),
)
def test_away_given_only_the_last_days_says_what_the_whole_log_says_or_asks_for_more(
    bridge, silent, today_n, side, known
):
    """Given only the acts of the last `known` days (a reminder's first read), `away`
    answers as it would from the whole log, or says which older day it needs: and
    read from that day, it answers as from the whole log."""
    log, commitments = bridge
    quiet = [a for a in log.acts if not (a.owner == side and a.day >= day(today_n - silent))]
    today = day(today_n)
    whole = away(quiet, commitments, [], [], side, today)
    read_from = today - timedelta(days=known)
    recent = [a for a in quiet if a.day >= read_from]
    try:
        assert away(recent, commitments, [], [], side, today, read_from=read_from) == whole
    except ReadFurther as further:
        assert further.day < read_from
        older = [a for a in quiet if a.day >= further.day]
        assert away(older, commitments, [], [], side, today, read_from=further.day) == whole


def test_a_silence_longer_than_a_week_is_read_whole():
    log, commitments = alice_away(12, 30)
    found = away(log.acts, commitments, [], [], ALICE, day(30))
    assert found is not None
    assert (found.first, found.last, found.days) == (day(18), day(29), 12)
