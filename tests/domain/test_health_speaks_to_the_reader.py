"""The health sentence is written from the reader's side, and a young bridge has just started."""

from hypothesis import given, settings
from trust_builders import ALICE, BOB, NAMES, Log, bridge_logs, daily, day

from server.domain import health_report
from server.domain.health import FIRST_DAYS


def sentence(log: Log, today: int, commitments, reader=None) -> str:
    report = health_report(log.acts, commitments, [], day(today), names=NAMES, reader=reader)
    return report.explanation


def test_bob_reads_that_health_waits_for_him_and_alice_that_it_waits_for_bob():
    log = Log()
    for n in range(10):
        log.secured(ALICE, day(n), 1)
    commitments = [daily(1, ALICE)]
    assert sentence(log, 9, commitments, reader=BOB) == (
        "Health stays at 5 until you lay planks too: one side alone cannot hold a bridge."
    )
    assert sentence(log, 9, commitments, reader=ALICE) == (
        "Health stays at 5 until Bob lays planks too: one side alone cannot hold a bridge."
    )


def test_alice_reads_her_own_run_of_kept_days_as_yours():
    log = Log()
    for n in range(4):
        log.secured(ALICE, day(n), 1)
        log.kept(BOB, day(n), 2)
    text = sentence(log, 3, [daily(1, ALICE), daily(2, BOB)], reader=BOB)
    assert "you kept" in text or "by you" in text, text
    assert "Bob" not in text


@settings(max_examples=60, deadline=None)
@given(bridge_logs())
def test_a_bridge_younger_than_its_first_days_has_just_started_and_older_is_judged(bridge):
    log, commitments = bridge
    start = min([a.day for a in log.acts] + [c.start for c in commitments], default=day(0))
    young = health_report(log.acts, commitments, [], start + (day(FIRST_DAYS - 2) - day(0)))
    old = health_report(log.acts, commitments, [], start + (day(FIRST_DAYS + 30) - day(0)))
    assert young.just_started or young.band.value != "broken"
    assert not old.just_started


def test_a_perfect_start_leaves_broken_on_the_day_just_started_ends():
    log = Log()
    both = [daily(1, ALICE), daily(2, BOB)]
    for n in range(FIRST_DAYS):
        log.secured(ALICE, day(n), 1)
        log.secured(BOB, day(n), 2)
    day_before = health_report(log.acts, both, [], day(FIRST_DAYS - 2))
    assert day_before.just_started and day_before.band.value == "broken"
    last = health_report(log.acts, both, [], day(FIRST_DAYS - 1))
    assert not last.just_started and last.band.value == "under_repair"
