"""A bridge derived up to a day, and carried on from there instead of from its start.

A bridge's log only grows, and every morning each day past its grace window is
settled: with no new act about it, nothing can change it again. So a derivation
keeps a summary of its settled days (each side's health value and run of quiet days,
streak record, plank and act counts, and planks still waiting for a confirmation)
and the few acts a later day can still read. Two things then cost only the recent
days instead of the whole history:

- a later local day with the log unchanged (`advance(d, today)`): the lead's first
  visit of a day;
- new acts appended that touch only recent days (`advance(d, today, new_acts)`): a
  check-in, a confirmation of a recent plank, a withdrawal; everyone's Today after it.

Anything else (a confirmation of an old plank, a changed commitment or pause) makes
`advance` answer None and the caller derives the whole log again. The rules are the
ledger's, health's, streaks' and planks' own; only the days they run over are fewer.
`derive_bridge` is carrying on from an empty summary, so there is one derivation, and
tests/domain/test_resume.py proves carrying on equals deriving the whole log afresh.

What is settled: with the log unchanged, a day before the grace window (the day
before `oldest_open_day(today)`) can no longer change. Its items are kept, missed,
reported or lapsed; its planks and misses are in the log; and every rule that reads
"today" (lapses, the open items of the grace window, one-offs not started yet) reads
only days after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import NamedTuple

from server.domain.acts import ActKind, LiveAct, TrustAct, can_confirm, live_acts
from server.domain.badges import PersonFacts
from server.domain.cadence import Cadence, Commitment
from server.domain.health import bridge_points, shown, side_run
from server.domain.ledger import SideDay, first_day, side_days
from server.domain.localday import ONE_DAY, Pause, oldest_open_day
from server.domain.pauses import ASK_BACK_DAYS, ASKING_KINDS
from server.domain.planks import (
    PlankState,
    day_planks,
    half_needed,
    plank_state,
    span_percent,
)
from server.domain.sides import Side
from server.domain.streaks import DayCheck, day_check

ANSWERS = (ActKind.CONFIRMATION, ActKind.WITHDRAWAL)


class Tally(NamedTuple):
    """One side's counts over a stretch of days: what its facts and progress add up."""

    planks: int = 0  # live acts whose plank counts (laid or secured)
    listening: int = 0
    mistakes: int = 0
    plank_days: int = 0  # days whose best plank counts toward the span
    secured_days: int = 0  # days whose best plank is secured

    def plus(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(self, other, strict=True)))


class SideSummary(NamedTuple):
    """One side's settled days, summed up."""

    value: float = 0.0  # health value at the end of the last settled day
    quiet: int = 0  # quiet days in a row it ends with
    record: dict[date, DayCheck] = {}  # never mutated: each summary makes a new one
    tally: Tally = Tally()
    waiting: tuple[TrustAct, ...] = ()  # the partner's acts this side may still confirm
    recent_days: tuple[SideDay, ...] = ()  # the last ASK_BACK_DAYS settled ledger days


class Derivation(NamedTuple):
    """A bridge on a local day: what every screen reads, and what a later day or a
    few new acts carry on from."""

    today: date
    keep: int  # how many daily scores `scores` keeps
    scores: list[int]  # the bridge's health at the end of each recent day, oldest first
    paused: bool  # a pause covers today
    records: dict[Side, dict[date, DayCheck]]  # every day's streak check, per side
    tallies: dict[Side, Tally]
    waiting: dict[Side, list[TrustAct]]  # acts each side may confirm and has not, in log order
    live: list[LiveAct]  # the live acts of the unsettled days (and of one-offs still open)
    ledgers: dict[Side, list[SideDay]]  # each side's ledger over the last ASK_BACK_DAYS
    last_act_id: int
    last_act_at: datetime | None
    # What carrying on reads:
    start: date  # the bridge's first day (after `today` while nothing is on it yet)
    settled: date  # the last summarized day
    summary: dict[Side, SideSummary]
    settled_scores: list[int]  # the last `keep` scores up to `settled`
    recent: list[TrustAct]  # the acts an unsettled day can read, and the answers to them
    commitments: list[Commitment]
    pauses: list[Pause]

    def half_reached(self, span: int) -> dict[Side, bool]:
        """Whether each side's counted plank days reach the middle of `span`."""
        half = half_needed(span)
        return {side: t.plank_days >= half for side, t in self.tallies.items()}

    def percent(self, span: int) -> int:
        """How far across the bridge is, as `planks.bridge_progress` counts it."""
        return span_percent({side: t.plank_days for side, t in self.tallies.items()}, span)

    def facts(self, side: Side, span: int, best_streak: int) -> PersonFacts:
        """`side`'s facts on this bridge, as `badges.bridge_facts` counts them."""
        tally = self.tallies[side]
        return PersonFacts(
            planks=tally.planks,
            listening_sessions=tally.listening,
            owned_mistakes=tally.mistakes,
            bridges_completed=int(all(self.half_reached(span).values())),
            best_streak=best_streak,
        )


def derive_bridge(
    log: Iterable[TrustAct],
    commitments: Iterable[Commitment],
    pauses: Iterable[Pause],
    today: date,
    *,
    keep: int,
) -> Derivation:
    """The bridge on the local date `today`, from its whole log."""
    log, commitments, pauses = list(log), list(commitments), list(pauses)
    start = first_day(log, commitments) or today + ONE_DAY
    empty = {side: SideSummary() for side in Side}
    return _carry_on(
        log, commitments, pauses, start, today, keep, start - ONE_DAY, empty, [], 0, None
    )


def advance(
    derivation: Derivation,
    today: date,
    new_acts: Iterable[TrustAct] = (),
    commitments: Iterable[Commitment] | None = None,
    pauses: Iterable[Pause] | None = None,
) -> Derivation | None:
    """`derivation`'s bridge on the later local day `today`, with `new_acts` appended
    to its log (each with an id above `last_act_id`); None when they reach back
    into settled days, or the commitments or pauses changed: derive afresh then."""
    new_acts = list(new_acts)
    commitments = derivation.commitments if commitments is None else list(commitments)
    pauses = derivation.pauses if pauses is None else list(pauses)
    if today < derivation.today:
        raise ValueError("a derivation carries on to a later day, never back")
    if commitments != derivation.commitments or pauses != derivation.pauses:
        return None
    if derivation.last_act_id == 0 and not commitments:
        return None  # nothing on it yet: its first day is not known
    if any(act.id <= derivation.last_act_id for act in new_acts):
        raise ValueError("new acts come after the ones already derived")
    # Answers may only reach planks of unsettled days (a one-off's act on a settled
    # day is kept for its occurrence, but its day is summed up already).
    reachable: set[int] = set()
    for act in (*derivation.recent, *new_acts):  # in log order
        if act.kind in ANSWERS:
            if act.target_id in reachable:  # a withdrawal of a recent confirmation too
                reachable.add(act.id)
        elif act.day > derivation.settled:
            reachable.add(act.id)
    for act in new_acts:
        if act.kind in ANSWERS:
            if act.target_id not in reachable:
                return None  # it answers an act of a settled day
        elif act.day <= derivation.settled:
            return None  # a plank for a settled day (a buggy client, an import)
    return _carry_on(
        derivation.recent + new_acts,
        commitments,
        pauses,
        derivation.start,
        today,
        derivation.keep,
        derivation.settled,
        derivation.summary,
        derivation.settled_scores,
        derivation.last_act_id,
        derivation.last_act_at,
    )


def _carry_on(
    recent: list[TrustAct],
    commitments: list[Commitment],
    pauses: list[Pause],
    start: date,
    today: date,
    keep: int,
    settled: date,
    summary: dict[Side, SideSummary],
    settled_scores: list[int],
    last_act_id: int,
    last_act_at: datetime | None,
) -> Derivation:
    """Derive the days after `settled` up to `today` from `recent`, going on from
    `summary`; summarize the days that are now settled too."""
    if recent:
        last_act_id = max(last_act_id, max(a.id for a in recent))
        # Asking to pause past days, and the answer, are between the two sides: the
        # lead's "last act" is the last plank or confirmation, never that anyone asked.
        newest = max((a.created_at for a in recent if a.kind not in ASKING_KINDS), default=None)
        if newest is not None:
            last_act_at = newest if last_act_at is None else max(last_act_at, newest)
    begin = settled + ONE_DAY
    now_settled = max(oldest_open_day(today) - ONE_DAY, settled)
    live = live_acts(recent)
    unsettled = [item for item in live if item.act.day > settled]
    days_of = {side: side_days(live, commitments, pauses, side, begin, today) for side in Side}
    n_settled = max(0, (now_settled - begin).days + 1)  # ledger days now settled
    records: dict[Side, dict[date, DayCheck]] = {}
    ledgers: dict[Side, list[SideDay]] = {}
    tallies: dict[Side, Tally] = {}
    waiting: dict[Side, list[TrustAct]] = {}
    new_summary: dict[Side, SideSummary] = {}
    values: dict[Side, list[float]] = {}
    best = day_planks(unsettled)  # each side's best plank per unsettled day
    for side in Side:
        was = summary[side]
        days = days_of[side]
        checks = {day.day: day_check(day) for day in days}
        closing, end_value, end_quiet = side_run(days[:n_settled], was.value, was.quiet)
        later, _, _ = side_run(days[n_settled:], end_value, end_quiet)
        values[side] = closing + later
        mine = [item for item in unsettled if item.act.owner is side]
        early = _tally(mine, best, side, now_settled, early=True)
        tally_now = was.tally.plus(early).plus(_tally(mine, best, side, now_settled, early=False))
        open_to_me = [
            item.act for item in unsettled if not item.confirmed and can_confirm(item.act, side)
        ]
        settled_waiting = was.waiting + tuple(a for a in open_to_me if a.day <= now_settled)
        window = today - timedelta(days=ASK_BACK_DAYS)
        ledgers[side] = [day for day in (*was.recent_days, *days) if day.day >= window]
        records[side] = {**was.record, **checks}
        tallies[side] = tally_now
        waiting[side] = sorted(
            [*was.waiting, *open_to_me], key=lambda a: a.id
        )  # log order: the ids
        new_summary[side] = SideSummary(
            end_value,
            end_quiet,
            {**was.record, **{d: c for d, c in checks.items() if d <= now_settled}},
            was.tally.plus(early),
            settled_waiting,
            tuple(
                day
                for day in (*was.recent_days, *days[:n_settled])
                if day.day >= now_settled - timedelta(days=ASK_BACK_DAYS)
            ),
        )
    scores, kept_scores = list(settled_scores), list(settled_scores)
    for n, (a, b) in enumerate(zip(values[Side.A], values[Side.B], strict=True)):
        score = shown(bridge_points(a, b))
        scores.append(score)
        if n < n_settled:
            kept_scores.append(score)
    return Derivation(
        today=today,
        keep=keep,
        scores=scores[-keep:] if keep else [],
        paused=any(p.covers(today) for p in pauses),
        records=records,
        tallies=tallies,
        waiting=waiting,
        live=live,
        ledgers=ledgers,
        last_act_id=last_act_id,
        last_act_at=last_act_at,
        start=start,
        settled=now_settled,
        summary=new_summary,
        settled_scores=kept_scores[-keep:] if keep else [],
        recent=_still_recent(recent, commitments, now_settled),
        commitments=commitments,
        pauses=pauses,
    )


def _tally(
    mine: list[LiveAct],
    best: dict[tuple[Side, date], PlankState],
    side: Side,
    settled: date,
    *,
    early: bool,
) -> Tally:
    """`side`'s counts over its unsettled live acts on days up to `settled` (early) or
    after it."""
    acts = [item for item in mine if (item.act.day <= settled) is early]
    days = [s for (owner, day), s in best.items() if owner is side and (day <= settled) is early]
    return Tally(
        planks=sum(plank_state(item).counts for item in acts),
        listening=sum(item.act.kind is ActKind.LISTENING for item in acts),
        mistakes=sum(item.act.kind is ActKind.MISTAKE for item in acts),
        plank_days=sum(s.counts for s in days),
        secured_days=sum(s is PlankState.SECURED for s in days),
    )


def _still_recent(
    recent: list[TrustAct], commitments: list[Commitment], settled: date
) -> list[TrustAct]:
    """The acts a day after `settled` can read: planks on a later day, every act of a
    one-off still open then (any day of its window settles it), and the answers
    (confirmations, withdrawals) to any of those."""
    open_one_offs = {
        c.id
        for c in commitments
        if c.cadence is Cadence.ONCE and c.due_by is not None and c.due_by > settled
    }
    kept: set[int] = set()
    for a in recent:  # in log order: an answer comes after what it answers
        if a.kind in ANSWERS:
            if a.target_id in kept:  # also a withdrawal of a kept confirmation
                kept.add(a.id)
        elif a.day > settled or a.commitment_id in open_one_offs:
            kept.add(a.id)
    return [a for a in recent if a.id in kept]
