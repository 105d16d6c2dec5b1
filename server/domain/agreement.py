"""The repair plan as an agreement: each side answers the other's part, as written.

Each side writes its own part (a new version each time it saves). The other side
then agrees to that version or asks for a change with a note. An answer is about one
version: when its author saves a new one, the agreement to the old one no longer
holds, and the other side is asked again. The plan is agreed while both sides agree
to each other's current part.

A side's commitments are part of its part: when it adds one or retires one after the
other side agreed, that agreement lapses too, and the other side is asked again. The
side that changed keeps its own agreement to the other's part.

A commitment is part of the plan too, and it starts today or later in its owner's
local day: nothing can be checked in for days before it existed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from server.domain.sides import Side, other


class Answer(StrEnum):
    AGREE = "agree"
    CHANGE = "change"  # asks for a change, with a note saying which


class Standing(StrEnum):
    """Where one side's answer to the other's part stands."""

    NOTHING_TO_ANSWER = "nothing"  # the other side has not written a part yet
    WAITING = "waiting"  # a part to answer, and no answer to this version of it
    AGREED = "agreed"
    CHANGE_ASKED = "change_asked"
    # agreed to an earlier version: the part changed since, so the answer is asked again
    CHANGED_SINCE = "changed_since"


@dataclass(frozen=True)
class PlannedCommitment:
    """One of a side's commitments, as part of that side's part of the plan."""

    id: int
    added_at: datetime
    # None while it runs. Retired: the earliest instant it can have been retired (the
    # start of its owner's local day of retiring), as only that day is stored.
    retired_after: datetime | None = None


@dataclass(frozen=True)
class PartVersion:
    """One side's current part: the id of its newest version, when it was saved, and
    the side's commitments, running and retired."""

    id: int
    saved_at: datetime
    commitments: tuple[PlannedCommitment, ...] = ()

    @property
    def running(self) -> frozenset[int]:
        """The ids of the side's commitments that still run."""
        return frozenset(c.id for c in self.commitments if c.retired_after is None)


@dataclass(frozen=True)
class PartAnswer:
    """One side's answer to one version of the other side's part."""

    side: Side  # who answered
    part: int  # the version answered
    answer: Answer
    at: datetime
    id: int = 0  # its stored row's, to find its note
    # The other side's running commitments when it was given; None for an answer
    # given before they were recorded (then only their times can tell).
    commitments: frozenset[int] | None = None


@dataclass(frozen=True)
class SideAnswer:
    """Where `side`'s answer to the other side's part stands, and since when."""

    side: Side
    standing: Standing
    since: datetime | None = None  # when the answer in force was given
    answer: PartAnswer | None = None


def commitments_changed(theirs: PartVersion, answer: PartAnswer) -> datetime | None:
    """When the answered side last added or retired a commitment after `answer` was
    given, or None if its commitments are as they were then.

    One added and retired since, or retired and never seen, changes nothing."""
    seen = answer.commitments
    changes: list[datetime] = []
    for c in theirs.commitments:
        if seen is not None:
            was_running = c.id in seen
        else:  # an older answer: its time against the commitment's times
            was_running = c.added_at <= answer.at and (
                c.retired_after is None or c.retired_after > answer.at
            )
        if c.retired_after is None and not was_running:
            changes.append(c.added_at)  # added since
        elif c.retired_after is not None and was_running:
            changes.append(max(c.retired_after, answer.at))  # retired since
    return max(changes, default=None)


def standing(
    side: Side, parts: Mapping[Side, PartVersion | None], answers: Iterable[PartAnswer]
) -> SideAnswer:
    """Where `side`'s answer to the other side's current part stands."""
    theirs = parts.get(other(side))
    if theirs is None:
        return SideAnswer(side, Standing.NOTHING_TO_ANSWER)
    mine = [a for a in answers if a.side == side]
    current = [a for a in mine if a.part == theirs.id]
    if current:
        last = current[-1]
        if last.answer is Answer.CHANGE:
            return SideAnswer(side, Standing.CHANGE_ASKED, last.at, last)
        changed = commitments_changed(theirs, last)
        if changed is not None:
            return SideAnswer(side, Standing.CHANGED_SINCE, changed)
        return SideAnswer(side, Standing.AGREED, last.at, last)
    if any(a.answer is Answer.AGREE for a in mine):
        return SideAnswer(side, Standing.CHANGED_SINCE, theirs.saved_at)
    return SideAnswer(side, Standing.WAITING)


def agreement(
    parts: Mapping[Side, PartVersion | None], answers: Iterable[PartAnswer]
) -> dict[Side, SideAnswer]:
    """Both sides' answers, each to the other's current part (answers oldest first)."""
    found = list(answers)
    return {side: standing(side, parts, found) for side in Side}


def agreed_since(answers: Mapping[Side, SideAnswer]) -> datetime | None:
    """When the plan became agreed by both sides, or None while it is not."""
    if all(a.standing is Standing.AGREED and a.since for a in answers.values()):
        return max(a.since for a in answers.values() if a.since)
    return None


def answer_problem(
    side: Side,
    part: int,
    parts: Mapping[Side, PartVersion | None],
    partner: str,
    commitments: frozenset[int] | None = None,
) -> str | None:
    """Why `side` may not answer version `part` of the other side's part, with the
    `commitments` it read (None: not said), or None."""
    theirs = parts.get(other(side))
    if theirs is None:
        return f"{partner} has not written their part yet: there is nothing to answer."
    if part != theirs.id or (commitments is not None and commitments != theirs.running):
        return f"{partner} changed their part since you opened it: read it again, then answer."
    return None


def commitment_start_problem(start: date, today: date) -> str | None:
    """Why a new commitment may not start on `start`, or None (`today`: its owner's)."""
    if start < today:
        return (
            "A commitment starts today or later: nothing can be checked in "
            "for days before it existed."
        )
    return None
