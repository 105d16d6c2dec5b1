"""Health on a new day without deriving the whole history again.

A bridge's log changes far less often than its day does: every morning each day
already past its grace window is settled for good, unless someone writes to the log.
So a derivation keeps where it stood at the end of the last settled day (each side's
value and its run of quiet days) and the few live acts a later day can still read,
and a later day with the same log goes on from there. The rules are the ledger's and
health's own; only the days they run over are fewer. tests/domain/test_resume.py
proves that resuming gives exactly what deriving the whole log gives.

What is settled: with the log unchanged, a day before the grace window (the day
before `oldest_open_day(today)`) can no longer change. Its items are kept, missed,
reported or lapsed; its planks and misses are in the log; and every rule that reads
"today" (lapses, the open items of the grace window, one-offs not started yet) reads
only days after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from server.domain.acts import LiveAct, TrustAct, live_acts
from server.domain.cadence import Cadence, Commitment
from server.domain.health import bridge_points, shown, side_run
from server.domain.ledger import first_day, side_days
from server.domain.localday import ONE_DAY, Pause, oldest_open_day
from server.domain.sides import Side


class HealthRun(NamedTuple):
    """A bridge's health scores up to `today`, and what a later day goes on from."""

    today: date
    scores: list[int]  # the bridge's score at the end of each of the last `keep` days
    paused: bool  # a pause covers `today`
    keep: int
    start: date  # the bridge's first day (after `today` while nothing is on it yet)
    settled: date  # the last day no later day can change while the log stays the same
    carry: tuple[tuple[float, int], tuple[float, int]]  # A's, B's (value, quiet run)
    settled_scores: list[int]  # the last `keep` scores up to `settled`
    tail: list[LiveAct]  # the live acts a day after `settled` can read
    commitments: list[Commitment]
    pauses: list[Pause]


def health_run(
    log: Iterable[TrustAct],
    commitments: Iterable[Commitment],
    pauses: Iterable[Pause],
    today: date,
    *,
    keep: int,
    live: list[LiveAct] | None = None,
) -> HealthRun:
    """The bridge's last `keep` daily health scores up to `today`, from its whole log
    (`live`: its live acts, when the caller derived them already)."""
    log, commitments, pauses = list(log), list(commitments), list(pauses)
    live = live_acts(log) if live is None else live
    start = first_day(log, commitments) or today + ONE_DAY
    return _run(live, commitments, pauses, start, today, keep, start, ((0.0, 0), (0.0, 0)), [])


def resume(run: HealthRun, today: date) -> HealthRun:
    """`run`'s bridge on a later local day `today`, its log unchanged: only the days
    after `run.settled` are derived again."""
    if today < run.today:
        raise ValueError("a run goes on to a later day, never back")
    begin = max(run.start, run.settled + ONE_DAY)
    return _run(
        run.tail,
        run.commitments,
        run.pauses,
        run.start,
        today,
        run.keep,
        begin,
        run.carry,
        run.settled_scores,
    )


def _run(
    live: list[LiveAct],
    commitments: list[Commitment],
    pauses: list[Pause],
    start: date,
    today: date,
    keep: int,
    begin: date,
    carry: tuple[tuple[float, int], tuple[float, int]],
    earlier: list[int],
) -> HealthRun:
    """Derive the days from `begin` to `today`, going on from `carry` and the scores
    `earlier` that end the day before `begin`."""
    settled = max(oldest_open_day(today) - ONE_DAY, begin - ONE_DAY)
    scores, settled_scores = list(earlier), list(earlier)
    ends: list[tuple[float, int]] = []
    runs = []
    for side, (value, quiet) in zip(Side, carry, strict=True):
        days = side_days(live, commitments, pauses, side, begin, today)
        settled_days = [day for day in days if day.day <= settled]
        values, end_value, end_quiet = side_run(settled_days, value, quiet)
        ends.append((end_value, end_quiet))
        later, _, _ = side_run(days[len(settled_days) :], end_value, end_quiet)
        runs.append(values + later)
    settled_count = max(0, (settled - begin).days + 1)  # derived days up to `settled`
    for n, (a, b) in enumerate(zip(*runs, strict=True)):
        score = shown(bridge_points(a, b))
        scores.append(score)
        if n < settled_count:
            settled_scores.append(score)
    return HealthRun(
        today=today,
        scores=scores[-keep:] if keep else [],
        paused=any(p.covers(today) for p in pauses),
        keep=keep,
        start=start,
        settled=settled,
        carry=(ends[0], ends[1]),
        settled_scores=settled_scores[-keep:] if keep else [],
        tail=_tail(live, commitments, settled),
        commitments=commitments,
        pauses=pauses,
    )


def _tail(live: list[LiveAct], commitments: list[Commitment], settled: date) -> list[LiveAct]:
    """The live acts a day after `settled` can read: those on a later day, and every
    act of a one-off still open then (any day of its window settles it)."""
    open_one_offs = {
        c.id
        for c in commitments
        if c.cadence is Cadence.ONCE and c.due_by is not None and c.due_by > settled
    }
    return [
        item for item in live if item.act.day > settled or item.act.commitment_id in open_one_offs
    ]
