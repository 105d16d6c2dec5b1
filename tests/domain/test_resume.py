"""A new day goes on from the last one: resuming a health run gives exactly what
deriving the bridge's whole log on that day gives, so the lead's first visit of a day
need not derive a year of history again."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from trust_builders import ALICE, BOB, Log, bridge_logs, daily, day

from server.domain import (
    Cadence,
    Commitment,
    Pause,
    Side,
    health_report,
    health_run,
    resume,
)

KEEP = 30


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


def fresh(log: Log, commitments: list[Commitment], pauses: list[Pause], today: date) -> list[int]:
    return health_run(log.acts, commitments, pauses, today, keep=KEEP).scores


def afresh(log: Log, commitments: list[Commitment], pauses: list[Pause], today: date):
    return health_run(log.acts, commitments, pauses, today, keep=KEEP)


@settings(max_examples=300, deadline=None)
@given(bridges(), st.integers(-3, 30), st.lists(st.integers(1, 6), min_size=1, max_size=6))
def test_a_run_resumed_on_later_days_equals_the_whole_log_derived_on_each(bridge, first, steps):
    log, commitments, pauses = bridge
    today = day(first)
    run = health_run(log.acts, commitments, pauses, today, keep=KEEP)
    for step in steps:
        today += timedelta(days=step)
        run = resume(run, today)
        derived = afresh(log, commitments, pauses, today)
        assert run.scores == derived.scores
        # Each side's value where the next day goes on from, to the last bit: the
        # bridge's score is the weaker side's, and would hide a difference on the other.
        assert (run.settled, run.carry) == (derived.settled, derived.carry)
        assert run.paused == any(p.covers(today) for p in pauses)


@settings(max_examples=200, deadline=None)
@given(bridges(), st.integers(0, 30))
def test_a_run_scores_the_days_the_health_report_trends(bridge, n):
    log, commitments, pauses = bridge
    report = health_report(log.acts, commitments, pauses, day(n), trend_days=KEEP)
    run = health_run(log.acts, commitments, pauses, day(n), keep=KEEP)
    assert run.scores == report.trend
    assert (run.scores[-1] if run.scores else 0) == report.score


def test_a_month_of_secured_days_resumed_a_week_later_weathers_as_derived_afresh():
    log = Log()
    for n in range(30):
        log.secured(ALICE, day(n), 1)
        log.secured(BOB, day(n), 2)
    commitments = [daily(1, ALICE, end=day(29)), daily(2, BOB, end=day(29))]
    run = health_run(log.acts, commitments, [], day(30), keep=KEEP)
    later = resume(run, day(45))
    assert later.scores == fresh(log, commitments, [], day(45))
    # Fifteen quiet days: past the seventh, silence wears the bridge down.
    assert later.scores[-1] < run.scores[-1]


def test_a_run_never_goes_back_a_day():
    run = health_run([], [daily(1, Side.A)], [], day(5), keep=KEEP)
    try:
        resume(run, day(4))
    except ValueError:
        return
    raise AssertionError("resuming on an earlier day was accepted")


def test_a_one_off_done_early_is_still_done_when_its_date_comes_after_a_resume():
    # Alice does her "once, by day 8" on day 1; the lead looks on day 3, then day 10.
    log = Log()
    commitments = [daily(1, ALICE), Commitment(3, ALICE, Cadence.ONCE, day(0), due_by=day(8))]
    log.kept(ALICE, day(1), 3)
    for n in range(11):
        log.secured(ALICE, day(n), 1)
    run = resume(health_run(log.acts, commitments, [], day(3), keep=KEEP), day(10))
    derived = afresh(log, commitments, [], day(10))
    assert (run.carry, run.scores) == (derived.carry, derived.scores)
