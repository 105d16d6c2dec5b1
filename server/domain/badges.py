"""Personal badges: each person against their own consistency, never against others."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from server.domain.acts import ActKind, LiveAct, TrustAct, as_live
from server.domain.planks import DEFAULT_SPAN, bridge_progress, plank_state
from server.domain.sides import Side

SEVEN_DAYS = 7


class Badge(StrEnum):
    """A personal first."""

    FIRST_PLANK = "first_plank"
    SEVEN_DAY_STREAK = "seven_day_streak"
    FIRST_LISTENING_SESSION = "first_listening_session"
    FIRST_OWNED_MISTAKE = "first_owned_mistake"
    FIRST_BRIDGE_COMPLETED = "first_bridge_completed"


@dataclass(frozen=True)
class PersonFacts:
    """What one person has done, summed over their bridges."""

    planks: int = 0  # laid or secured planks, withdrawn ones left out
    listening_sessions: int = 0
    owned_mistakes: int = 0
    bridges_completed: int = 0
    best_streak: int = 0


def bridge_facts(
    log: Iterable[TrustAct] | Iterable[LiveAct],
    side: Side,
    span: int = DEFAULT_SPAN,
    best_streak: int = 0,
) -> PersonFacts:
    """One person's facts on one bridge, where they stand on `side` (from its log, or
    its live acts when the caller derived them already)."""
    live = as_live(log)
    mine = [item for item in live if item.act.owner == side]
    return PersonFacts(
        planks=sum(plank_state(item).counts for item in mine),
        listening_sessions=sum(item.act.kind is ActKind.LISTENING for item in mine),
        owned_mistakes=sum(item.act.kind is ActKind.MISTAKE for item in mine),
        bridges_completed=int(bridge_progress(live, span).complete),
        best_streak=best_streak,
    )


def combine_facts(facts: Iterable[PersonFacts]) -> PersonFacts:
    """A person's facts over all their bridges (the best streak is the longest one)."""
    facts = list(facts)
    return PersonFacts(
        planks=sum(f.planks for f in facts),
        listening_sessions=sum(f.listening_sessions for f in facts),
        owned_mistakes=sum(f.owned_mistakes for f in facts),
        bridges_completed=sum(f.bridges_completed for f in facts),
        best_streak=max((f.best_streak for f in facts), default=0),
    )


def earned_badges(facts: PersonFacts) -> frozenset[Badge]:
    """The badges `facts` earn."""
    earned = {
        Badge.FIRST_PLANK: facts.planks >= 1,
        Badge.SEVEN_DAY_STREAK: facts.best_streak >= SEVEN_DAYS,
        Badge.FIRST_LISTENING_SESSION: facts.listening_sessions >= 1,
        Badge.FIRST_OWNED_MISTAKE: facts.owned_mistakes >= 1,
        Badge.FIRST_BRIDGE_COMPLETED: facts.bridges_completed >= 1,
    }
    return frozenset(badge for badge, won in earned.items() if won)
