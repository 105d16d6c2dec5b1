"""Local days: what "today" means for a person, and the grace window for check-ins.

Every rule of trust is counted in the person's own local days, never in UTC days:
a commitment kept at 23:30 in Auckland belongs to that Auckland day.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.domain.sides import Side

ONE_DAY = timedelta(days=1)

# Yesterday's items can still be checked in today, so people log the truth rather
# than nothing; anything older is settled.
GRACE_DAYS = 1


def local_today(now_utc: datetime, tz_name: str) -> date:
    """The calendar date it is right now for someone living in `tz_name`."""
    if now_utc.tzinfo is None:
        raise ValueError("now_utc must be timezone-aware")
    return now_utc.astimezone(ZoneInfo(tz_name)).date()


def can_check_in(day: date, today: date) -> bool:
    """Items due `day` can be checked in: today's and yesterday's, nothing older or later."""
    return today - timedelta(days=GRACE_DAYS) <= day <= today


def grace_closed(day: date, today: date) -> bool:
    """Whether it is too late to check in `day`'s items."""
    return day < oldest_open_day(today)


def oldest_open_day(today: date) -> date:
    """The oldest day whose items can still be checked in on `today`: anything due
    before it is settled (for a loop over many days, computed once)."""
    return today - timedelta(days=GRACE_DAYS)


def days_between(start: date, end: date) -> list[date]:
    """Every date from `start` to `end`, both included (nothing if end < start)."""
    return list(map(date.fromordinal, range(start.toordinal(), end.toordinal() + 1)))


@dataclass(frozen=True)
class Pause:
    """A side's break (holiday, sick leave) from `start` to `end` inclusive; open if no end.

    `asked`: the act that asked for it when it started in the past; such a pause counts
    only once the partner agrees (server/domain/pauses.py decides).
    """

    side: Side
    start: date
    end: date | None = None
    asked: int | None = None

    def covers(self, day: date) -> bool:
        """Whether `day` falls inside the pause."""
        return self.start <= day and (self.end is None or day <= self.end)


def bridge_paused(day: date, pauses: Iterable[Pause]) -> bool:
    """A pause by either side pauses the bridge: it takes two to build or to let it weather."""
    return any(p.covers(day) for p in pauses)
