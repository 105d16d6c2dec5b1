"""The repair plan as an agreement: each side answers the other's part, as written.

Each side writes its own part (a new version each time it saves). The other side
then agrees to that version or asks for a change with a note. An answer is about one
version: when its author saves a new one, the agreement to the old one no longer
holds, and the other side is asked again. The plan is agreed while both sides agree
to each other's current part.

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
class PartVersion:
    """One side's current part: the id of its newest version, and when it was saved."""

    id: int
    saved_at: datetime


@dataclass(frozen=True)
class PartAnswer:
    """One side's answer to one version of the other side's part."""

    side: Side  # who answered
    part: int  # the version answered
    answer: Answer
    at: datetime
    id: int = 0  # its stored row's, to find its note


@dataclass(frozen=True)
class SideAnswer:
    """Where `side`'s answer to the other side's part stands, and since when."""

    side: Side
    standing: Standing
    since: datetime | None = None  # when the answer in force was given
    answer: PartAnswer | None = None


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
        state = Standing.AGREED if last.answer is Answer.AGREE else Standing.CHANGE_ASKED
        return SideAnswer(side, state, last.at, last)
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
    side: Side, part: int, parts: Mapping[Side, PartVersion | None], partner: str
) -> str | None:
    """Why `side` may not answer version `part` of the other side's part, or None."""
    theirs = parts.get(other(side))
    if theirs is None:
        return f"{partner} has not written their part yet: there is nothing to answer."
    if part != theirs.id:
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
