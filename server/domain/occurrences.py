"""Occurrences: each time a commitment falls due, with exactly one state.

This is the one answer to "is this item settled?" that Today, the reminders, the
check-in and report rules, health, streaks and the lead view all read.

An occurrence's transitions, and nothing else (the services refuse the rest):

    open ──owner: kept──────▶ kept ──partner confirms──▶ secured
    open ──owner: missed────▶ missed
    open ──partner reports──▶ reported
    open ──grace closes─────▶ lapsed        (nobody said anything in time)
    kept / missed / reported ──its author withdraws within 24 h──▶ open

- A kept occurrence cannot be reported missed: the partner's way to disagree is not
  to confirm it. A missed or reported one cannot be checked in: the owner answers a
  report in words on the bridge page instead.
- The first settling act in the log wins. The services never write a second one, so
  this only decides for logs written before that rule existed; either way health
  never counts both a keep and a miss for one occurrence.
- A one-off commitment ("once, by 10 Dec") has one occurrence, open every day from
  its start until it is done or its date has passed; any of those days settles it.
- Nothing falls due on a paused day (a pause by either side pauses the bridge).

Cost: each commitment's settling acts are indexed by day once and the due days are
walked once, so deriving a bridge is O(days x commitments + acts).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from enum import StrEnum
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from typing import NamedTuple

from server.domain.acts import ActKind, Counted, LiveAct, TrustAct, live_pairs
from server.domain.cadence import Cadence, Commitment, is_due
from server.domain.localday import Pause, bridge_paused, days_between, oldest_open_day
from server.domain.sides import Side

SETTLING_KINDS = frozenset({ActKind.KEPT, ActKind.MISSED_SELF, ActKind.MISSED_PARTNER})


class OccurrenceState(StrEnum):
    """Where one due occurrence stands."""

    OPEN = "open"  # due, and its owner can still check it in
    KEPT = "kept"  # its owner checked it in as kept
    SECURED = "secured"  # kept, and the partner confirmed it
    MISSED = "missed"  # its owner said they missed it
    REPORTED = "reported"  # the partner reported it missed before the owner checked in
    LAPSED = "lapsed"  # nobody checked it in before the grace window closed

    @property
    def checked_in(self) -> bool:
        """Whether the owner settled it themselves (kept, or a miss they owned)."""
        return self in CHECKED_IN


CHECKED_IN = frozenset({OccurrenceState.KEPT, OccurrenceState.SECURED, OccurrenceState.MISSED})


_STATE_OF = {
    ActKind.KEPT: OccurrenceState.KEPT,
    ActKind.MISSED_SELF: OccurrenceState.MISSED,
    ActKind.MISSED_PARTNER: OccurrenceState.REPORTED,
}
_SECURED, _LAPSED, _OPEN = (
    OccurrenceState.SECURED,
    OccurrenceState.LAPSED,
    OccurrenceState.OPEN,
)


class Occurrence(NamedTuple):
    """One time `commitment_id` falls due for its `owner`.

    (A named tuple: a bridge a year old has thousands, and it builds 5x faster than a
    frozen dataclass.)
    """

    commitment_id: int
    owner: Side  # whose commitment it is: every screen names this person
    due: date  # the day it falls due (a one-off: its done-by date)
    opens: date  # the first day a check-in settles it (a one-off: its start)
    state: OccurrenceState
    act: TrustAct | None = None  # the act that settled it

    def settles_on(self, day: date) -> bool:
        """Whether a check-in for `day` refers to this occurrence."""
        return self.opens <= day <= self.due

    def check_in_day(self, today: date) -> date:
        """The day a check-in from Today names: a one-off open ahead of its date is
        checked in for today (Today's rows and the reminder's "Kept" both use it)."""
        if self.opens == self.due:
            return self.due
        return self.act.day if self.act is not None else min(today, self.due)

    @property
    def charged_on(self) -> date:
        """The day its outcome counts on: the day its act refers to, else its due day."""
        return charged_on(self.due, self.act)


def charged_on(due: date, act: TrustAct | None) -> date:
    """The day an occurrence due on `due`, settled by `act` (if any), counts on."""
    return act.day if act is not None else due


# For the ledger: its day -> row, and side -> its columns (planks first, then secured).
PlankColumns = tuple[dict[date, int], dict[Side, list[list[int]]]]


def _settling_index(
    live: Iterable[tuple[TrustAct, bool]],
    side: Side | None,
    earliest: date,
    one_offs: set[int],
    planks: PlankColumns | None = None,
) -> tuple[
    dict[tuple[int, Side], dict[date, TrustAct]],
    dict[tuple[int, Side], dict[date, list[TrustAct]]],
    set[int],
]:
    """The live acts able to settle an occurrence: (commitment id, owner) -> day -> the
    first such act in the log on that day; for the `one_offs` (whose window reads
    several days), every such act in log order too; and the ids of the kept ones the
    partner confirmed. `live`: each live act, and whether it is confirmed. Acts on days
    before `earliest` are left out (no occurrence asked for can read them).

    Only the owner checks in; only the partner reports. A log entry that breaks that (a
    buggy client) settles nothing.

    `planks`: the ledger's plank counts, filled in the same pass so that the ledger does
    not walk every act again: each live act that is not a miss adds a plank to its
    owner's day (when the ledger has that day), and a secured one if confirmed.
    """
    first: dict[tuple[int, Side], dict[date, TrustAct]] = {}
    every: dict[tuple[int, Side], dict[date, list[TrustAct]]] = {}
    secured: set[int] = set()
    settling, reported_kind = SETTLING_KINDS, ActKind.MISSED_PARTNER
    missed_self, missed_partner, kept = ActKind.MISSED_SELF, ActKind.MISSED_PARTNER, ActKind.KEPT
    row_of, columns_of = planks if planks is not None else ({}, {})
    # Every act of a bridge passes here: no setdefault building a dict and a list per act.
    for act, confirmed in live:
        # Unpacked at once: one step, where reading four fields by name took four.
        act_id, kind, author, owner, day, _, cid, _ = act
        if planks is not None and kind is not missed_self and kind is not missed_partner:
            row = row_of.get(day)
            if row is not None:
                columns = columns_of[owner]
                columns[0][row] += 1
                if confirmed:
                    columns[1][row] += 1
        if kind not in settling or cid is None or day < earliest:
            continue
        if (side is not None and owner != side) or (author == owner) == (kind is reported_kind):
            continue
        if confirmed and kind is kept:
            secured.add(act_id)
        key = (cid, owner)
        if cid in one_offs:
            every.setdefault(key, {}).setdefault(day, []).append(act)
        by_day = first.get(key)
        if by_day is None:
            first[key] = {day: act}
        elif day not in by_day:
            by_day[day] = act
    return first, every, secured


def _due_days(
    commitment: Commitment,
    since: date,
    today: date,
    spans: dict[tuple[date, date], list[date]] | None = None,
) -> tuple[list[date], list[date]]:
    """The day each occurrence due from `since` up to `today` opens, and the day it is
    due (two lists, in due order), plus a one-off's that is open today ahead of its
    date. `spans` keeps the runs of days already made, for the next commitment with the
    same first and last day (never mutated)."""
    if commitment.cadence is Cadence.ONCE:
        due = commitment.due_by
        # Retired before its date, a one-off is no longer due at all.
        opened = commitment.start <= today
        if due is not None and opened and commitment.active_on(due) and due >= since:
            return [commitment.start], [due]
        return [], []
    first = max(since, commitment.start)
    last = today if commitment.last_day is None else min(today, commitment.last_day)
    if spans is None:
        picked = days_between(first, last)
    else:  # the commitments of a bridge mostly share their days: one list of dates for them
        picked = spans.get((first, last)) or spans.setdefault(
            (first, last), days_between(first, last)
        )
    if commitment.cadence is not Cadence.DAILY:
        picked = [day for day in picked if is_due(commitment, day)]
    return picked, picked  # each opens on its due day


def reads_from(commitments: Iterable[Commitment], since: date) -> date:
    """The oldest day whose acts the occurrences due from `since` can read: `since`,
    or the start of a one-off due on or after it (a one-off reads any day of its
    window; the rest read only their due days)."""
    return min(
        [
            since,
            *(
                c.start
                for c in commitments
                if c.cadence is Cadence.ONCE and c.due_by is not None and c.due_by >= since
            ),
        ]
    )


def occurrences(
    commitments: Iterable[Commitment],
    log: Iterable[TrustAct] | Iterable[LiveAct] | Counted,
    pauses: Iterable[Pause],
    today: date,
    *,
    side: Side | None = None,
    since: date | None = None,
) -> list[Occurrence]:
    """Every occurrence due from `since` (each commitment's start by default) to the
    local date `today`, with one state each, oldest first; `side` keeps one side's.

    `log` is the bridge's log, or its live acts when the caller derived them already
    (as LiveActs, or counted). A one-off commitment's occurrence is included from its
    start, ahead of its date.
    """
    rows = [
        row
        for c in occurrence_columns(commitments, log, pauses, today, side=side, since=since)
        for row in zip(
            repeat(c.commitment_id), repeat(c.owner), c.due, c.opens, c.state, c.act, strict=False
        )
    ]
    rows.sort(key=_DUE)  # stable: commitments were walked in id order
    new = tuple.__new__  # an Occurrence per due item: skips the named tuple's slower __new__
    return [new(Occurrence, row) for row in rows]


class DueColumns(NamedTuple):
    """One commitment's occurrences as columns, a row an occurrence, in due order:
    Occurrence's fields, for a caller that counts them (the ledger reads every one of
    a bridge) without building an Occurrence each."""

    commitment_id: int
    owner: Side
    due: list[date]
    opens: list[date]
    state: list[OccurrenceState]
    act: list[TrustAct | None]


def occurrence_columns(
    commitments: Iterable[Commitment],
    log: Iterable[TrustAct] | Iterable[LiveAct] | Counted,
    pauses: Iterable[Pause],
    today: date,
    *,
    side: Side | None = None,
    since: date | None = None,
    planks: PlankColumns | None = None,
) -> Iterator[DueColumns]:
    """`occurrences` as columns, commitment by commitment in id order.

    `planks`: the ledger's plank columns, counted while the acts are indexed (see
    _settling_index), so filled once the first commitment is asked for."""
    live = live_pairs(log)
    pauses = list(pauses)
    commitments = list(commitments)
    earliest = date.min if since is None else reads_from(commitments, since)
    one_offs = {c.id for c in commitments if c.cadence is Cadence.ONCE}
    first, every, secured_ids = _settling_index(live, side, earliest, one_offs, planks)
    lapses_before = oldest_open_day(today)
    lapsed, open_, secured, state_of = _LAPSED, _OPEN, _SECURED, _STATE_OF
    spans: dict[tuple[date, date], list[date]] = {}
    # In id order, so that a stable sort by due day alone orders by (due, commitment).
    for commitment in sorted(commitments, key=_ID):
        if side is not None and commitment.owner != side:
            continue
        cid, owner = commitment.id, commitment.owner
        begin = since if since is not None else commitment.start
        opens, dues = _due_days(commitment, begin, today, spans)
        if pauses:  # nothing falls due on a paused day
            running = [not bridge_paused(due, pauses) for due in dues]
            opens, dues = list(compress(opens, running)), list(compress(dues, running))
        # The first act in the log settles it; without one it is open, then lapsed.
        acts: list[TrustAct | None]
        if cid not in one_offs:  # the first act in the log on its due day
            acts = list(map(first.get((cid, owner), {}).get, dues))
        else:
            window = every.get((cid, owner), {})
            acts = [_one_off_act(window, o, due) for o, due in zip(opens, dues, strict=True)]
        # Kept (secured once the partner confirmed it), missed or reported; else open,
        # then lapsed. (A comprehension: a call an occurrence cost more than the rule.)
        states = [
            (lapsed if due < lapses_before else open_)
            if act is None
            else (secured if act.id in secured_ids else state_of[act.kind])
            for due, act in zip(dues, acts, strict=True)
        ]
        yield DueColumns(cid, owner, dues, opens, states, acts)


def _one_off_act(window: dict[date, list[TrustAct]], opens: date, due: date) -> TrustAct | None:
    """The act that settles a one-off open from `opens` to `due`: the earliest in the
    log on any day of its window."""
    if opens == due:
        return next(iter(window.get(due, ())), None)
    candidates = (a for day, acts in window.items() if opens <= day <= due for a in acts)
    return min(candidates, key=_ID, default=None)


_ID = attrgetter("id")
_DUE = itemgetter(2)


def occurrence_for(
    commitment: Commitment,
    log: Iterable[TrustAct],
    pauses: Iterable[Pause],
    day: date,
    today: date,
) -> Occurrence | None:
    """The occurrence of `commitment` that a check-in or a report for `day` refers to,
    or None when nothing of it falls due then (not its day, paused, not started)."""
    if day > today:
        return None
    since = day if commitment.cadence is not Cadence.ONCE else commitment.start
    for occurrence in occurrences([commitment], log, pauses, today, since=since):
        if occurrence.settles_on(day):
            return occurrence
    return None


def on_today(occurrences_: Iterable[Occurrence], today: date) -> list[Occurrence]:
    """What Today lists: today's occurrences (a one-off open today included) and
    yesterday's while they are still open (the grace day)."""
    yesterday = today - timedelta(days=1)
    shown = []
    for o in occurrences_:
        if o.state is OccurrenceState.OPEN:
            show = o.settles_on(today) or o.due == yesterday
        else:  # settled: a one-off done days ago is not today's news
            show = o.settles_on(today) and o.charged_on == today
        if show:
            shown.append(o)
    return shown
