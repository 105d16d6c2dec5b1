"""Each bridge's health figures for the lead, derived by the domain from its log.

The figures are derived in one linear pass, by the same rules its two sides see, and
kept only in the one derivation cache (server/repair/derived.py), keyed by the
bridge's row and the lead's day: a bridge nobody touched since the lead's last visit
today is not derived again, and nothing needs warming ahead of the first visit.

The derivation reads a bridge's rows as its two sides' screens do; what reaches the
lead is only these figures (rules.py decides which of them she may see).
"""

from __future__ import annotations

from dataclasses import dataclass
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

    def figures(self, zone: str) -> Figures:
        """The figures as the lead sees them, the last act's day in her own zone."""
        last = None if self.last_act_at is None else d.local_today(self.last_act_at, zone)
        return Figures(self.scores, self.paused, self.laid, self.secured, last)


def figures_of(derivation: d.Derivation) -> Derived:
    """One bridge's figures from its derivation, by the same rules its two sides see."""
    return Derived(
        scores=derivation.scores[-TREND_DAYS:],
        paused=derivation.paused,
        laid=sum(t.plank_days for t in derivation.tallies.values()),
        secured=sum(t.secured_days for t in derivation.tallies.values()),
        last_act_at=derivation.last_act_at,
    )


async def for_bridges(rows: list[dict[str, Any]], today: date) -> list[Derived]:
    """Each bridge's figures on the lead's local date `today` (rows as state reads them)."""

    def kept(entry: derived.Entry, row: dict[str, Any]) -> Derived | None:
        figures: Derived | None = entry.figures
        return figures

    def derive_kept(entry: derived.Entry, data: BridgeData, day: date) -> Derived:
        assert entry.derivation is not None  # derived.each derived it
        entry.figures = figures = figures_of(entry.derivation)
        return figures

    return await derived.each(rows, today, kept, derive_kept)
