"""Moments worth celebrating, and a person's week in figures: read from the one derivation.

A moment is earned by the same facts that earn badges (`Derivation.facts`,
`badges.earned_badges`) and the same span the bridge drawing counts
(`Derivation.percent`): no second rule. Each is about the reader and the bridge the
two build together, never about the partner, so there is nothing to compare.

The two halves meeting is the bridge complete: the 100 % milestone. A bridge's
moments are celebrated once per bridge; a badge is a personal first, celebrated
once per person whichever bridge earned it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from server.domain.badges import Badge, earned_badges
from server.domain.ledger import SideDay
from server.domain.planks import MILESTONES
from server.domain.resume import Derivation
from server.domain.sides import Side


class Moment(StrEnum):
    """Something earned, in the order of how much it means (the last one is the most)."""

    FIRST_PLANK = "first_plank"
    FIRST_LISTENING_SESSION = "first_listening_session"
    FIRST_OWNED_MISTAKE = "first_owned_mistake"
    SEVEN_DAY_STREAK = "seven_day_streak"
    SPAN_25 = "span_25"
    SPAN_50 = "span_50"
    SPAN_75 = "span_75"
    HALVES_MEET = "halves_meet"  # 100 %: the bridge is complete
    FIRST_BRIDGE_COMPLETED = "first_bridge_completed"


_FROM_BADGE = {
    Badge.FIRST_PLANK: Moment.FIRST_PLANK,
    Badge.SEVEN_DAY_STREAK: Moment.SEVEN_DAY_STREAK,
    Badge.FIRST_LISTENING_SESSION: Moment.FIRST_LISTENING_SESSION,
    Badge.FIRST_OWNED_MISTAKE: Moment.FIRST_OWNED_MISTAKE,
    Badge.FIRST_BRIDGE_COMPLETED: Moment.FIRST_BRIDGE_COMPLETED,
}
_FROM_MILESTONE = {
    25: Moment.SPAN_25,
    50: Moment.SPAN_50,
    75: Moment.SPAN_75,
    100: Moment.HALVES_MEET,
}
assert set(_FROM_MILESTONE) == set(MILESTONES)

# Celebrated once per person: a badge is a personal first. The first plank is each
# bridge's own (its first plank is a beginning, whichever bridge came before).
PERSONAL = frozenset(
    {
        Moment.SEVEN_DAY_STREAK,
        Moment.FIRST_LISTENING_SESSION,
        Moment.FIRST_OWNED_MISTAKE,
        Moment.FIRST_BRIDGE_COMPLETED,
    }
)
_RANK = {moment: n for n, moment in enumerate(Moment)}


def earned_moments(derivation: Derivation, side: Side, span: int) -> frozenset[Moment]:
    """The moments `side` has earned on the derived bridge."""
    badges = earned_badges(derivation.facts(side, span))
    percent = derivation.percent(span)
    return frozenset(
        {_FROM_BADGE[b] for b in badges}
        | {moment for m, moment in _FROM_MILESTONE.items() if percent >= m}
    )


def to_celebrate(
    earned: frozenset[Moment],
    celebrated_here: Iterable[Moment],
    celebrated_anywhere: Iterable[Moment],
) -> list[Moment]:
    """What is earned and not celebrated yet (on this bridge, or for a personal first
    on any bridge), the one that means most first."""
    here, anywhere = set(celebrated_here), set(celebrated_anywhere)
    fresh = [m for m in earned if m not in (anywhere if m in PERSONAL else here)]
    return sorted(fresh, key=lambda m: -_RANK[m])


@dataclass(frozen=True)
class WeekFigures:
    """One side's last seven local days: what was due, kept, and secured by the partner."""

    due: int
    kept: int
    secured: int  # the side's planks the partner confirmed


def week_figures(ledger: Iterable[SideDay], last_day: date) -> WeekFigures:
    """`ledger`'s figures over the seven local days ending on `last_day`."""
    first = last_day - timedelta(days=6)
    days = [day for day in ledger if first <= day.day <= last_day]
    return WeekFigures(
        due=sum(day.due for day in days),
        kept=sum(day.checked_in - day.self_missed for day in days),
        secured=sum(day.secured for day in days),
    )
