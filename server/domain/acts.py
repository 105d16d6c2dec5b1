"""Trust acts: the immutable log of a bridge, and who may confirm or withdraw what.

Nothing is ever edited or deleted. A confirmation or a withdrawal is itself an act
that points at another one, and every piece of bridge state is derived from the log.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from server.domain.sides import Side, other

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
    return act.kind in CONFIRMATION_LABELS and by_side == other(act.owner)


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


def live_acts(log: Iterable[TrustAct]) -> list[LiveAct]:
    """The plank-laying acts that still count, in log order, each with its confirmation.

    (Written as two plain passes: it runs over every act of a bridge on each
    derivation, so it avoids a call per act.)
    """
    acts = log if isinstance(log, list) else list(log)
    confirmation, withdrawal, plank_kinds = ActKind.CONFIRMATION, ActKind.WITHDRAWAL, PLANK_KINDS
    answers = [act for act in acts if act.kind is confirmation or act.kind is withdrawal]
    gone = _withdrawn(acts, [act for act in answers if act.kind is withdrawal])
    confirmed = set()
    if answers:
        by_id = {act.id: act for act in acts}
        for act in answers:
            if act.kind is not confirmation or act.id in gone:
                continue
            target = by_id.get(act.target_id)
            if target is not None and target.id not in gone and can_confirm(target, act.author):
                confirmed.add(target.id)
    new = tuple.__new__  # a LiveAct per plank: skips the named tuple's slower __new__
    # Plank kinds only: asking to pause past days, and the answer, lay no plank.
    if not gone:
        return [new(LiveAct, (act, act.id in confirmed)) for act in acts if act.kind in plank_kinds]
    return [
        new(LiveAct, (act, act.id in confirmed))
        for act in acts
        if act.kind in plank_kinds and act.id not in gone
    ]


def as_live(log: Iterable[TrustAct] | Iterable[LiveAct]) -> list[LiveAct]:
    """A bridge's live acts, from its log or from live acts a caller derived already
    (so one request derives them once, however many rules read them)."""
    items = list(log)
    if items and isinstance(items[0], LiveAct):
        return items  # type: ignore[return-value]
    return live_acts(items)  # type: ignore[arg-type]
