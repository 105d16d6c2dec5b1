"""Personas, a log builder and hypothesis strategies shared by the domain tests.

Alice stands on side A and Bob on side B of the bridge they are repairing.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import count

from hypothesis import strategies as st

from server.domain import ActKind, Cadence, Commitment, Side, TrustAct, other

ALICE, BOB = Side.A, Side.B
NAMES = {ALICE: "Alice", BOB: "Bob"}
MONDAY = date(2025, 3, 3)


def day(n: int) -> date:
    """The local date `n` days after the first Monday of the tests."""
    return MONDAY + timedelta(days=n)


def evening(d: date, hours: float = 0) -> datetime:
    """20:00 UTC on `d`, plus `hours`: when people tend to check in."""
    return datetime.combine(d, time(20), UTC) + timedelta(hours=hours)


@dataclass
class Log:
    """Builds a bridge's trust-act log the way the app would write it."""

    acts: list[TrustAct] = field(default_factory=list)
    _ids: "count[int]" = field(default_factory=lambda: count(1))

    def add(
        self,
        kind: ActKind,
        author: Side,
        owner: Side,
        on: date,
        *,
        at: datetime | None = None,
        commitment: int | None = None,
        target: int | None = None,
    ) -> TrustAct:
        act = TrustAct(
            next(self._ids), kind, author, owner, on, at or evening(on), commitment, target
        )
        self.acts.append(act)
        return act

    def fork(self) -> "Log":
        """A copy of this log that new acts can be added to independently."""
        return Log(list(self.acts), count(max((a.id for a in self.acts), default=0) + 1))

    def kept(
        self, side: Side, on: date, commitment: int | None = None, at: datetime | None = None
    ) -> TrustAct:
        return self.add(ActKind.KEPT, side, side, on, commitment=commitment, at=at)

    def missed(self, side: Side, on: date, commitment: int | None = None) -> TrustAct:
        """`side` owns up to a miss."""
        return self.add(ActKind.MISSED_SELF, side, side, on, commitment=commitment)

    def reported(self, side: Side, on: date, commitment: int | None = None) -> TrustAct:
        """The partner reports that `side` missed."""
        return self.add(ActKind.MISSED_PARTNER, other(side), side, on, commitment=commitment)

    def listened(self, side: Side, on: date) -> TrustAct:
        return self.add(ActKind.LISTENING, side, side, on)

    def owned_mistake(self, side: Side, on: date) -> TrustAct:
        return self.add(ActKind.MISTAKE, side, side, on)

    def confirm(self, act: TrustAct, at: datetime | None = None) -> TrustAct:
        at = at or act.created_at + timedelta(hours=1)
        return self.add(
            ActKind.CONFIRMATION, other(act.owner), act.owner, at.date(), at=at, target=act.id
        )

    def withdraw(self, act: TrustAct, at: datetime | None = None) -> TrustAct:
        at = at or act.created_at + timedelta(hours=1)
        return self.add(ActKind.WITHDRAWAL, act.author, act.owner, act.day, at=at, target=act.id)

    def secured(self, side: Side, on: date, commitment: int | None = None) -> TrustAct:
        act = self.kept(side, on, commitment)
        self.confirm(act)
        return act


def daily(id: int, side: Side, start: date = MONDAY, end: date | None = None) -> Commitment:
    return Commitment(id, side, Cadence.DAILY, start, end=end)


# What a side may do on a day of a generated log.
EVENTS = ("nothing", "kept", "secured", "missed", "reported", "listened", "mistake")


@st.composite
def bridge_logs(draw: st.DrawFn, days: int = 21) -> tuple[Log, list[Commitment]]:
    """A random bridge: Alice commits daily, Bob on Mon/Wed/Fri, and anything may happen."""
    commitments = [
        daily(1, ALICE),
        Commitment(2, BOB, Cadence.WEEKDAYS, MONDAY, weekdays=frozenset({0, 2, 4})),
    ]
    choices: Sequence[str] = draw(
        st.lists(st.sampled_from(EVENTS), min_size=2 * days, max_size=2 * days)
    )
    log = Log()
    for n, event in enumerate(choices):
        side, on = (ALICE, BOB)[n % 2], day(n // 2)
        commitment = 1 if side is ALICE else 2 if on.weekday() in (0, 2, 4) else None
        if event == "kept":
            log.kept(side, on, commitment)
        elif event == "secured":
            log.secured(side, on, commitment)
        elif event == "missed":
            log.missed(side, on, commitment)
        elif event == "reported":
            log.reported(side, on, commitment)
        elif event == "listened":
            log.confirm(log.listened(side, on))
        elif event == "mistake":
            log.owned_mistake(side, on)
    return log, commitments
