"""The rules of trust: pure functions from a bridge's log to planks, health and badges.

No I/O here: the web and database layers map rows to these dataclasses and back.
"""

from server.domain.acts import (
    CONFIRMATION_LABELS,
    WITHDRAW_WINDOW,
    ActKind,
    LiveAct,
    TrustAct,
    can_confirm,
    can_withdraw,
    live_acts,
    withdrawn_ids,
)
from server.domain.badges import (
    Badge,
    PersonFacts,
    bridge_facts,
    combine_facts,
    earned_badges,
)
from server.domain.cadence import (
    Cadence,
    Commitment,
    due_days,
    is_due,
    validate_cadence,
)
from server.domain.health import Band, band
from server.domain.ledger import Outcome, SideDay, bridge_days, side_days
from server.domain.localday import (
    Pause,
    bridge_paused,
    can_check_in,
    grace_closed,
    local_today,
    oldest_open_day,
)
from server.domain.occurrences import (
    Occurrence,
    OccurrenceState,
    occurrence_for,
    occurrences,
    on_today,
)
from server.domain.planks import (
    DEFAULT_SPAN,
    MILESTONES,
    BridgeProgress,
    Plank,
    PlankState,
    bridge_progress,
    completed_on,
    day_planks,
    half_needed,
    planks,
)
from server.domain.report import HealthReport, health_report
from server.domain.resume import Derivation, Tally, advance, derive_bridge
from server.domain.sides import Side, other
from server.domain.streaks import (
    DayCheck,
    best_streak,
    checkins,
    current_streak,
    merge_checkins,
    streak_across,
)

__all__ = [
    "CONFIRMATION_LABELS",
    "DEFAULT_SPAN",
    "MILESTONES",
    "WITHDRAW_WINDOW",
    "ActKind",
    "Badge",
    "Band",
    "BridgeProgress",
    "Cadence",
    "Commitment",
    "DayCheck",
    "Derivation",
    "HealthReport",
    "LiveAct",
    "Occurrence",
    "OccurrenceState",
    "Outcome",
    "Pause",
    "PersonFacts",
    "Plank",
    "PlankState",
    "Side",
    "SideDay",
    "Tally",
    "TrustAct",
    "advance",
    "band",
    "best_streak",
    "bridge_days",
    "bridge_facts",
    "bridge_paused",
    "bridge_progress",
    "can_check_in",
    "can_confirm",
    "can_withdraw",
    "checkins",
    "combine_facts",
    "completed_on",
    "current_streak",
    "day_planks",
    "derive_bridge",
    "due_days",
    "earned_badges",
    "grace_closed",
    "half_needed",
    "health_report",
    "is_due",
    "live_acts",
    "local_today",
    "merge_checkins",
    "occurrence_for",
    "occurrences",
    "oldest_open_day",
    "on_today",
    "other",
    "planks",
    "side_days",
    "streak_across",
    "validate_cadence",
    "withdrawn_ids",
]
