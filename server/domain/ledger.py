"""What each side's local day amounted to: kept, missed, quiet, open or paused.

Health and streaks both read this ledger, so they can never disagree about a day.

- A pause by either side pauses the bridge: nothing is due on either side (a listening
  session or a shared commitment needs both people), and health holds still.
- Each due item is one occurrence with one state (server/domain/occurrences.py):
  settled by its owner's check-in (kept, or a miss they own) or the partner's report;
  until its grace window closes an unsettled one is *open*, after that it *lapsed*.
- A lapsed item counts as a miss reported by the partner: the side did not own up, and
  owning up must always be the cheaper path, so silence can never beat honesty.
- An occurrence is charged once, by its one state: a keep and a miss of the same item
  never both count. A miss counts on the day its act refers to; a lapse on its due day.
- The day's worst miss decides its outcome; confirmations are the partner's act and
  are not upkeep of the confirmer's own half, so they never make a day active.
"""

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from functools import partial
from itertools import repeat
from operator import add, attrgetter
from typing import NamedTuple

from server.domain.acts import Counted, LiveAct, TrustAct
from server.domain.cadence import Commitment
from server.domain.localday import Pause, bridge_paused, days_between, oldest_open_day
from server.domain.occurrences import CHECKED_IN, charged_on, occurrence_columns
from server.domain.occurrences import OccurrenceState as State
from server.domain.sides import Side

_DAY = attrgetter("day")


class Outcome(StrEnum):
    """What a side's day amounted to, from the best to the silent."""

    KEPT = "kept"  # planks laid, nothing missed
    SELF_MISS = "self_miss"  # the worst miss that day was owned by the side itself
    PARTNER_MISS = "partner_miss"  # reported by the partner, or left unreported past grace
    OPEN = "open"  # only items still inside their grace window
    QUIET = "quiet"  # nothing due, nothing logged
    PAUSED = "paused"


class SideDay(NamedTuple):
    """One side's local day, with the facts behind its outcome.

    (A named tuple: a ledger has a row per side per day, and it builds several times
    faster than a frozen dataclass.)
    """

    side: Side
    day: date
    outcome: Outcome
    planks: int = 0  # laid or secured planks
    secured: int = 0  # of those, confirmed by the partner
    due: int = 0  # items due
    checked_in: int = 0  # due items the owner checked in: kept, or a miss owned
    open: int = 0  # due items still waiting for the owner, inside the grace window
    self_missed: int = 0
    partner_missed: int = 0
    lapsed: int = 0  # due items nobody reported before the grace window closed

    @property
    def missed(self) -> int:
        """Every miss charged to the day."""
        return self.self_missed + self.partner_missed + self.lapsed

    @property
    def secured_share(self) -> float:
        """The share of the day's planks the partner confirmed."""
        return self.secured / self.planks if self.planks else 0.0


def first_day(log: Iterable[TrustAct], commitments: Iterable[Commitment]) -> date | None:
    """The earliest local day anything happened or was due on the bridge."""
    starts = [c.start for c in commitments]
    acted = min(map(_DAY, log), default=None)  # no list of every act's day
    return min(starts if acted is None else [acted, *starts], default=None)


def side_days(
    log: Iterable[TrustAct] | Iterable[LiveAct] | Counted,
    commitments: Iterable[Commitment],
    pauses: Iterable[Pause],
    side: Side,
    start: date,
    today: date,
) -> list[SideDay]:
    """The ledger of `side` for every local day from `start` to `today`.

    `log` is the bridge's log, or its live acts when the caller derived them already
    (as LiveActs, or counted).
    """
    return bridge_days(log, commitments, pauses, start, today, sides=(side,))[side]


def bridge_days(
    log: Iterable[TrustAct] | Iterable[LiveAct] | Counted,
    commitments: Iterable[Commitment],
    pauses: Iterable[Pause],
    start: date,
    today: date,
    sides: tuple[Side, ...] = (Side.A, Side.B),
) -> dict[Side, list[SideDay]]:
    """The ledgers of `sides` (both by default) for every local day from `start` to
    `today`, in one walk: the log is indexed by day once, the occurrences derived
    once for both sides, and each day reads only its own entries.

    `log` is the bridge's log, or its live acts when the caller derived them already
    (as LiveActs, or counted).
    """
    pauses = list(pauses)
    days = days_between(start, today)
    row_of = {day: row for row, day in enumerate(days)}  # the only days the ledger reads
    # side -> eight columns, a row a day: planks, secured, due, checked in, open,
    # self-missed, reported, lapsed (a day left at zeros is a quiet day). A column a
    # count rather than a list a day: sixteen lists for a ledger instead of two a day,
    # so fewer allocations and garbage collections.
    tallies = {side: [[0] * len(days) for _ in range(8)] for side in Side}
    grace_open_from = oldest_open_day(today)
    one_side = sides[0] if len(sides) == 1 else None
    open_, reported_, checked_in, miss_slot = State.OPEN, State.REPORTED, CHECKED_IN, _MISS_SLOT
    # The planks and secured columns are counted as the occurrences index the acts: one
    # walk over every act of the bridge instead of two. Every live act that is not a
    # miss is a plank on its owner's day.
    occurring = occurrence_columns(
        commitments, log, pauses, today, side=one_side, since=start, planks=(row_of, tallies)
    )
    for each in occurring:  # a commitment at a time: its owner's columns looked up once
        columns = tallies[each.owner]
        due_column, checked_in_column, open_column = columns[2], columns[3], columns[4]
        dues, acts = each.due, each.act
        rows = map(row_of.get, dues)
        for row, due, state, act in zip(rows, dues, each.state, acts, strict=True):
            if row is not None:
                due_column[row] += 1
                if state in checked_in:  # State.checked_in, without a property call per item
                    checked_in_column[row] += 1
                # A report still inside the grace window leaves the streak open, as an
                # unchecked item would: the owner answers it in words, not with a tick.
                elif state is open_ or (state is reported_ and due >= grace_open_from):
                    open_column[row] += 1
            if state in miss_slot:
                charged = row_of.get(charged_on(due, act))
                if charged is not None:
                    columns[miss_slot[state]][charged] += 1
    held = [bridge_paused(day, pauses) for day in days] if pauses else [False] * len(days)
    return {side: _ledger(side, tallies[side], days, held) for side in sides}


def _ledger(
    side: Side, columns: list[list[int]], days: list[date], held: list[bool]
) -> list[SideDay]:
    planks, _, _, _, still_open, self_missed, reported, lapsed = columns
    outcomes = list(map(_outcome, planks, still_open, self_missed, map(add, reported, lapsed)))
    if True in held:  # a paused day: PAUSED, and nothing counted
        for row, on_hold in enumerate(held):
            if on_hold:
                outcomes[row] = _PAUSED
                for column in columns:
                    column[row] = 0
    # A SideDay a side a day, built in C: zip makes each row's tuple (SideDay's fields,
    # in order) and tuple.__new__ makes it a SideDay without the named tuple's __new__.
    return list(map(_SIDE_DAY, zip(repeat(side), days, outcomes, *columns, strict=False)))


_MISS_SLOT = {State.MISSED: 5, State.REPORTED: 6, State.LAPSED: 7}


def _outcome(planks: int, still_open: int, self_missed: int, not_owned: int) -> Outcome:
    """A day's outcome: its worst miss, else kept, else open, else quiet."""
    if not_owned:
        return _PARTNER_MISS
    if self_missed:
        return _SELF_MISS
    if planks:
        return _KEPT
    if still_open:
        return _OPEN
    return _QUIET


# Read once a day a side: an enum's class attribute costs far more than a global.
_PARTNER_MISS, _SELF_MISS, _KEPT, _OPEN, _QUIET, _PAUSED = (
    Outcome.PARTNER_MISS,
    Outcome.SELF_MISS,
    Outcome.KEPT,
    Outcome.OPEN,
    Outcome.QUIET,
    Outcome.PAUSED,
)
_SIDE_DAY = partial(tuple.__new__, SideDay)
