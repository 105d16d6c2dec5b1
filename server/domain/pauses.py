"""Which pauses count, and noticing a side that has gone silent.

A forgotten holiday is not a broken bridge, but only the partner can say so ("it takes
two"). The rest of the domain receives the list `effective_pauses` returns and knows
nothing of asking:

- A pause a side sets from today or later is its own decision and counts at once.
- A pause over days already past (at most ASK_BACK_DAYS back, ending yesterday at the
  latest) is only *asked for*: a PAUSE_ASKED act, and a stored pause that points at it.
  It counts once the partner agrees (PAUSE_AGREED), from its first day, exactly as if
  it had been set in time: the ledger then skips those days, and every figure is
  derived again from the log. Declined, withdrawn by its asker, or left unanswered for
  ANSWER_DAYS (it expires), it counts for nothing, and nothing records the asking
  against anyone.
- A pause a side sets alone never covers a day on which the partner reported that
  side's miss. Since every pause over past days needs the partner's agreement, the only
  such day is today (reported in the morning, paused in the afternoon); the pause then
  starts after it. Only the partner's agreement pauses a reported day away.

Absence: when every due item of a side stayed unanswered for ABSENCE_DAYS local days in
a row, the app asks that side "Were you away?" rather than counting broken promises at
them, and the partner reads "No check-ins from Alice for 3 days" until the days are
settled: a pause asked for and answered (or expired), or the side checked in again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from server import formats
from server.domain.acts import ActKind, LiveAct, TrustAct, as_live, withdrawn_ids
from server.domain.cadence import Commitment
from server.domain.ledger import Outcome, SideDay, side_days
from server.domain.localday import ONE_DAY, Pause
from server.domain.sides import Side, other

ASK_BACK_DAYS = 30  # how far back a pause may be asked for
ANSWER_DAYS = 7  # a request not answered within this many days expires
ABSENCE_DAYS = 3  # unanswered days in a row before the app asks "Were you away?"
FIRST_LOOK_DAYS = 7  # how far back `away` looks before it reads the whole window


ANSWER_KINDS = frozenset({ActKind.PAUSE_AGREED, ActKind.PAUSE_DECLINED})
ASKING_KINDS = ANSWER_KINDS | {ActKind.PAUSE_ASKED}


class Asked(StrEnum):
    """Where a request to pause past days stands."""

    PENDING = "pending"  # waiting for the partner, inside the answer window
    AGREED = "agreed"  # the days are paused
    DECLINED = "declined"  # the days stay as they were
    EXPIRED = "expired"  # no answer in time: the days stay as they were
    WITHDRAWN = "withdrawn"  # its asker took it back


class PauseRequest(NamedTuple):
    """A pause over past days that one side asked for, and its answer."""

    pause: Pause
    asked: TrustAct
    state: Asked
    answer: TrustAct | None = None

    @property
    def side(self) -> Side:
        return self.pause.side

    @property
    def first(self) -> date:
        return self.pause.start

    @property
    def last(self) -> date:
        return self.pause.end or self.pause.start

    @property
    def expires_on(self) -> date:
        """The first day it can no longer be answered."""
        return self.asked.day + timedelta(days=ANSWER_DAYS)


def may_ask(start: date, end: date, today: date) -> bool:
    """Whether a pause over `start`..`end` is one that needs asking: it starts in the past,
    no further back than ASK_BACK_DAYS, and ends by yesterday."""
    return today - timedelta(days=ASK_BACK_DAYS) <= start <= end < today


def may_answer(request: PauseRequest, by_side: Side) -> bool:
    """Whether `by_side` may agree to or decline `request` now: the partner, while pending."""
    return request.state is Asked.PENDING and by_side == other(request.side)


def pause_requests(
    pauses: Iterable[Pause], log: Iterable[TrustAct], today: date
) -> list[PauseRequest]:
    """Every request to pause past days, with where it stands on the local date `today`."""
    acts = list(log)
    gone = withdrawn_ids(acts)
    by_id = {act.id: act for act in acts}
    answers: dict[int, TrustAct] = {}
    for act in acts:
        if act.kind not in ANSWER_KINDS or act.id in gone or act.target_id in answers:
            continue
        asked = by_id.get(act.target_id)  # type: ignore[arg-type]
        # The first answer by the partner within the window decides; a log written by a
        # buggy client (the asker answering, a late answer) grants no powers.
        if (
            asked is not None
            and asked.kind is ActKind.PAUSE_ASKED
            and act.author == other(asked.author)
            and act.day < asked.day + timedelta(days=ANSWER_DAYS)
        ):
            answers[asked.id] = act
    found = []
    for pause in pauses:
        if pause.asked is None or pause.asked not in by_id:
            continue
        asked = by_id[pause.asked]
        if asked.kind is not ActKind.PAUSE_ASKED or asked.author != pause.side:
            continue
        if pause.end is None or not may_ask(pause.start, pause.end, asked.day):
            continue
        answer = answers.get(asked.id)
        if asked.id in gone:
            state = Asked.WITHDRAWN
        elif answer is not None:
            state = Asked.AGREED if answer.kind is ActKind.PAUSE_AGREED else Asked.DECLINED
        elif today >= asked.day + timedelta(days=ANSWER_DAYS):
            state = Asked.EXPIRED
        else:
            state = Asked.PENDING
        found.append(PauseRequest(pause, asked, state, answer))
    return found


def effective_pauses(pauses: Iterable[Pause], log: Iterable[TrustAct]) -> list[Pause]:
    """The pauses that count, whatever the day: each side's own (never over a day the
    partner reported its miss), and the requests the partner agreed to.

    Agreement does not depend on the day it is read, so neither does this list.
    """
    pauses = list(pauses)
    if not pauses:
        return []  # most bridges, most days: nothing in the log to read
    acts = list(log)
    # Whether a request is agreed is the same on any day: the window is checked on
    # the answer's own day, so any `today` gives the same agreed set.
    agreed = {r.asked.id for r in pause_requests(pauses, acts, date.min) if r.state is Asked.AGREED}
    gone = withdrawn_ids(acts)
    reported: dict[Side, list[date]] = {}
    for act in acts:
        if act.kind is ActKind.MISSED_PARTNER and act.id not in gone:
            reported.setdefault(act.owner, []).append(act.day)
    counted: list[Pause] = []
    for pause in pauses:
        if pause.asked is not None:
            if pause.asked in agreed:
                counted.append(pause)
            continue
        counted += _around(pause, sorted(reported.get(pause.side, [])))
    return counted


def _around(pause: Pause, reported: list[date]) -> list[Pause]:
    """`pause` split so that it covers none of the `reported` days."""
    parts, start = [], pause.start
    for day in reported:
        if not pause.covers(day) or day < start:
            continue
        if day > start:
            parts.append(Pause(pause.side, start, day - ONE_DAY))
        start = day + ONE_DAY
    if pause.end is None or start <= pause.end:
        parts.append(Pause(pause.side, start, pause.end))
    return parts


class Absence(NamedTuple):
    """A side's run of days with every due item unanswered, up to yesterday."""

    side: Side
    first: date
    last: date
    days: int  # days in the run with something due


def absence(ledger: Sequence[SideDay], today: date) -> Absence | None:
    """The side's silence before `today`, if it lasted ABSENCE_DAYS days or more.

    Walking back from yesterday, over the days a pause may still be asked for: a day
    with something due and nothing checked in or logged (open or lapsed) extends the
    run; a day with nothing due, paused, or on which the partner reported a miss (they
    have had their say) neither extends nor ends it; a day the side answered ends it.
    Today is left out: today's items can still be done.
    """
    return _walk_back(ledger, today)[0]


def _walk_back(ledger: Sequence[SideDay], today: date) -> tuple[Absence | None, bool]:
    """`absence`, and whether the walk ended on a day the side answered (no older day
    of the ledger could then change it)."""
    first = last = None
    days = 0
    answered = False
    since = today - timedelta(days=ASK_BACK_DAYS)
    for day in reversed(ledger):
        if day.day < since:
            break
        if day.day >= today or day.outcome is Outcome.PAUSED or not (day.due or day.planks):
            continue
        if day.checked_in or day.planks:
            answered = True
            break
        if day.partner_missed:
            continue
        days += 1
        first, last = day.day, last or day.day
    if days < ABSENCE_DAYS or first is None or last is None:
        return None, answered
    return Absence(ledger[0].side, first, last, days), answered


def unsettled(found: Absence | None, requests: Iterable[PauseRequest]) -> Absence | None:
    """`found`, unless a request of that side already covers any of its days (asked
    and waiting, or answered either way: those days are settled by the answer)."""
    if found is None:
        return None
    for request in requests:
        if (
            request.side == found.side
            and request.state is not Asked.WITHDRAWN
            and request.first <= found.last
            and found.first <= request.last
        ):
            return None
    return found


def span_text(first: date, last: date) -> str:
    """Days as the reader writes them: "5 Dec", "5 - 7 Dec" (formats.days)."""
    return formats.days(first, last)


class ReadFurther(Exception):
    """`away` was given a log that starts too late for this side: read from `day` on."""

    def __init__(self, day: date) -> None:
        super().__init__(f"read the log from {day.isoformat()}")
        self.day = day


def away(
    log: Iterable[TrustAct] | Iterable[LiveAct],
    commitments: Iterable[Commitment],
    pauses: Iterable[Pause],
    requests: Iterable[PauseRequest],
    side: Side,
    today: date,
    *,
    read_from: date | None = None,
) -> Absence | None:
    """`side`'s unsettled absence on `today`, from its ledger over the days a pause may
    still be asked for; `pauses` are the effective ones.

    The last week's ledger first: a side that answered on one of those days is not
    away, whatever came before (`absence` stops at the first answered day back); only
    a side silent all week needs the whole window, unless the week reaches back to
    before anything was due. (Every morning's reminder asks this of everyone, and
    most people answered yesterday.) With `read_from`, `log` holds only the acts of
    that day and later (a reminder reads a bridge's last days first): when the answer
    needs an older day, ReadFurther says from which day to read instead."""
    live = as_live(log)
    commitments = list(commitments)
    pauses = list(pauses)
    # Before the first commitment's start nothing was due: no older day extends a run.
    first_due = min((c.start for c in commitments), default=today)
    for back in (FIRST_LOOK_DAYS, ASK_BACK_DAYS):
        start = today - timedelta(days=back)
        if read_from is not None and start < read_from and first_due < read_from:
            # From the furthest day any look reads: one more read always answers.
            raise ReadFurther(max(today - timedelta(days=ASK_BACK_DAYS), first_due))
        ledger = side_days(live, commitments, pauses, side, start, today)
        found, answered = _walk_back(ledger, today)
        if answered or start <= first_due:
            break
    return unsettled(found, requests)
