"""What the bridge page reads, from the bridge's derivation instead of its whole log.

A year of history is thousands of acts; the page shows health, progress, the drawing
and "Were you away?", which a `Derivation` (resume.py) already holds or can tell
from its summary of settled days, and a timeline of a few dozen acts. These are the
same rules read from there: health's explanation runs over the whole ledger again,
rebuilt from each side's settled days (`History`) and the last LEDGER_DAYS in full;
the drawing from each settled day's best plank (`SideSummary.drawn`); progress from
the tallies; the silence from the kept ledger days. Late confirmations ("+3 since
yesterday: Bob secured your plank from Monday") read the confirmations made since
`late_since(today)` and what answers the planks they confirm, which the caller reads
from the log. tests/domain/test_screens_from_a_derivation.py proves each equals
the whole log's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from server.domain.acts import TrustAct, as_live
from server.domain.health import bridge_points, shown, side_values
from server.domain.ledger import SideDay
from server.domain.pauses import Absence, PauseRequest, absence, unsettled
from server.domain.planks import BridgeProgress, PlankState, day_planks, progress_of_days
from server.domain.report import TREND_DAYS, HealthReport, late_confirmations, reported
from server.domain.resume import NO_PLANK, Derivation
from server.domain.sides import Side

_STATES = {int(state): state for state in PlankState}


def drawn_planks(log: Iterable[TrustAct]) -> dict[Side, list[PlankState]]:
    """Each side's best plank of each day it has one, oldest first: the drawing's planks."""
    sides: dict[Side, list[PlankState]] = {Side.A: [], Side.B: []}
    for (side, _day), plank in sorted(day_planks(log).items(), key=lambda item: item[0][1]):
        sides[side].append(plank)
    return sides


def drawn_planks_of(derivation: Derivation) -> dict[Side, list[PlankState]]:
    """`drawn_planks` of the derivation's bridge: its settled days from the summary,
    the later ones from its live acts."""
    later = [item for item in derivation.live if item.act.day > derivation.settled]
    sides = {
        side: [_STATES[n] for n in derivation.summary[side].drawn if n != NO_PLANK] for side in Side
    }
    for (side, _day), plank in sorted(day_planks(later).items(), key=lambda item: item[0][1]):
        sides[side].append(plank)
    return sides


def progress_of(derivation: Derivation, span: int) -> BridgeProgress:
    """`planks.bridge_progress` of the derivation's bridge, from its tallies."""
    return progress_of_days(
        {side: t.plank_days for side, t in derivation.tallies.items()},
        {side: t.secured_days for side, t in derivation.tallies.items()},
        span,
    )


def away_of(derivation: Derivation, requests: Iterable[PauseRequest], side: Side) -> Absence | None:
    """`pauses.away` of `side` on the derivation's day, from its kept ledger days (they
    reach back further than a pause may be asked for)."""
    return unsettled(absence(derivation.ledgers[side], derivation.today), requests)


def whole_ledger(derivation: Derivation) -> dict[Side, list[SideDay]]:
    """Both sides' ledgers from the bridge's first day to the derivation's: the settled
    days as their summary keeps them (outcome, planks, secured: what health and its
    runs of kept or quiet days read), the last LEDGER_DAYS in full."""
    ledgers: dict[Side, list[SideDay]] = {}
    for side in Side:
        recent = derivation.ledgers[side]
        if not recent:  # nothing is on the bridge yet
            ledgers[side] = []
            continue
        first = recent[0].day
        older = derivation.summary[side].history.days(side, derivation.start)
        ledgers[side] = [day for day in older if day.day < first] + recent
    return ledgers


class HealthRun(NamedTuple):
    """Health over the whole ledger of a derivation's bridge: what its report reads
    whoever reads it (a page keeps it with the derivation: never mutated)."""

    ledger: dict[Side, list[SideDay]]
    values: dict[Side, list[float]]  # each side's value at the end of each ledger day
    scores: list[int]  # the bridge's score at the end of each ledger day


def health_run(derivation: Derivation) -> HealthRun:
    ledger = whole_ledger(derivation)
    values = {side: side_values(days) for side, days in ledger.items()}
    scores = [
        shown(bridge_points(a, b)) for a, b in zip(values[Side.A], values[Side.B], strict=True)
    ]
    return HealthRun(ledger, values, scores)


def report_of(
    derivation: Derivation,
    *,
    names: Mapping[Side, str] | None = None,
    reader: Side | None = None,
    requests: Iterable[PauseRequest] = (),
    answers: Iterable[TrustAct] = (),
    zones: Mapping[Side, str] | None = None,
    trend_days: int = TREND_DAYS,
    run: HealthRun | None = None,
) -> HealthReport:
    """`report.health_report` of the derivation's bridge on its day. `answers`: the
    log's confirmations made since `late_since(today)`, the planks they confirm and
    every answer to those (confirmations, withdrawals, and withdrawals of those), or
    more of the log. `run`: the derivation's `health_run`, when kept from earlier."""
    today, pauses, requests = derivation.today, derivation.pauses, list(requests)
    ledger, values, scores = run or health_run(derivation)
    answers = list(answers)
    late = late_confirmations(answers, as_live(answers), today, zones or {})
    return reported(
        today, ledger, values, scores, pauses, requests, names, reader, late, trend_days
    )
