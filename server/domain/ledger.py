"""What each side's local day amounted to: kept, missed, quiet, open or paused.

Health and streaks both read this ledger, so they can never disagree about a day.

- A pause by either side pauses the bridge: nothing is due on either side (a listening
  session or a shared commitment needs both people), and health holds still.
- Each due item is settled by its owner's check-in (kept, or a miss they own). Until
  its grace window closes it is *open*; after that an item nobody reported has *lapsed*.
- A lapsed item counts as a miss reported by the partner: the side did not own up, and
  owning up must always be the cheaper path, so silence can never beat honesty.
- A miss the partner reports on an item the owner already owned as missed counts once,
  as the owner's own report. A partner's report on an item the owner logged as kept
  stands: the dispute is between the two of them, and the record shows both.
- The day's worst miss decides its outcome; confirmations are the partner's act and
  are not upkeep of the confirmer's own half, so they never make a day active.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from server.domain.acts import MISS_KINDS, ActKind, LiveAct, TrustAct, live_acts
from server.domain.cadence import Commitment, is_due, keep_window
from server.domain.localday import Pause, bridge_paused, days_between, grace_closed
from server.domain.sides import Side


class Outcome(StrEnum):
    """What a side's day amounted to, from the best to the silent."""

    KEPT = "kept"  # planks laid, nothing missed
    SELF_MISS = "self_miss"  # the worst miss that day was owned by the side itself
    PARTNER_MISS = "partner_miss"  # reported by the partner, or left unreported past grace
    OPEN = "open"  # only items still inside their grace window
    QUIET = "quiet"  # nothing due, nothing logged
    PAUSED = "paused"


@dataclass(frozen=True)
class SideDay:
    """One side's local day, with the facts behind its outcome."""

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
    days = [act.day for act in log] + [c.start for c in commitments]
    return min(days, default=None)


def side_days(
    log: Iterable[TrustAct],
    commitments: Iterable[Commitment],
    pauses: Iterable[Pause],
    side: Side,
    start: date,
    today: date,
) -> list[SideDay]:
    """The ledger of `side` for every local day from `start` to `today`."""
    pauses = list(pauses)
    mine = [c for c in commitments if c.owner == side]
    by_day: dict[date, list[LiveAct]] = defaultdict(list)
    # commitment id -> kind -> days with such an act
    by_item: dict[int, dict[ActKind, set[date]]] = defaultdict(lambda: defaultdict(set))
    for live in live_acts(log):
        act = live.act
        if act.owner != side or act.day > today:
            continue
        by_day[act.day].append(live)
        if act.commitment_id is not None:
            by_item[act.commitment_id][act.kind].add(act.day)

    def reported(commitment: Commitment, day: date, *kinds: ActKind) -> bool:
        first, last = keep_window(commitment, day)
        found = by_item[commitment.id]
        return any(first <= d <= last for kind in kinds for d in found.get(kind, ()))

    ledger = []
    for day in days_between(start, today):
        if bridge_paused(day, pauses):
            ledger.append(SideDay(side, day, Outcome.PAUSED))
            continue
        acts = [live.act for live in by_day.get(day, [])]
        owned = {a.commitment_id for a in acts if a.kind is ActKind.MISSED_SELF}
        planks = [live for live in by_day.get(day, []) if live.act.kind not in MISS_KINDS]
        due = checked_in = still_open = lapsed = 0
        for commitment in mine:
            if not is_due(commitment, day):
                continue
            due += 1
            if reported(commitment, day, ActKind.KEPT, ActKind.MISSED_SELF):
                checked_in += 1
            elif not grace_closed(day, today):
                still_open += 1
            elif not reported(commitment, day, ActKind.MISSED_PARTNER):
                lapsed += 1
        facts = SideDay(
            side,
            day,
            Outcome.QUIET,
            planks=len(planks),
            secured=sum(live.confirmed for live in planks),
            due=due,
            checked_in=checked_in,
            open=still_open,
            self_missed=sum(a.kind is ActKind.MISSED_SELF for a in acts),
            partner_missed=sum(
                a.kind is ActKind.MISSED_PARTNER
                and (a.commitment_id is None or a.commitment_id not in owned)
                for a in acts
            ),
            lapsed=lapsed,
        )
        ledger.append(_with_outcome(facts))
    return ledger


def _with_outcome(facts: SideDay) -> SideDay:
    if facts.partner_missed or facts.lapsed:
        outcome = Outcome.PARTNER_MISS
    elif facts.self_missed:
        outcome = Outcome.SELF_MISS
    elif facts.planks:
        outcome = Outcome.KEPT
    elif facts.open:
        outcome = Outcome.OPEN
    else:
        outcome = Outcome.QUIET
    return replace(facts, outcome=outcome)


def bridge_days(
    log: Iterable[TrustAct],
    commitments: Iterable[Commitment],
    pauses: Iterable[Pause],
    start: date,
    today: date,
) -> dict[Side, list[SideDay]]:
    """Both sides' ledgers from `start` to `today`."""
    log, commitments, pauses = list(log), list(commitments), list(pauses)
    return {side: side_days(log, commitments, pauses, side, start, today) for side in Side}
