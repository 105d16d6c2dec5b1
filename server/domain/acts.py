"""Trust acts: the immutable log of a bridge, and who may confirm or withdraw what.

Nothing is ever edited or deleted. A confirmation or a withdrawal is itself an act
that points at another one, and every piece of bridge state is derived from the log.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum
from operator import attrgetter
from typing import NamedTuple, cast

from server.domain.sides import Side

# Long enough to undo a slip of the thumb the next morning, short enough that the
# partner can rely on what they saw.
WITHDRAW_WINDOW = timedelta(hours=24)
# How long a plank waits for the partner to secure it, counted from the day it is
# about. A confirmation says "I saw that happen": two weeks on it is memory, not
# witness, and without an end a year of history leaves hundreds of old planks
# waiting on Today and in every reminder. (Confirmations made while a plank could
# still be secured keep counting: the window ends the waiting, it rewrites nothing.)
CONFIRM_DAYS = 14


class ActKind(StrEnum):
    """What happened."""

    KEPT = "kept"  # a commitment was kept
    MISSED_SELF = "missed_self"  # the owner says they missed it
    MISSED_PARTNER = "missed_partner"  # the partner reports the owner missed it
    LISTENING = "listening"  # the owner listened; the partner may confirm "I felt heard"
    MISTAKE = "mistake"  # the owner owned a mistake openly
    CONFIRMATION = "confirmation"  # the partner confirms a kept, listening or mistake act
    WITHDRAWAL = "withdrawal"  # the author takes back their own act within 24 hours
    PAUSE_ASKED = "pause_asked"  # a side asks to pause days already past (see pauses.py)
    PAUSE_AGREED = "pause_agreed"  # the partner agrees: those days are paused
    PAUSE_DECLINED = "pause_declined"  # the partner declines: the days stay as they were


# Acts that lay (or crack, or break) a plank on their owner's side.
PLANK_KINDS = frozenset(
    {ActKind.KEPT, ActKind.MISSED_SELF, ActKind.MISSED_PARTNER, ActKind.LISTENING, ActKind.MISTAKE}
)
MISS_KINDS = frozenset({ActKind.MISSED_SELF, ActKind.MISSED_PARTNER})

# What the partner's confirmation means, in the words the screen shows.
CONFIRMATION_LABELS = {
    ActKind.KEPT: "secures the plank",
    ActKind.LISTENING: "I felt heard",
    ActKind.MISTAKE: "acknowledged",
}


class TrustAct(NamedTuple):
    """One entry in a bridge's log.

    (A named tuple: a bridge a year old has thousands, mapped from rows on every
    derivation, and it builds three times faster than a frozen dataclass.)

    `author` logged it; `owner` is whose bank it belongs to. They differ for a miss the
    partner reports and for confirmations (authored by the partner of the target's owner).
    """

    id: int
    kind: ActKind
    author: Side
    owner: Side
    day: date  # the owner's local day the act refers to
    created_at: datetime  # timezone-aware
    commitment_id: int | None = None
    target_id: int | None = None  # CONFIRMATION and WITHDRAWAL only


class LiveAct(NamedTuple):
    """A plank-laying act that still counts, and whether the partner confirmed it."""

    act: TrustAct
    confirmed: bool


def can_withdraw(act: TrustAct, by_side: Side, now: datetime) -> bool:
    """Whether `by_side` may withdraw `act` at `now`: only its author, within 24 hours."""
    return (
        act.kind is not ActKind.WITHDRAWAL
        and by_side == act.author
        and now - act.created_at < WITHDRAW_WINDOW
    )


def can_confirm(act: TrustAct, by_side: Side) -> bool:
    """Whether `by_side` may confirm `act`: a kept, listening or mistake act of the other side."""
    # The other side: a bridge has two, so whichever is not the owner (not a call to
    # `other`: this runs for every confirmation of a bridge on each derivation).
    return act.kind in CONFIRMATION_LABELS and by_side != act.owner


def confirmable_on(act: TrustAct, today: date) -> bool:
    """Whether `act` may still be confirmed on the confirmer's local date `today`:
    up to CONFIRM_DAYS after the day it is about (who may confirm: `can_confirm`)."""
    return today.toordinal() - act.day.toordinal() <= CONFIRM_DAYS


def withdrawn_ids(log: Iterable[TrustAct]) -> frozenset[int]:
    """Ids of acts taken back by a valid withdrawal; they count for nothing."""
    acts = log if isinstance(log, list) else list(log)
    return _withdrawn(acts, [act for act in acts if act.kind is ActKind.WITHDRAWAL])


def _withdrawn(acts: list[TrustAct], withdrawals: list[TrustAct]) -> frozenset[int]:
    if not withdrawals:
        return frozenset()
    by_id = {act.id: act for act in acts}
    withdrawn = set()
    for act in withdrawals:
        target = by_id.get(act.target_id)  # type: ignore[arg-type]
        # Re-check the rule here too: a log written by a buggy client grants no powers.
        if target is not None and can_withdraw(target, act.author, act.created_at):
            withdrawn.add(target.id)
    return frozenset(withdrawn)


class Counted(NamedTuple):
    """A bridge's live acts without a LiveAct each: the plank-laying acts that still
    count, in log order, and the ids of those the partner confirmed. (The ledger reads
    every act of a bridge on each derivation; a LiveAct an act cost it a third of it.)"""

    planks: list[TrustAct]
    confirmed: set[int]


def counted(log: Iterable[TrustAct]) -> Counted:
    """The plank-laying acts that still count, and which of them the partner confirmed.

    (Written as plain passes: it runs over every act of a bridge on each derivation,
    so it avoids a call per act.)
    """
    acts = log if isinstance(log, list) else list(log)
    confirmation, withdrawal, plank_kinds = ActKind.CONFIRMATION, ActKind.WITHDRAWAL, PLANK_KINDS
    answers = [act for act in acts if act.kind is confirmation or act.kind is withdrawal]
    gone = _withdrawn(acts, [act for act in answers if act.kind is withdrawal])
    confirmations = [act for act in answers if act.kind is confirmation and act.id not in gone]
    confirmed = set()
    if confirmations:
        by_id = {act.id: act for act in acts}
        # Each confirmation with the act it names, looked up in C (map), not a step each.
        targets = map(by_id.get, map(_TARGET, confirmations))
        for act, target in zip(confirmations, targets, strict=True):
            if target is not None and target.id not in gone and can_confirm(target, act.author):
                confirmed.add(target.id)
    # Plank kinds only: asking to pause past days, and the answer, lay no plank.
    if not gone:
        return Counted([act for act in acts if act.kind in plank_kinds], confirmed)
    planks = [act for act in acts if act.kind in plank_kinds and act.id not in gone]
    return Counted(planks, confirmed)


def live_acts(log: Iterable[TrustAct]) -> list[LiveAct]:
    """The plank-laying acts that still count, in log order, each with its confirmation."""
    planks, confirmed = counted(log)
    new = tuple.__new__  # a LiveAct per plank: skips the named tuple's slower __new__
    return [new(LiveAct, (act, act.id in confirmed)) for act in planks]


def as_counted(log: Iterable[TrustAct] | Iterable[LiveAct] | Counted) -> Counted:
    """A bridge's live acts as `counted` gives them, from its log, its live acts or
    those already counted."""
    if isinstance(log, Counted):
        return log
    items = log if isinstance(log, list) else list(log)
    if items and isinstance(items[0], LiveAct):
        live = cast(list[LiveAct], items)
        return Counted([i.act for i in live], {i.act.id for i in live if i.confirmed})
    return counted(cast(list[TrustAct], items))


def live_pairs(
    log: Iterable[TrustAct] | Iterable[LiveAct] | Counted,
) -> Iterable[tuple[TrustAct, bool]]:
    """Each live act and whether the partner confirmed it, from a bridge's log, its
    live acts (a LiveAct is such a pair) or those counted, for a caller that reads
    each pair once: from a log, no pair is built per act (zip reuses its tuple)."""
    if not isinstance(log, Counted):
        items = log if isinstance(log, list) else list(log)
        if items and isinstance(items[0], LiveAct):
            return cast(list[LiveAct], items)
        log = cast(list[TrustAct], items)
    planks, confirmed = as_counted(log)
    return zip(planks, map(confirmed.__contains__, map(_ID, planks)), strict=True)


_ID = attrgetter("id")
_TARGET = attrgetter("target_id")


def as_live(log: Iterable[TrustAct] | Iterable[LiveAct]) -> list[LiveAct]:
    """A bridge's live acts, from its log or from live acts a caller derived already
    (so one request derives them once, however many rules read them)."""
    items = list(log)
    if items and isinstance(items[0], LiveAct):
        return items  # type: ignore[return-value]
    return live_acts(items)  # type: ignore[arg-type]
