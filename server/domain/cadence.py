"""Commitments and their cadence: on which local days an item is due.

A commitment is due on a day when the day is inside its active range (from `start`,
up to `end` inclusive, and before `retired_from`) and its cadence picks that day.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from server import formats
from server.domain.localday import days_between
from server.domain.sides import Side

# "More than a year away" is measured in 366 days so a leap year is never too short.
HORIZON = timedelta(days=366)


class Cadence(StrEnum):
    """How often a commitment falls due."""

    ONCE = "once"  # once, by a date (`due_by`)
    DAILY = "daily"
    WEEKDAYS = "weekdays"  # on chosen weekdays, Monday = 0
    WEEKLY = "weekly"  # once a week, on the weekday of its start date


@dataclass(frozen=True)
class Commitment:
    """A specific, observable action one side promised, and when it falls due."""

    id: int
    owner: Side
    cadence: Cadence
    start: date
    end: date | None = None  # the last day it is due, inclusive
    weekdays: frozenset[int] = frozenset()  # WEEKDAYS only
    due_by: date | None = None  # ONCE only: the deadline, the one day it is due
    retired_from: date | None = None  # the first day it is no longer due

    @property
    def last_day(self) -> date | None:
        """The last day it runs: its end, or the day before it was retired (None: open)."""
        retired = None if self.retired_from is None else self.retired_from - timedelta(days=1)
        if self.end is None or retired is None:
            return self.end or retired
        return min(self.end, retired)

    def active_on(self, day: date) -> bool:
        """Whether the commitment is running on `day` (whatever its cadence)."""
        last = self.last_day
        return self.start <= day and (last is None or day <= last)


def is_due(commitment: Commitment, day: date) -> bool:
    """Whether an occurrence of `commitment` falls due on the local date `day`."""
    if not commitment.active_on(day):
        return False
    match commitment.cadence:
        case Cadence.ONCE:
            return day == commitment.due_by
        case Cadence.DAILY:
            return True
        case Cadence.WEEKDAYS:
            return day.weekday() in commitment.weekdays
        case Cadence.WEEKLY:
            return day.weekday() == commitment.start.weekday()


def due_days(commitment: Commitment, start: date, end: date) -> list[date]:
    """The days from `start` to `end` (inclusive) on which `commitment` is due."""
    return [day for day in days_between(start, end) if is_due(commitment, day)]


def validate_cadence(
    cadence: Cadence,
    start: date,
    today: date,
    *,
    end: date | None = None,
    weekdays: Iterable[int] = (),
    due_by: date | None = None,
    start_chosen: bool = True,
) -> list[tuple[str, str]]:
    """Everything wrong with a proposed cadence, as sentences a person can act on, each
    with the form field it is about (weekdays, due_by, start, end). With `start_chosen`
    False the start is today by default, so no sentence names a start date never set."""
    days = frozenset(weekdays)
    errors: list[tuple[str, str]] = []
    if cadence is Cadence.WEEKDAYS:
        if not days:
            errors.append(("weekdays", "Pick at least one weekday."))
        elif not days <= set(range(7)):
            errors.append(("weekdays", "Weekdays run from Monday (0) to Sunday (6)."))
    elif days:
        errors.append(("weekdays", "Weekdays apply only to a commitment due on chosen weekdays."))
    if cadence is Cadence.ONCE:
        if due_by is None:
            errors.append(("due_by", "A one-off commitment needs the date it will be done by."))
        elif due_by < start and not start_chosen:
            errors.append(("due_by", f"{_day(due_by)} has passed: pick today or a later day."))
        elif due_by < start:
            errors.append(("due_by", "The done-by date cannot be before the start date."))
        if end is not None:
            errors.append(
                ("end", "A one-off commitment ends on its done-by date; leave the end empty.")
            )
    elif due_by is not None:
        errors.append(("due_by", "Only a one-off commitment has a done-by date."))
    if end is not None and end < start:
        errors.append(("end", "The end date cannot be before the start date."))
    for field, label, value in (
        ("start", "start", start),
        ("end", "end", end),
        ("due_by", "done-by", due_by),
    ):
        if any(f == field for f, _ in errors):
            continue  # one sentence a field: the first problem is the one to fix
        if value is not None and value < today - HORIZON:
            errors.append((field, f"The {label} date is more than a year in the past."))
        elif value is not None and value > today + HORIZON:
            errors.append((field, f"The {label} date is more than a year in the future."))
    if not errors and cadence is Cadence.WEEKDAYS and end is not None:
        probe = Commitment(0, Side.A, cadence, start, end=end, weekdays=days)
        if not due_days(probe, start, min(end, start + timedelta(days=6))):
            errors.append(
                ("weekdays", "None of the chosen weekdays falls between the start and end dates.")
            )
    return errors


def _day(day: date) -> str:
    return formats.full_date(day)
