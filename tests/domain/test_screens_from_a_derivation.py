"""The bridge page read from a bridge's derivation says what the whole log says: health
with its sentence and why it moved, progress, the drawing's planks and each side's
silence, for either reader, however the derivation came about (derived afresh,
carried to later days, carried on with new acts or with answers to settled planks)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from test_resume import CATCH_UP, LATER, act_later, bridges
from trust_builders import ALICE, BOB, NAMES, Log, daily, day, evening

from server.domain import (
    ActKind,
    Commitment,
    Derivation,
    Pause,
    Side,
    TrustAct,
    advance,
    away,
    away_of,
    bridge_progress,
    derive_bridge,
    drawn_planks,
    drawn_planks_of,
    health_report,
    late_since,
    progress_of,
    report_of,
)

KEEP = 30
SPAN = 20
# Bob a day ahead of Alice now and then: confirmations made on "today" differ by zone.
ZONES = st.sampled_from(
    [{}, {ALICE: "America/Los_Angeles", BOB: "Pacific/Kiritimati"}, {ALICE: "Europe/Paris"}]
)


def answers_since(log: list[TrustAct], today: date) -> list[TrustAct]:
    """What the page reads of the log for late confirmations: the confirmations made
    since `late_since(today)`, the planks they confirm and every answer to those."""
    since = late_since(today)
    planks = {a.target_id for a in log if a.kind is ActKind.CONFIRMATION and a.created_at >= since}
    answers = {a.id for a in log if a.target_id in planks}
    wanted = planks | answers | {a.id for a in log if a.target_id in answers}
    return [a for a in log if a.id in wanted]


def the_page_says_what_the_log_says(
    derived: Derivation,
    log: list[TrustAct],
    commitments: list[Commitment],
    pauses: list[Pause],
    zones: dict[Side, str],
) -> None:
    today = derived.today
    for reader in Side:
        from_derivation = report_of(
            derived, names=NAMES, reader=reader, answers=answers_since(log, today), zones=zones
        )
        whole = health_report(
            log, commitments, pauses, today, names=NAMES, reader=reader, zones=zones
        )
        assert from_derivation == whole
    assert progress_of(derived, SPAN) == bridge_progress(log, SPAN)
    assert drawn_planks_of(derived) == drawn_planks(log)
    for side in Side:
        assert away_of(derived, [], side) == away(log, commitments, pauses, [], side, today)


@settings(max_examples=200, deadline=None)
@given(bridges(), st.integers(-3, 30), st.lists(st.integers(0, 6), min_size=1, max_size=5), ZONES)
def test_a_derivation_carried_to_later_days_reads_as_the_whole_log(bridge, first, steps, zones):
    log, commitments, pauses = bridge
    today = day(first)
    derived = derive_bridge(log.acts, commitments, pauses, today, keep=KEEP)
    the_page_says_what_the_log_says(derived, log.acts, commitments, pauses, zones)
    for step in steps:
        today += timedelta(days=step)
        derived = advance(derived, today) or derive_bridge(
            log.acts, commitments, pauses, today, keep=KEEP
        )
        the_page_says_what_the_log_says(derived, log.acts, commitments, pauses, zones)


@settings(max_examples=200, deadline=None)
@given(bridges(), st.integers(0, 28), LATER, st.integers(0, 3), ZONES)
def test_new_acts_carried_on_read_as_the_whole_log(bridge, first, later, days_on, zones):
    log, commitments, pauses = bridge
    today = day(first)
    derived = derive_bridge(log.acts, commitments, pauses, today, keep=KEEP)
    before = len(log.acts)
    today += timedelta(days=days_on)
    act_later(log, later, today)
    carried = advance(derived, today, log.acts[before:]) or derive_bridge(
        log.acts, commitments, pauses, today, keep=KEEP
    )
    the_page_says_what_the_log_says(carried, log.acts, commitments, pauses, zones)


@settings(max_examples=200, deadline=None)
@given(bridges(), st.integers(8, 30), CATCH_UP, ZONES)
def test_late_answers_to_settled_planks_read_as_the_whole_log(bridge, first, steps, zones):
    # Bob catches up on Alice's planks of the last weeks today (the news of "+3 since
    # yesterday"), takes some confirmations back, and the days go on.
    log, commitments, pauses = bridge
    today = day(first)
    derived = derive_bridge(log.acts, commitments, pauses, today, keep=KEEP)
    for what, pick in steps:
        new: list[TrustAct] = []
        if what == "next day":
            today += timedelta(days=1)
        elif what == "confirm":
            waiting = [
                a
                for side in Side
                for a in derived.waiting[side]
                if not any(p.covers(a.day) for p in pauses)
            ]
            if waiting:
                new.append(log.confirm(waiting[pick % len(waiting)], at=evening(today)))
        else:
            mine = [a.id for a in derived.late if a.kind is ActKind.CONFIRMATION]
            if mine:
                target = next(a for a in log.acts if a.id == mine[pick % len(mine)])
                new.append(log.withdraw(target))
        derived = advance(derived, today, new) or derive_bridge(
            log.acts, commitments, pauses, today, keep=KEEP
        )
        the_page_says_what_the_log_says(derived, log.acts, commitments, pauses, zones)


def test_a_year_of_history_draws_its_first_planks_and_its_last_misses():
    # A year on, the drawing still starts from the bridge's first planks (long settled)
    # and the water holds the last misses, as the whole log draws them.
    log = Log()
    commitments = [daily(1, ALICE), daily(2, BOB)]
    for n in range(365):
        if n % 7 == 3:
            log.missed(ALICE, day(n), 1)
        else:
            log.secured(ALICE, day(n), 1)
        if n % 11 == 5:
            log.reported(BOB, day(n), 2)
        elif n % 2:
            log.kept(BOB, day(n), 2)
    derived = derive_bridge(log.acts[:400], commitments, [], day(100), keep=KEEP)
    derived = advance(derived, day(365), log.acts[400:]) or derived
    assert derived.settled > day(300)
    the_page_says_what_the_log_says(derived, log.acts, commitments, [], {})
