"""Planks and the span: how far each half of the bridge reaches.

Each live act lays one plank on its owner's side: laid (logged by the owner), secured
(confirmed by the partner), cracked (a miss the owner reported) or broken (a miss the
partner reported). Planks are never erased; health, not the span, feels the misses.

The daily cap: at most one plank per side per local day counts toward the span, so a
bridge cannot be thrown together at the last minute. A day counts when it holds at
least one laid or secured plank, even if something else was missed that day: the kept
item really was kept, and the miss is charged to health instead.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import IntEnum

from server.domain.acts import ActKind, LiveAct, TrustAct, as_live
from server.domain.sides import Side

DEFAULT_SPAN = 30
MILESTONES = (25, 50, 75, 100)


class PlankState(IntEnum):
    """A plank's state, ordered from worst to best so max() picks a day's best."""

    BROKEN = 0
    CRACKED = 1
    LAID = 2
    SECURED = 3

    @property
    def counts(self) -> bool:
        """Whether a plank in this state counts toward the span."""
        return self >= _LAID


@dataclass(frozen=True)
class Plank:
    """One plank on `side`, on the owner's local `day`, from act `act_id`."""

    act_id: int
    side: Side
    day: date
    state: PlankState


def plank_state(live: LiveAct) -> PlankState:
    """The state of the plank a live act lays."""
    kind = live.act.kind
    if kind is _MISSED_PARTNER:
        return _BROKEN
    if kind is _MISSED_SELF:
        return _CRACKED
    return _SECURED if live.confirmed else _LAID


# Bound once: every act of a bridge is read, and on Python 3.11 an enum's class
# attribute costs more than the rule.
_MISSED_PARTNER, _MISSED_SELF = ActKind.MISSED_PARTNER, ActKind.MISSED_SELF
_BROKEN, _CRACKED, _LAID, _SECURED = (
    PlankState.BROKEN,
    PlankState.CRACKED,
    PlankState.LAID,
    PlankState.SECURED,
)


def _counting_kinds(confirmed: bool) -> frozenset[ActKind]:
    """The kinds of act whose plank counts toward the span, read from `plank_state`."""
    at = datetime.min.replace(tzinfo=UTC)
    return frozenset(
        kind
        for kind in ActKind
        if plank_state(LiveAct(TrustAct(0, kind, Side.A, Side.A, at.date(), at), confirmed)).counts
    )


# COUNTING_KINDS[confirmed]: for a loop over every act of a bridge, a set lookup where
# plank_state(live).counts costs two calls an act (the rule itself stays above).
COUNTING_KINDS = (_counting_kinds(False), _counting_kinds(True))


def planks(log: Iterable[TrustAct] | Iterable[LiveAct]) -> list[Plank]:
    """Every plank the log lays, withdrawn acts left out."""
    return [
        Plank(live.act.id, live.act.owner, live.act.day, plank_state(live)) for live in as_live(log)
    ]


def day_planks(log: Iterable[TrustAct] | Iterable[LiveAct]) -> dict[tuple[Side, date], PlankState]:
    """The best plank per side per local day: the one plank that day can add to the span."""
    best: dict[tuple[Side, date], PlankState] = {}
    for live in as_live(log):  # every derivation runs this: no Plank built per act
        key = (live.act.owner, live.act.day)
        state = plank_state(live)
        kept = best.get(key)
        if kept is None or state > kept:
            best[key] = state
    return best


def half_needed(span: int) -> int:
    """Planks each side must lay for its half to reach the middle (span / 2, rounded up)."""
    return -(-span // 2)


@dataclass(frozen=True)
class BridgeProgress:
    """How far the bridge reaches: per side, counted days and secured days."""

    span: int
    half_needed: int
    planks: dict[Side, int]  # local days with a laid or secured plank
    secured: dict[Side, int]  # local days whose best plank is secured
    complete: bool
    percent: int  # 0-100; one side alone reaches at most 50
    milestones: tuple[int, ...]  # the MILESTONES reached


def bridge_progress(
    log: Iterable[TrustAct] | Iterable[LiveAct], span: int = DEFAULT_SPAN
) -> BridgeProgress:
    """Count each side's half: one plank per side per day, both halves needed to complete."""
    counted = {Side.A: 0, Side.B: 0}
    secured = {Side.A: 0, Side.B: 0}
    for (side, _day), state in day_planks(log).items():
        counted[side] += state.counts
        secured[side] += state is PlankState.SECURED
    return progress_of_days(counted, secured, span)


def progress_of_days(
    counted: Mapping[Side, int], secured: Mapping[Side, int], span: int = DEFAULT_SPAN
) -> BridgeProgress:
    """The bridge's progress from each side's counted and secured plank days."""
    if span < 1:
        raise ValueError("span must be at least 1")
    half = half_needed(span)
    counted, secured = dict(counted), dict(secured)
    percent = span_percent(counted, span)
    return BridgeProgress(
        span=span,
        half_needed=half,
        planks=counted,
        secured=secured,
        complete=all(n >= half for n in counted.values()),
        percent=percent,
        milestones=tuple(m for m in MILESTONES if percent >= m),
    )


def span_percent(counted: Mapping[Side, int], span: int) -> int:
    """How far across the bridge is (0-100), from each side's counted plank days."""
    half = half_needed(span)
    # Planks beyond the middle cannot make up for the other half.
    reach = sum(min(n, half) for n in counted.values())
    return 100 * reach // (2 * half)


def completed_on(
    log: Iterable[TrustAct] | Iterable[LiveAct], span: int = DEFAULT_SPAN
) -> date | None:
    """The local day the second half reached the middle, or None if it has not yet."""
    half = half_needed(span)
    days: dict[Side, list[date]] = {Side.A: [], Side.B: []}
    for (side, day), state in day_planks(log).items():
        if state.counts:
            days[side].append(day)
    if any(len(d) < half for d in days.values()):
        return None
    return max(sorted(d)[half - 1] for d in days.values())
