"""History at a glance: the last weeks of one side, a mark a day, as the ledger says.

A day's mark is read from its ledger day (server/domain/ledger.py) and nothing else, so
the calendar can never disagree with health, streaks or the span: the day's worst miss
decides it (reported or lapsed, then owned), else its best plank (secured over laid),
else whether something is still open, else a quiet day. Weeks run Monday to Sunday,
from the week the bridge began (at most CALENDAR_WEEKS back), the last one holding
today; days before the bridge began, and after today, are blank.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from server.domain.ledger import Outcome, SideDay

CALENDAR_WEEKS = 12
CALENDAR_DAYS = 7 * CALENDAR_WEEKS  # ledger days the calendar may read back from today


class Mark(StrEnum):
    """What one side's local day shows on the calendar, best first."""

    SECURED = "secured"  # a plank laid and confirmed by the partner, nothing missed
    KEPT = "kept"  # a plank laid, not confirmed yet, nothing missed
    OWNED = "owned"  # a miss the side reported itself
    MISSED = "missed"  # a miss the partner reported, or an item left to lapse
    PAUSED = "paused"
    OPEN = "open"  # something due can still be checked in
    QUIET = "quiet"  # nothing due, nothing logged

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Mark.SECURED: "kept and secured",
    Mark.KEPT: "kept",
    Mark.OWNED: "missed and owned it",
    Mark.MISSED: "missed",
    Mark.PAUSED: "paused",
    Mark.OPEN: "still open",
    Mark.QUIET: "nothing due",
}


def day_mark(day: SideDay) -> Mark:
    """The mark of one ledger day."""
    outcome = day.outcome
    if outcome is Outcome.KEPT:
        return Mark.SECURED if day.secured else Mark.KEPT
    return _BY_OUTCOME[outcome]


_BY_OUTCOME = {
    Outcome.SELF_MISS: Mark.OWNED,
    Outcome.PARTNER_MISS: Mark.MISSED,
    Outcome.PAUSED: Mark.PAUSED,
    Outcome.OPEN: Mark.OPEN,
    Outcome.QUIET: Mark.QUIET,
}


class CalendarDay(NamedTuple):
    day: date
    mark: Mark | None  # None: before the bridge began, or after today
    facts: SideDay | None


def first_monday(today: date, weeks: int = CALENDAR_WEEKS) -> date:
    """The Monday the calendar's first week begins on."""
    return today - timedelta(days=today.weekday() + 7 * (weeks - 1))


def weeks_since(began: date | None, today: date, most: int = CALENDAR_WEEKS) -> int:
    """How many weeks the calendar draws: from the week the bridge `began` to today's,
    at most `most`. Weeks before a bridge existed would be rows of nothing; a bridge
    with nothing on it yet (`began` None) draws today's week."""
    if began is None or began > today:
        return 1
    weeks = (first_monday(today, 1) - first_monday(began, 1)).days // 7 + 1
    return min(most, weeks)


def calendar_weeks(
    ledger: Iterable[SideDay], today: date, weeks: int = CALENDAR_WEEKS
) -> list[list[CalendarDay]]:
    """`weeks` weeks of one side's ledger, Monday first, the last week holding `today`."""
    by_day = {d.day: d for d in ledger}
    start = first_monday(today, weeks)
    grid = []
    for w in range(weeks):
        week = []
        for n in range(7):
            on = start + timedelta(days=7 * w + n)
            found = by_day.get(on) if on <= today else None
            week.append(CalendarDay(on, None if found is None else day_mark(found), found))
        grid.append(week)
    return grid


def mark_counts(grid: Iterable[Iterable[CalendarDay]]) -> dict[Mark, int]:
    """How many days of the calendar carry each mark, in Mark order, none left out."""
    counted = Counter(d.mark for week in grid for d in week if d.mark is not None)
    return {mark: counted[mark] for mark in Mark}
