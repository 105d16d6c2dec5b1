"""When a person's daily reminder fires: pure functions of their choices and the clock.

Everything is worked out in the person's own local days and wall-clock times, then
turned into a UTC instant, so a reminder set for 08:30 fires at 08:30 on both sides
of a daylight-saving change. A time the clocks skip (02:30 on a spring-forward
night) fires when the clocks reach it, an hour later by the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ALL_DAYS = frozenset(range(7))
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A pause longer than this is turning reminders off; removing the devices does that.
MAX_PAUSE = timedelta(days=366)


@dataclass(frozen=True)
class Schedule:
    at: time
    weekdays: frozenset[int] = ALL_DAYS
    quiet: tuple[time, time] | None = None  # start, end; may wrap past midnight
    paused_until: date | None = None  # inclusive


def parse_time(text: str) -> time | None:
    """'08:30' → 08:30; None for anything that is not a 24-hour HH:MM."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not (hours.isdigit() and minutes.isdigit()) or len(minutes) != 2:
        return None
    if len(hours) not in (1, 2) or not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
        return None
    return time(int(hours), int(minutes))


def format_time(value: time) -> str:
    return value.strftime("%H:%M")


def in_quiet_hours(local: time, quiet: tuple[time, time] | None) -> bool:
    """Whether the wall-clock time `local` falls in the quiet hours [start, end)."""
    if quiet is None:
        return False
    start, end = quiet
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # 22:00-07:00 wraps past midnight


def sends_on(schedule: Schedule, day: date) -> bool:
    """Whether `day` (a local date) is one of the chosen days and not paused."""
    paused = schedule.paused_until is not None and day <= schedule.paused_until
    return day.weekday() in schedule.weekdays and not paused


def slot(schedule: Schedule, day: date, tz_name: str) -> datetime:
    """The UTC instant of the reminder on local date `day`."""
    local = datetime.combine(day, schedule.at, tzinfo=ZoneInfo(tz_name))
    return local.astimezone(UTC)


def end_of_day(day: date, tz_name: str) -> datetime:
    """The UTC instant `day` ends for someone in `tz_name` (their next midnight)."""
    midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(tz_name))
    return midnight.astimezone(UTC)


def local_now(now: datetime, tz_name: str) -> datetime:
    return now.astimezone(ZoneInfo(tz_name))


def next_slot(schedule: Schedule, tz_name: str, after: datetime) -> datetime | None:
    """The first reminder instant at or after `after`; None if no day is ever chosen."""
    if not schedule.weekdays:
        return None
    day = local_now(after, tz_name).date()
    if schedule.paused_until is not None and day <= schedule.paused_until:
        day = schedule.paused_until + timedelta(days=1)
    for offset in range(8):
        candidate = day + timedelta(days=offset)
        if sends_on(schedule, candidate) and (at := slot(schedule, candidate, tz_name)) >= after:
            return at
    return None


def describe(schedule: Schedule) -> str:
    """'Every day at 08:30' / 'Monday, Wednesday at 08:30': for the settings page."""
    if schedule.weekdays == ALL_DAYS:
        days = "Every day"
    elif schedule.weekdays == frozenset(range(5)):
        days = "Monday to Friday"
    else:
        days = ", ".join(DAY_NAMES[d] for d in sorted(schedule.weekdays)) or "No day"
    return f"{days} at {format_time(schedule.at)}"


def plan(schedule: Schedule, tz_name: str, now: datetime) -> tuple[date | None, datetime | None]:
    """(the local day to remind about right now, or None; the next moment to look again).

    A reminder goes out once its time has come on a chosen, unpaused day, late
    rather than never if the dispatcher was down — but never in quiet hours, and
    never for a day that has already ended there.
    """
    local = local_now(now, tz_name)
    today = local.date()
    after_today = next_slot(schedule, tz_name, end_of_day(today, tz_name))
    if not sends_on(schedule, today):
        return None, after_today
    at = slot(schedule, today, tz_name)
    if at > now:
        return None, at
    if in_quiet_hours(local.time(), schedule.quiet):
        return None, after_today
    return today, after_today
