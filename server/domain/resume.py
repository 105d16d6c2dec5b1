"""A bridge derived up to a day, and carried on from there instead of from its start.

(Over 400 lines: deriving, carrying on and folding share the summary they keep; apart,
the proof that carrying on equals deriving afresh would span several modules.)

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

A confirmation of an old plank (the partner catching up on a week of planks), or
the withdrawal of one, is carried on too: each side's summary keeps its settled
days compactly (outcome, planks, secured; a few bytes a day), so the answer moves
one day's count and health is run again over those days alone, without the log.
Anything else (a withdrawal of an old plank, a changed commitment or pause) makes
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

from array import array
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import NamedTuple

from server.domain.acts import (
    WITHDRAW_WINDOW,
    ActKind,
    LiveAct,
    TrustAct,
    can_confirm,
    confirmable_on,
    live_acts,
)
from server.domain.badges import PersonFacts
from server.domain.cadence import Cadence, Commitment
from server.domain.calendar import CALENDAR_DAYS
from server.domain.health import bridge_points, shown, side_run
from server.domain.ledger import Outcome, SideDay, bridge_days, first_day
from server.domain.localday import ONE_DAY, Pause, oldest_open_day
from server.domain.pauses import ASK_BACK_DAYS, ASKING_KINDS
from server.domain.planks import (
    COUNTING_KINDS,
    PlankState,
    day_planks,
    half_needed,
    span_percent,
)
from server.domain.sides import Side, other
from server.domain.streaks import DayCheck, day_check, streak_run

ANSWERS = (ActKind.CONFIRMATION, ActKind.WITHDRAWAL)
NO_PLANK = 255  # a settled day without a plank, in SideSummary.drawn
# Ledger days kept back from today: "Were you away?" reads ASK_BACK_DAYS, the
# calendar of the last weeks reads CALENDAR_DAYS.
LEDGER_DAYS = max(ASK_BACK_DAYS, CALENDAR_DAYS)


class Tally(NamedTuple):
    """One side's counts over a stretch of days: what its facts and progress add up."""

    planks: int = 0  # live acts whose plank counts (laid or secured)
    listening: int = 0
    mistakes: int = 0
    plank_days: int = 0  # days whose best plank counts toward the span
    secured_days: int = 0  # days whose best plank is secured

    def plus(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(self, other, strict=True)))


_OUTCOMES = list(Outcome)
_OUTCOME_INDEX = {outcome: n for n, outcome in enumerate(_OUTCOMES)}


class History(NamedTuple):
    """A side's settled ledger days from the bridge's first day, compactly: what health
    reads of each (its outcome, planks laid and how many of them secured), so an
    answer to an old plank runs health again without reading the log. Never mutated."""

    outcomes: bytes = b""
    planks: array[int] = array("I")
    secured: array[int] = array("I")

    def extended(self, days: list[SideDay]) -> History:
        if not days:
            return self
        return History(
            self.outcomes + bytes(_OUTCOME_INDEX[day.outcome] for day in days),
            self.planks + array("I", [day.planks for day in days]),
            self.secured + array("I", [day.secured for day in days]),
        )

    def with_secured(self, index: int, secured: int) -> History:
        changed = array("I", self.secured)
        changed[index] = secured
        return History(self.outcomes, self.planks, changed)

    def days(self, side: Side, start: date) -> list[SideDay]:
        """The days again, with what health reads of them."""
        return [
            SideDay(side, start + timedelta(days=n), _OUTCOMES[outcome], planks, secured)
            for n, (outcome, planks, secured) in enumerate(
                zip(self.outcomes, self.planks, self.secured, strict=True)
            )
        ]


class SideSummary(NamedTuple):
    """One side's settled days, summed up."""

    value: float = 0.0  # health value at the end of the last settled day
    quiet: int = 0  # quiet days in a row it ends with
    record: dict[date, DayCheck] = {}  # never mutated: each summary makes a new one
    tally: Tally = Tally()
    waiting: tuple[TrustAct, ...] = ()  # the partner's acts this side may still confirm
    recent_days: tuple[SideDay, ...] = ()  # the last LEDGER_DAYS settled ledger days
    history: History = History()  # every settled day, for health
    streak: tuple[int, int] = (0, 0)  # the best streak and the run it ends with
    # Each settled day's best plank on this side (a PlankState, or NO_PLANK), from the
    # bridge's first day: what the bridge drawing reads of days no longer derived.
    drawn: bytes = b""


class Derivation(NamedTuple):
    """A bridge on a local day: what every screen reads, and what a later day or a
    few new acts carry on from."""

    today: date
    keep: int  # how many daily scores `scores` keeps
    scores: list[int]  # the bridge's health at the end of each recent day, oldest first
    paused: bool  # a pause covers today
    records: dict[Side, dict[date, DayCheck]]  # every day's streak check, per side
    best_streaks: dict[Side, int]  # the longest streak each side ever held
    tallies: dict[Side, Tally]
    waiting: dict[Side, list[TrustAct]]  # acts each side may confirm and has not, in log order
    live: list[LiveAct]  # the live acts of the unsettled days (and of one-offs still open)
    ledgers: dict[Side, list[SideDay]]  # each side's ledger over the last LEDGER_DAYS
    last_act_id: int
    last_act_at: datetime | None
    # What carrying on reads:
    start: date  # the bridge's first day (after `today` while nothing is on it yet)
    settled: date  # the last summarized day
    summary: dict[Side, SideSummary]
    settled_scores: list[int]  # the last `keep` scores up to `settled`
    recent: list[TrustAct]  # the acts an unsettled day can read, and the answers to them
    late: list[TrustAct]  # answers to settled planks that may still be withdrawn, and those planks
    commitments: list[Commitment]
    pauses: list[Pause]

    def half_reached(self, span: int) -> dict[Side, bool]:
        """Whether each side's counted plank days reach the middle of `span`."""
        half = half_needed(span)
        return {side: t.plank_days >= half for side, t in self.tallies.items()}

    def percent(self, span: int) -> int:
        """How far across the bridge is, as `planks.bridge_progress` counts it."""
        return span_percent({side: t.plank_days for side, t in self.tallies.items()}, span)

    def facts(self, side: Side, span: int) -> PersonFacts:
        """`side`'s facts on this bridge, as `badges.bridge_facts` counts them."""
        tally = self.tallies[side]
        return PersonFacts(
            planks=tally.planks,
            listening_sessions=tally.listening,
            owned_mistakes=tally.mistakes,
            bridges_completed=int(all(self.half_reached(span).values())),
            best_streak=self.best_streaks[side],
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
        log, commitments, pauses, start, today, keep, start - ONE_DAY, empty, [], [], 0, None
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
    ordinary, late = [], []
    for act in new_acts:
        if act.kind in ANSWERS and act.target_id not in reachable:
            late.append(act)  # it answers an act of a settled day
        elif act.kind not in ANSWERS and act.day <= derivation.settled:
            return None  # a plank for a settled day (a buggy client, an import)
        else:
            ordinary.append(act)
    summary, settled_scores, pool = derivation.summary, derivation.settled_scores, derivation.late
    last_act_id, last_act_at = derivation.last_act_id, derivation.last_act_at
    if late:
        answered = _answer_settled(derivation, late)
        if answered is None:
            return None
        summary, settled_scores, pool = answered
        last_act_id = max(last_act_id, *(a.id for a in late))
        newest = max(a.created_at for a in late)
        last_act_at = newest if last_act_at is None else max(last_act_at, newest)
    return _carry_on(
        derivation.recent + ordinary,
        commitments,
        pauses,
        derivation.start,
        today,
        derivation.keep,
        derivation.settled,
        summary,
        settled_scores,
        pool,
        last_act_id,
        last_act_at,
    )


def _answer_settled(
    derivation: Derivation, answers: list[TrustAct]
) -> tuple[dict[Side, SideSummary], list[int], list[TrustAct]] | None:
    """The settled summary after `answers` (confirmations of settled planks, and
    withdrawals of those): the days they secure or unsecure, health run again over the
    settled days, and the answers kept while they may be withdrawn. None for anything
    else (a withdrawal of a settled plank itself, an answer to what is not known)."""
    summary = derivation.summary
    plank_of = {act.id: act for side in Side for act in summary[side].waiting}
    plank_of.update({act.id: act for act in derivation.late if act.kind not in ANSWERS})
    pool = list(derivation.late)
    answer_ids = {act.id for act in pool if act.kind in ANSWERS}
    for act in answers:
        if act.kind is ActKind.CONFIRMATION:
            target = plank_of.get(act.target_id)  # type: ignore[arg-type]
            if target is None or not can_confirm(target, act.author):
                return None
            if target not in pool:
                pool.append(target)
        elif act.target_id not in answer_ids:
            return None  # a withdrawal of a settled plank: its day's counts change
        pool.append(act)
        answer_ids.add(act.id)
    pool.sort(key=lambda a: a.id)
    before = {item.act.id: item.confirmed for item in live_acts(derivation.late)}
    after = {item.act.id: item.confirmed for item in live_acts(pool)}
    sides = dict(summary)
    for plank_id, confirmed in after.items():
        if confirmed == before.get(plank_id, False):
            continue
        plank = plank_of[plank_id]
        owner, index = plank.owner, (plank.day - derivation.start).days
        was = sides[owner]
        if not 0 <= index < len(was.history.secured):
            return None
        if _OUTCOMES[was.history.outcomes[index]] is Outcome.PAUSED:
            return None  # a paused day's ledger leaves its planks out: count them afresh
        old = was.history.secured[index]
        new = old + (1 if confirmed else -1)
        if not 0 <= new <= was.history.planks[index]:
            return None
        tally = was.tally._replace(secured_days=was.tally.secured_days + (new > 0) - (old > 0))
        recent_days = tuple(
            day._replace(secured=new) if day.day == plank.day else day for day in was.recent_days
        )
        drawn = bytearray(was.drawn)
        drawn[index] = PlankState.SECURED if new else PlankState.LAID  # the plank is live
        sides[owner] = was._replace(
            tally=tally,
            recent_days=recent_days,
            history=was.history.with_secured(index, new),
            drawn=bytes(drawn),
        )
        confirmer = sides[other(owner)]
        waiting = [a for a in confirmer.waiting if a.id != plank_id]
        if not confirmed:
            waiting = sorted([*waiting, plank], key=lambda a: a.id)
        sides[other(owner)] = confirmer._replace(waiting=tuple(waiting))
    values = {}
    for side in Side:
        days = sides[side].history.days(side, derivation.start)
        values[side], value, quiet = side_run(days)
        sides[side] = sides[side]._replace(value=value, quiet=quiet)
    scores = [
        shown(bridge_points(a, b)) for a, b in zip(values[Side.A], values[Side.B], strict=True)
    ]
    keep = derivation.keep
    return sides, scores[-keep:] if keep else [], pool


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
    late: list[TrustAct],
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
    days_of = bridge_days(live, commitments, pauses, begin, today)
    n_settled = max(0, (now_settled - begin).days + 1)  # ledger days now settled
    records: dict[Side, dict[date, DayCheck]] = {}
    best_streaks: dict[Side, int] = {}
    ledgers: dict[Side, list[SideDay]] = {}
    tallies: dict[Side, Tally] = {}
    waiting: dict[Side, list[TrustAct]] = {}
    new_summary: dict[Side, SideSummary] = {}
    values: dict[Side, list[float]] = {}
    best = day_planks(unsettled)  # each side's best plank per unsettled day
    window = today - timedelta(days=LEDGER_DAYS)  # the ledger days screens read
    kept_from = now_settled - timedelta(days=LEDGER_DAYS)  # the settled ones kept of them
    for side in Side:
        was = summary[side]
        days = days_of[side]
        day_checks = [day_check(day) for day in days]  # one a ledger day, in order
        checks = dict(zip([day.day for day in days], day_checks, strict=True))
        streak = streak_run(day_checks[:n_settled], *was.streak)
        best_streaks[side] = streak_run(day_checks[n_settled:], *streak)[0]
        closing, end_value, end_quiet = side_run(days[:n_settled], was.value, was.quiet)
        later, _, _ = side_run(days[n_settled:], end_value, end_quiet)
        values[side] = closing + later
        mine = [item for item in unsettled if item.act.owner is side]
        early, after = _tallies(mine, best, side, now_settled)
        tally_now = was.tally.plus(early).plus(after)
        open_to_me = [
            item.act
            for item in unsettled
            if not item.confirmed
            and confirmable_on(item.act, today)  # first: it leaves out most of the history
            and can_confirm(item.act, side)
        ]
        # What waited and has aged out of the confirmation window waits no more.
        still = tuple(a for a in was.waiting if confirmable_on(a, today))
        settled_waiting = still + tuple(a for a in open_to_me if a.day <= now_settled)
        ledgers[side] = [day for day in (*was.recent_days, *days) if day.day >= window]
        records[side] = {**was.record, **checks}
        tallies[side] = tally_now
        waiting[side] = sorted([*still, *open_to_me], key=lambda a: a.id)  # log order
        new_summary[side] = SideSummary(
            end_value,
            end_quiet,
            {**was.record, **{d: c for d, c in checks.items() if d <= now_settled}},
            was.tally.plus(early),
            settled_waiting,
            tuple(day for day in (*was.recent_days, *days[:n_settled]) if day.day >= kept_from),
            was.history.extended(days[:n_settled]),
            streak,
            was.drawn + bytes(best.get((side, day.day), NO_PLANK) for day in days[:n_settled]),
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
        best_streaks=best_streaks,
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
        late=_still_late(late, last_act_at),
        commitments=commitments,
        pauses=pauses,
    )


def _tallies(
    mine: list[LiveAct],
    best: dict[tuple[Side, date], PlankState],
    side: Side,
    settled: date,
) -> tuple[Tally, Tally]:
    """`side`'s counts over its unsettled live acts on days up to `settled`, and after."""
    # One pass for both stretches: a whole derivation runs this over every act.
    counts = {True: [0, 0, 0, 0, 0], False: [0, 0, 0, 0, 0]}  # by "on a settled day"
    listening, mistake, counting = ActKind.LISTENING, ActKind.MISTAKE, COUNTING_KINDS
    for item in mine:
        act = item.act
        if act.kind in counting[item.confirmed]:  # plank_state(item).counts, without 2 calls
            kind = act.kind
            found = counts[act.day <= settled]
            found[0] += 1  # laid or secured: a plank that counts
            found[1] += kind is listening
            found[2] += kind is mistake
    laid, secured = PlankState.LAID, PlankState.SECURED
    for (owner, day), state in best.items():
        if owner is side and state >= laid:
            found = counts[day <= settled]
            found[3] += 1
            found[4] += state is secured
    return Tally(*counts[True]), Tally(*counts[False])  # early, late


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


def _still_late(late: list[TrustAct], newest: datetime | None) -> list[TrustAct]:
    """The settled planks whose answers may still be withdrawn (an answer within a day
    of the newest act), with all their answers. One dropped too early only costs a
    derivation afresh when it is withdrawn after all."""
    if not late or newest is None:
        return late
    plank_of: dict[int, int] = {}  # act -> the plank its answers chain to
    young: set[int] = set()
    for act in late:  # in log order: an answer comes after what it answers
        plank = plank_of.get(act.target_id, act.id) if act.kind in ANSWERS else act.id  # type: ignore[arg-type]
        plank_of[act.id] = plank
        if act.kind in ANSWERS and newest - act.created_at < WITHDRAW_WINDOW:
            young.add(plank)
    return [act for act in late if plank_of[act.id] in young]


# A stored fold (server/repair/derived.py keeps one per bridge in the database): a
# derivation with only what carrying it on reads, so that a process that never derived
# a bridge carries it on from there instead of deriving its whole log.

# At any moment, local dates on Earth are at most two apart (UTC-12 to UTC+14).
ZONES_APART = timedelta(days=2)


def fold_day(today: date) -> date:
    """The local day a fold written by a reader on `today` is derived for: every
    reader of the bridge, in whatever zone, is on that day or a later one."""
    return today - ZONES_APART


def folded(derivation: Derivation) -> Derivation:
    """`derivation` without what a later day derives again (scores, streak records,
    tallies, what waits, live acts, ledgers): `advance` reads none of it."""
    return derivation._replace(
        scores=[], records={}, best_streaks={}, tallies={}, waiting={}, live=[], ledgers={}
    )


def resume(
    fold: Derivation,
    today: date,
    new_acts: Iterable[TrustAct],
    commitments: Iterable[Commitment],
    pauses: Iterable[Pause],
) -> Derivation | None:
    """`fold`'s bridge on the local day `today`, carried on with `new_acts` (the acts
    after its `last_act_id`) and the current commitments and pauses; None when `advance`
    refuses them, or when `today` is before the fold's own day: the fold has summed up
    days still open on `today`, and let go of planks that still wait for a confirmation
    on `today` but no longer did on its day. (A fold's day is not set back after the
    fact for that reason: it is derived on `fold_day`.)"""
    if today < fold.today:
        return None
    return advance(fold, today, new_acts, commitments, pauses)
