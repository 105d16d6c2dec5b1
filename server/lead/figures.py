"""Each bridge's health figures for the lead, derived by the domain from its log.

The figures are derived in one linear pass, by the same rules its two sides see, and
kept only in the one derivation cache (server/repair/derived.py), keyed by the
bridge's row and the lead's day: a bridge nobody touched since the lead's last visit
today is not derived again, and nothing needs warming ahead of the first visit.

The derivation reads a bridge's rows as its two sides' screens do; what reaches the
lead is only these figures (rules.py decides which of them she may see).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from server import domain as d
from server.lead.rules import TREND_DAYS, Figures
from server.repair import derived
from server.repair.state import BridgeData


@dataclass(frozen=True)
class Derived:
    """A bridge's figures as kept: the scores and counts, and when its last act was."""

    scores: list[int]
    paused: bool
    laid: int
    secured: int
    last_act_at: datetime | None
    run: d.HealthRun  # where a later day's scores go on from

    def figures(self, zone: str) -> Figures:
        """The figures as the lead sees them, the last act's day in her own zone."""
        last = None if self.last_act_at is None else d.local_today(self.last_act_at, zone)
        return Figures(self.scores, self.paused, self.laid, self.secured, last)

    def on(self, today: date) -> Derived:
        """The same bridge, nothing written to it since, on a later local day: only the
        days since its last settled one are derived again (server/domain/resume.py)."""
        run = d.resume(self.run, today)
        return replace(self, scores=run.scores, paused=run.paused, run=run)


def derive(
    acts: list[d.TrustAct],
    commitments: list[d.Commitment],
    pauses: list[d.Pause],
    span: int,
    today: date,
) -> Derived:
    """One bridge's figures from its log, by the same rules its two sides see."""
    live = d.live_acts(acts)
    run = d.health_run(acts, commitments, pauses, today, keep=TREND_DAYS, live=live)
    progress = d.bridge_progress(live, span)
    return Derived(
        scores=run.scores,
        paused=run.paused,
        laid=sum(progress.planks.values()),
        secured=sum(progress.secured.values()),
        last_act_at=max((a.created_at for a in acts), default=None),
        run=run,
    )


async def for_bridges(rows: list[dict[str, Any]], today: date) -> list[Derived]:
    """Each bridge's figures on the lead's local date `today` (rows as state reads them).

    A bridge nobody wrote to since an earlier day's figures goes on from them without
    reading its rows: the lead's first visit of a day derives only what changed."""

    def kept(entry: derived.Entry, row: dict[str, Any]) -> Derived | None:
        if entry.figures is None:
            earlier = derived.before(row, today)
            if earlier is not None and earlier.figures is not None:
                entry.figures = earlier.figures.on(today)
        figures: Derived | None = entry.figures
        return figures

    def derive_kept(entry: derived.Entry, data: BridgeData, day: date) -> Derived:
        entry.figures = figures = derive(data.acts, data.commitments, data.pauses, data.span, day)
        return figures

    return await derived.each(rows, today, kept, derive_kept)
