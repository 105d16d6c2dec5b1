"""The bridge page's calendar of up to twelve weeks: geometry and words.

The marks come from the domain (domain.calendar over the derivation's ledger days);
this only places them: a week a row, Monday first, from the week the bridge began,
the reader's days on the left and the partner's on the right, as on the bridge
drawing. Each mark has its own shape as well as its colour, and the same days are
written out as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from server import domain as d
from server.repair import derived, state
from server.repair.view import BridgeScreen
from server.tables import User

LABEL_W, PITCH, GAP, TOP = 46, 22, 6, 38  # viewBox units; 360 wide in all
CELL = 19
WIDTH = LABEL_W + 14 * PITCH + GAP
# Each mark's shape, defined once in the SVG's <defs> (bridges/_calendar.html).
GLYPHS = {
    d.Mark.SECURED: "cs",
    d.Mark.KEPT: "ck",
    d.Mark.OWNED: "co",
    d.Mark.MISSED: "cm",
    d.Mark.PAUSED: "cp",
    d.Mark.OPEN: "cn",
    d.Mark.QUIET: "cq",
}


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    day: date
    mark: d.Mark
    today: bool

    @property
    def glyph(self) -> str:
        return GLYPHS[self.mark]


@dataclass(frozen=True)
class Run:
    """Days in a row with the same mark, as the text equivalent reads them."""

    first: date
    last: date
    mark: d.Mark


def runs(grid: list[list[d.CalendarDay]]) -> list[Run]:
    """The days something happened, in runs of the same mark, newest first (a quiet
    day is not listed and ends a run)."""
    found: list[Run] = []
    for day in (day for week in grid for day in week):
        if day.mark is None or day.mark is d.Mark.QUIET:
            continue
        last = found[-1] if found else None
        if last and last.mark is day.mark and (day.day - last.last).days == 1:
            found[-1] = Run(last.first, day.day, day.mark)
        else:
            found.append(Run(day.day, day.day, day.mark))
    return found[::-1]


@dataclass(frozen=True)
class SideHistory:
    """One side's weeks, as text: the days something happened, and the counts."""

    who: str  # "You" or the partner's name
    runs: list[Run]
    counts: dict[d.Mark, int]

    @property
    def summary(self) -> str:
        parts = [
            f"{n} {mark.label}" for mark, n in self.counts.items() if n and mark is not d.Mark.QUIET
        ]
        return f"{self.who}: " + (", ".join(parts) if parts else "nothing yet") + "."


@dataclass(frozen=True)
class DaySide:
    who: str
    mark: d.Mark | None
    facts: d.SideDay | None

    @property
    def sentence(self) -> str:
        """What the day amounted to for this side, in words."""
        f = self.facts
        if f is None or self.mark is None:
            return "Before the bridge began."
        if self.mark is d.Mark.PAUSED:
            return "Paused: nothing was due."
        parts = []
        if f.due:
            parts.append(f"{f.checked_in} of {f.due} due checked in")
        if f.planks:
            parts.append(
                "a plank laid, secured" if f.secured else "a plank laid, not confirmed yet"
            )
        if f.self_missed:
            parts.append(f"{f.self_missed} missed and owned")
        if f.partner_missed:
            parts.append(f"{f.partner_missed} reported missed")
        if f.lapsed:
            parts.append(f"{f.lapsed} left unchecked")
        if f.open:
            parts.append(f"{f.open} still open")
        return (
            (self.mark.label.capitalize() + ": " + "; ".join(parts) + ".")
            if parts
            else ("Nothing due, nothing logged.")
        )


@dataclass(frozen=True)
class Calendar:
    cells: list[Cell]
    weeks: list[tuple[int, date]]  # each row's y and its Monday
    sides: list[SideHistory]  # the reader first
    first: date
    today: date
    chosen: date | None  # the day whose detail is shown
    chosen_sides: list[DaySide]

    @property
    def height(self) -> int:
        """The picture's height in viewBox units: a row a week shown."""
        return TOP + len(self.weeks) * PITCH

    @property
    def title(self) -> str:
        """The weeks shown, in words: the heading, and the text equivalent's name."""
        n = len(self.weeks)
        return "This week" if n == 1 else f"The last {n} weeks"


def bridge_calendar(
    ledgers: dict[d.Side, list[d.SideDay]],
    me: d.Side,
    names: dict[d.Side, str],
    today: date,
    chosen: date | None = None,
) -> Calendar:
    """The calendar `me` reads: their days on the left, the partner's on the right, from
    the week the bridge began (its first ledger day) to today's."""
    partner = d.other(me)
    cells: list[Cell] = []
    sides: list[SideHistory] = []
    began = min((days[0].day for days in ledgers.values() if days), default=None)
    shown = d.weeks_since(began, today)
    grids = {side: d.calendar_weeks(ledgers[side], today, shown) for side in (me, partner)}
    for block, side in enumerate((me, partner)):
        grid = grids[side]
        left = LABEL_W + block * (7 * PITCH + GAP)
        for w, week in enumerate(grid):
            for n, day in enumerate(week):
                if day.mark is not None:
                    x, y = left + n * PITCH, TOP + w * PITCH
                    cells.append(Cell(x, y, day.day, day.mark, day.day == today))
        who = "You" if side is me else names[side]
        sides.append(SideHistory(who, runs(grid), d.mark_counts(grid)))
    first = d.first_monday(today, shown)
    weeks = [(TOP + w * PITCH, grids[me][w][0].day) for w in range(shown)]
    if chosen is not None and not first <= chosen <= today:
        chosen = None
    chosen_sides = []
    if chosen is not None:
        for side in (me, partner):
            found = next((day for week in grids[side] for day in week if day.day == chosen), None)
            who = "You" if side is me else names[side]
            chosen_sides.append(
                DaySide(who, found.mark if found else None, found.facts if found else None)
            )
    return Calendar(cells, weeks, sides, first, today, chosen, chosen_sides)


def _kept(entry: derived.Entry, _row: dict[str, Any]) -> d.Derivation | None:
    return entry.derivation


def _derived(entry: derived.Entry, _data: object, _day: date) -> d.Derivation:
    assert entry.derivation is not None  # derived.each has just derived it
    return entry.derivation


def parse_day(text: str) -> date | None:
    """A `?day=` value, or None when it is not a date (a made-up link shows no day)."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


async def screen_calendar(screen: BridgeScreen, user: User, chosen: date | None = None) -> Calendar:
    """The calendar of the bridge on `screen`, as `user` reads it, from the bridge's one
    derivation for the reader's day (server/repair/derived.py): the one their Today
    and the lead read, derived once and kept."""
    derivation = screen.derivation  # the page's: derived.each has read it already
    if derivation is None:
        row = await state.bridge_row(user, screen.data.id)  # its version keys the derivation
        [derivation] = await derived.each([row], screen.today, _kept, _derived)
    names = {side: person.name or "The other side" for side, person in screen.data.people.items()}
    return bridge_calendar(derivation.ledgers, screen.me, names, screen.today, chosen)
