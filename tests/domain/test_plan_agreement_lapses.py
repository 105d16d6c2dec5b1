"""A side's commitments are part of its part: adding or retiring one after the other
side agreed lapses that agreement, and the side that changed keeps its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from server.domain.agreement import (
    Answer,
    PartAnswer,
    PartVersion,
    PlannedCommitment,
    Standing,
    agreed_since,
    agreement,
    answer_problem,
    commitments_changed,
)
from server.domain.sides import Side

A, B = Side("a"), Side("b")
MORNING = datetime(2026, 12, 7, 9, tzinfo=UTC)
NOON = MORNING + timedelta(hours=3)
EVENING = MORNING + timedelta(hours=9)


def part(pid: int, *commitments: PlannedCommitment) -> PartVersion:
    return PartVersion(pid, MORNING - timedelta(hours=1), tuple(commitments))


def agreed(side: Side, to: PartVersion, at: datetime = NOON) -> PartAnswer:
    return PartAnswer(side, to.id, Answer.AGREE, at, commitments=to.running)


def test_alice_adds_a_commitment_after_bob_agreed_and_only_bobs_agreement_lapses() -> None:
    alices, bobs = part(1), part(2)
    answers = [agreed(B, alices), agreed(A, bobs)]
    assert agreed_since(agreement({A: alices, B: bobs}, answers)) == NOON

    added = part(1, PlannedCommitment(10, EVENING))
    seen = agreement({A: added, B: bobs}, answers)
    assert seen[B].standing is Standing.CHANGED_SINCE and seen[B].since == EVENING
    assert seen[A].standing is Standing.AGREED  # Alice's own agreement stands
    assert agreed_since(seen) is None


def test_bob_retires_a_commitment_the_same_day_alice_agreed_and_she_is_asked_again() -> None:
    promise = PlannedCommitment(10, MORNING)
    bobs = part(2, promise)
    answer = agreed(A, bobs, NOON)
    # Only the day is stored: its start is before Alice agreed, yet she saw it running.
    retired = part(2, PlannedCommitment(10, MORNING, retired_after=MORNING.replace(hour=0)))
    seen = agreement({A: part(1), B: retired}, [answer])
    assert seen[A].standing is Standing.CHANGED_SINCE
    assert seen[A].since == NOON  # no earlier than her agreement


def test_one_retired_before_alice_agreed_does_not_lapse_it_nor_ask_her_forever() -> None:
    gone = PlannedCommitment(10, MORNING, retired_after=MORNING.replace(hour=0))
    bobs = part(2, gone, PlannedCommitment(11, MORNING))
    seen = agreement({A: part(1), B: bobs}, [agreed(A, bobs)])
    assert seen[A].standing is Standing.AGREED


def test_one_added_and_retired_since_changes_nothing() -> None:
    bobs = part(2, PlannedCommitment(10, MORNING))
    answer = agreed(A, bobs)
    later = part(2, PlannedCommitment(10, MORNING), PlannedCommitment(11, EVENING, EVENING))
    assert commitments_changed(later, answer) is None


def test_an_answer_from_before_commitments_were_recorded_reads_their_times() -> None:
    bobs = part(2, PlannedCommitment(10, MORNING))
    old = PartAnswer(A, 2, Answer.AGREE, NOON)  # commitments None
    assert commitments_changed(bobs, old) is None
    added = part(2, PlannedCommitment(10, MORNING), PlannedCommitment(11, EVENING))
    assert commitments_changed(added, old) == EVENING
    retired_next_day = part(2, PlannedCommitment(10, MORNING, MORNING + timedelta(days=1)))
    assert commitments_changed(retired_next_day, old) == MORNING + timedelta(days=1)


def test_a_change_asked_stays_asked_when_commitments_change() -> None:
    bobs = part(2)
    asked = PartAnswer(A, 2, Answer.CHANGE, NOON, commitments=frozenset())
    seen = agreement({A: part(1), B: part(2, PlannedCommitment(10, EVENING))}, [asked])
    assert seen[A].standing is Standing.CHANGE_ASKED
    assert bobs.running == frozenset()


def test_an_answer_to_commitments_that_changed_meanwhile_is_refused() -> None:
    bobs = part(2, PlannedCommitment(10, MORNING))
    parts = {A: part(1), B: bobs}
    assert answer_problem(A, 2, parts, "Bob", frozenset({10})) is None
    assert answer_problem(A, 2, parts, "Bob", None) is None  # the API's: not said
    problem = answer_problem(A, 2, parts, "Bob", frozenset())
    assert problem is not None and "Bob changed their part since you opened it" in problem


@given(
    before=st.sets(st.integers(1, 30)),
    added=st.sets(st.integers(31, 60)),
    retired=st.sets(st.integers(1, 30)),
)
def test_any_add_or_retire_after_agreement_lapses_it_and_never_the_changers_own(
    before: set[int], added: set[int], retired: set[int]
) -> None:
    retired &= before
    bobs = part(2, *(PlannedCommitment(i, MORNING) for i in sorted(before)))
    alices = part(1)
    answers = [agreed(A, bobs), agreed(B, alices)]
    now = part(
        2,
        *(PlannedCommitment(i, MORNING, EVENING if i in retired else None) for i in sorted(before)),
        *(PlannedCommitment(i, EVENING) for i in sorted(added)),
    )
    seen = agreement({A: alices, B: now}, answers)
    changed = bool(added or retired)
    assert (seen[A].standing is Standing.CHANGED_SINCE) is changed
    assert (seen[A].standing is Standing.AGREED) is not changed
    assert seen[B].standing is Standing.AGREED
    assert (agreed_since(seen) is None) is changed
