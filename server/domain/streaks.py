"""Streaks: consecutive local days on which a person checked in everything due.

A day counts when every item due that day was checked in by its owner, kept or owned
as missed. Owning a miss keeps the streak alive on purpose: a streak that breaks on an
honest "missed" teaches people to tick "kept" instead (health still charges the miss).
A streak breaks only on an item left unchecked past its grace window. Days with nothing
due and paused days neither count nor break it, and today and yesterday, still inside
the grace window, do not break it while their items wait.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from enum import IntEnum
from typing import NamedTuple

from server.domain.acts import LiveAct, TrustAct
from server.domain.cadence import Commitment
from server.domain.ledger import Outcome, SideDay, first_day, side_days
from server.domain.localday import ONE_DAY, Pause
from server.domain.sides import Side


class DayCheck(IntEnum):
    """How a day stands for a streak, ordered so max() merges several bridges."""

    PAUSED = 0
    NOTHING_DUE = 1
    DONE = 2  # everything due was checked in by its owner
    OPEN = 3  # something due can still be checked in
    BROKEN = 4  # something due was left unchecked past its grace window


def day_check(day: SideDay) -> DayCheck:
    """Where one ledger day leaves a streak."""
    if day.outcome is _PAUSED_DAY:
        return _PAUSED
    due = day.due
    if not due:
        return _NOTHING_DUE
    if day.checked_in == due:
        return _DONE
    if day.checked_in + day.open == due:
        return _OPEN
    return _BROKEN


# Bound once: a check a side a day, and on Python 3.11 an enum's class attribute
# costs more than the rule.
_PAUSED_DAY = Outcome.PAUSED
_PAUSED, _NOTHING_DUE, _DONE, _OPEN, _BROKEN = (
    DayCheck.PAUSED,
    DayCheck.NOTHING_DUE,
    DayCheck.DONE,
    DayCheck.OPEN,
    DayCheck.BROKEN,
)


def checkins(
    log: Iterable[TrustAct],
    commitments: Iterable[Commitment],
    pauses: Iterable[Pause],
    side: Side,
    today: date,
    *,
    live: list[LiveAct] | None = None,
) -> dict[date, DayCheck]:
    """Every local day of one bridge up to `today`, as it stands for `side`'s streak
    (`live`: the log's live acts, when the caller derived them already)."""
    log, commitments = list(log), list(commitments)
    start = first_day(log, commitments)
    if start is None:
        return {}
    days = side_days(live or log, commitments, pauses, side, start, today)
    return {d.day: day_check(d) for d in days}


def merge_checkins(records: Iterable[Mapping[date, DayCheck]]) -> dict[date, DayCheck]:
    """One person's days across all their bridges: a day is as good as its worst bridge."""
    merged: dict[date, DayCheck] = {}
    for record in records:
        for day, check in record.items():
            merged[day] = max(merged.get(day, check), check)
    return merged


def current_streak(record: Mapping[date, DayCheck], today: date) -> int:
    """The streak that is alive now: done days counted back from today."""
    streak, day = 0, today
    first = min(record, default=today)
    while day >= first:
        check = record.get(day, DayCheck.NOTHING_DUE)
        if check is DayCheck.BROKEN:
            break
        streak += check is DayCheck.DONE
        day -= ONE_DAY
    return streak


class Streak(NamedTuple):
    """A run of done days alive now: how many, and the first and last of them."""

    days: int = 0
    first: date | None = None
    last: date | None = None


def streak_across(records: Sequence[Mapping[date, DayCheck]], today: date) -> int:
    """current_streak(merge_checkins(records), today), reading only the days it needs.

    Today shows this on every load; merging every bridge's whole history first cost
    more than the rest of the page's rules together.
    """
    return streak_span(records, today).days


def streak_span(records: Sequence[Mapping[date, DayCheck]], today: date) -> Streak:
    """The streak alive now across `records`, with the days it spans.

    Walks back from `today` until the streak breaks or history begins; where history
    begins is worked out only at the first day no record has (finding it at once
    read every day of a year-old record on each Today).
    """
    records = [record for record in records if record]
    if not records:
        return Streak()
    streak, day = 0, today
    first: date | None = None
    since = last = None
    while True:
        checks = [record[day] for record in records if day in record]
        if checks:
            check = max(checks)
        else:
            if first is None:
                first = min(min(record) for record in records)
            if day < first:
                break
            check = DayCheck.NOTHING_DUE
        if check is DayCheck.BROKEN:
            break
        if check is DayCheck.DONE:
            streak += 1
            since, last = day, last or day
        day -= ONE_DAY
    return Streak(streak, since, last)


def best_streak(record: Mapping[date, DayCheck]) -> int:
    """The longest streak ever held."""
    return streak_run(record[day] for day in sorted(record))[0]


def streak_run(checks: Iterable[DayCheck], best: int = 0, run: int = 0) -> tuple[int, int]:
    """The longest streak and the current run after `checks` (days in order), going on
    from `best` and `run`: a later stretch of days carries on from an earlier one."""
    for check in checks:
        if check is _BROKEN:
            run = 0
        elif check is _DONE:
            run += 1
            if run > best:
                best = run
    return best, run
