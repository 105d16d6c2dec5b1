"""Today: everything due for a person across their bridges, and what waits for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from server import clock
from server import domain as d
from server.domain.moments import Moment, earned_moments
from server.moments import service as moments
from server.repair import derived, state
from server.repair.state import BridgeData
from server.repair.view import PauseAsk, Silence, pause_asks, silence
from server.tables import User


@dataclass(frozen=True)
class DueItem:
    bridge_id: int
    partner_name: str
    commitment_id: int
    text: str
    day: date
    yesterday: bool
    outcome: str  # "open", "kept", "missed" or "reported" (by the partner)
    act_id: int | None  # the check-in, for withdrawing it
    due_by: date | None = None  # a one-off's date, while it can be done ahead of it


@dataclass(frozen=True)
class WaitingConfirmation:
    bridge_id: int
    partner_name: str
    act_id: int
    kind: d.ActKind
    text: str
    day: date


@dataclass(frozen=True)
class KeptToConfirm:
    """Many kept items of one partner's waiting on one bridge: confirmed with one tap,
    after a look at what they were (one line per commitment, how many days)."""

    bridge_id: int
    partner_name: str
    items: list[WaitingConfirmation]  # oldest first

    @property
    def day(self) -> date:
        return self.items[0].day

    @property
    def act_ids(self) -> str:
        return ",".join(str(item.act_id) for item in self.items)

    @property
    def by_commitment(self) -> list[tuple[str, int]]:
        """Each commitment's text and how many of its days wait, most first."""
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.text] = counts.get(item.text, 0) + 1
        return sorted(counts.items(), key=lambda pair: -pair[1])


# More of one partner's kept items than this on a bridge are confirmed together: a
# phone screen of forty "Confirm" buttons is a chore, and chores get skipped.
ONE_BY_ONE_UP_TO = 3


def waiting_rows(
    waiting: list[WaitingConfirmation],
) -> list[WaitingConfirmation | KeptToConfirm]:
    """What "Waiting for you" shows, oldest first: listening sessions and owned mistakes
    one by one, kept items one by one up to ONE_BY_ONE_UP_TO a bridge, else together."""
    kept: dict[int, list[WaitingConfirmation]] = {}
    rows: list[WaitingConfirmation | KeptToConfirm] = []
    for item in waiting:
        if item.kind is d.ActKind.KEPT:
            kept.setdefault(item.bridge_id, []).append(item)
        else:
            rows.append(item)
    for bridge_id, items in kept.items():
        if len(items) > ONE_BY_ONE_UP_TO:
            rows.append(KeptToConfirm(bridge_id, items[0].partner_name, items))
        else:
            rows += items
    return sorted(rows, key=lambda row: row.day)


@dataclass(frozen=True)
class Request:
    """A bridge asked for and not answered yet: by me (`incoming` False) or of me."""

    bridge_id: int
    name: str  # the other person's; empty while my invitation link waits
    incoming: bool


@dataclass(frozen=True)
class TodayView:
    today: date
    items: list[DueItem]
    confirmations: list[WaitingConfirmation]
    streak: int
    badges: frozenset[d.Badge]
    streak_first: date | None  # the first and last done days of the streak alive now
    streak_last: date | None
    bridge_count: int
    paused_bridges: list[str]
    requests: list[Request] = field(default_factory=list)
    away: list[Silence] = field(default_factory=list)  # mine: "Were you away?"
    partners_away: list[Silence] = field(default_factory=list)  # "No check-ins from Alice"
    asks: list[PauseAsk] = field(default_factory=list)  # requests waiting, either way
    celebration: moments.Celebration | None = None  # shown once: remembered as shown

    @property
    def asks_of_me(self) -> list[PauseAsk]:
        return [a for a in self.asks if not a.mine]

    @property
    def my_asks(self) -> list[PauseAsk]:
        return [a for a in self.asks if a.mine]

    @property
    def open_items(self) -> list[DueItem]:
        return [i for i in self.items if i.outcome == "open"]

    @property
    def still_open(self) -> int:
        """The app badge: check-ins still open and planks waiting for my confirmation."""
        return len(self.open_items) + len(self.confirmations)

    @property
    def waiting_rows(self) -> list[WaitingConfirmation | KeptToConfirm]:
        return waiting_rows(self.confirmations)


def _items(data: BridgeData, live: list[d.LiveAct], me: d.Side, today: date) -> list[DueItem]:
    """Today's occurrences of my commitments, and yesterday's still open."""
    partner = data.people[d.other(me)].name
    since = today - timedelta(days=1)
    items = []
    for o in d.on_today(
        d.occurrences(data.commitments, live, data.pauses, today, side=me, since=since), today
    ):
        text = data.commitment_rows[o.commitment_id]["text"]
        day = o.check_in_day(today)
        items.append(
            DueItem(
                data.id,
                partner,
                o.commitment_id,
                text,
                day,
                day < today,
                _OUTCOMES[o.state],
                o.act.id if o.act is not None and o.state.checked_in else None,
                o.due if o.opens != o.due else None,
            )
        )
    return items


_OUTCOMES = {
    d.OccurrenceState.OPEN: "open",
    d.OccurrenceState.KEPT: "kept",
    d.OccurrenceState.SECURED: "kept",
    d.OccurrenceState.MISSED: "missed",
    d.OccurrenceState.REPORTED: "reported",
    d.OccurrenceState.LAPSED: "missed",
}


def _waiting(
    data: BridgeData, derivation: d.Derivation, texts: dict[int, dict[str, Any]], me: d.Side
) -> list[WaitingConfirmation]:
    partner = data.people[d.other(me)].name
    waiting = []
    for a in derivation.waiting[me]:
        if a.commitment_id:
            text = data.commitment_rows.get(a.commitment_id, {}).get("text", "")
        else:
            text = state.details(texts.get(a.id, {})).get("summary") or ""
        waiting.append(WaitingConfirmation(data.id, partner, a.id, a.kind, str(text), a.day))
    return waiting


@dataclass(frozen=True)
class Waits:
    """What waits for a person on one bridge, as their Today counts it: their items
    still open today and from yesterday (the grace day), and the partner's planks
    waiting for their confirmation."""

    due_today: int = 0
    from_yesterday: int = 0
    to_confirm: int = 0

    def __bool__(self) -> bool:
        return bool(self.due_today or self.from_yesterday or self.to_confirm)


@dataclass(frozen=True)
class BridgeToday:
    """One bridge's share of a person's Today: due items, confirmations, streak days, facts."""

    partner_name: str
    items: list[DueItem]
    waiting: list[WaitingConfirmation]
    record: dict[date, d.DayCheck]
    facts: d.PersonFacts
    paused: bool
    away: Silence | None = None  # mine
    partner_away: Silence | None = None
    asks: list[PauseAsk] = field(default_factory=list)  # pending, either way
    bridge_id: int = 0
    earned: frozenset[Moment] = frozenset()  # moments to celebrate once (server/moments)

    @property
    def waits(self) -> Waits:
        """This share's open items and planks to confirm, counted (home's row shows them)."""
        open_days = [item.yesterday for item in self.items if item.outcome == "open"]
        return Waits(open_days.count(False), open_days.count(True), len(self.waiting))


def bridge_today(
    data: BridgeData,
    derivation: d.Derivation,
    texts: dict[int, dict[str, Any]],
    me: d.Side,
    today: date,
) -> BridgeToday:
    """One bridge's share of `me`'s Today, from its derivation for `today` and its rows
    (people, commitments, pauses: `data`'s acts are not read)."""
    record = derivation.records[me]
    requests = data.pause_requests(today)

    def away(side: d.Side) -> d.Absence | None:
        return d.unsettled(d.absence(derivation.ledgers[side], today), requests)

    return BridgeToday(
        partner_name=data.people[d.other(me)].name,
        items=_items(data, derivation.live, me, today),
        waiting=_waiting(data, derivation, texts, me),
        record=record,
        facts=derivation.facts(me, data.span),
        paused=d.bridge_paused(today, data.pauses),
        away=silence(data, me, away(me)),
        partner_away=silence(data, me, away(d.other(me))),
        asks=[a for a in pause_asks(data, me, today) if a.state is d.Asked.PENDING],
        bridge_id=data.id,
        earned=earned_moments(derivation, me, data.span),
    )


async def bridge_shares(rows: list[dict[str, Any]], user_id: int, today: date) -> list[BridgeToday]:
    """Each bridge's share of `user_id`'s Today, from the one derivation cache: only a
    bridge changed since it was last derived for this day is read again."""

    def mine(row: dict[str, Any]) -> d.Side:
        return d.Side.A if row["side_a.id"] == user_id else d.Side.B

    def kept(entry: derived.Entry, row: dict[str, Any]) -> BridgeToday | None:
        return entry.shares.get(mine(row))

    def derive(entry: derived.Entry, data: BridgeData, day: date) -> BridgeToday:
        me = data.side_of(user_id)
        assert entry.derivation is not None  # derived.each derived it
        entry.shares[me] = share = bridge_today(data, entry.derivation, entry.texts, me, day)
        return share

    return await derived.each(rows, today, kept, derive)


async def today_view(user: User, *, celebrate: bool = False) -> TodayView:
    """`user`'s Today; with `celebrate`, also a moment they earned and were not shown
    yet, remembered as shown (only a page that shows it asks)."""
    today = d.local_today(clock.now(), user.time_zone)
    rows = await state.active_rows(user.id)
    shares = await bridge_shares(rows, user.id, today)
    items: list[DueItem] = []
    waiting: list[WaitingConfirmation] = []
    for share in shares:
        items += share.items
        waiting += share.waiting
    items.sort(key=lambda i: (i.yesterday is False, i.outcome != "open", i.partner_name))
    streak = d.streak_span([share.record for share in shares], today)
    return TodayView(
        today=today,
        items=items,
        confirmations=sorted(waiting, key=lambda w: w.day),
        streak=streak.days,
        streak_first=streak.first,
        streak_last=streak.last,
        badges=d.earned_badges(d.combine_facts(share.facts for share in shares)),
        bridge_count=len(shares),
        paused_bridges=[share.partner_name for share in shares if share.paused],
        away=[share.away for share in shares if share.away],
        partners_away=[share.partner_away for share in shares if share.partner_away],
        asks=[ask for share in shares for ask in share.asks],
        requests=[
            Request(row["id"], row["name"] or "", bool(row["incoming"]))
            for row in await state.pending_rows(user.id)
        ],
        celebration=await moments.celebrate(
            user.id, (moments.Earned(s.bridge_id, s.partner_name, s.earned) for s in shares)
        )
        if celebrate
        else None,
    )


async def waits_by_bridge(user: User) -> dict[int, Waits]:
    """What waits for `user` on each bridge they are building, by bridge id: counted
    from Today's own shares, read for all bridges at once (home's rows)."""
    today = d.local_today(clock.now(), user.time_zone)
    shares = await bridge_shares(await state.active_rows(user.id), user.id, today)
    return {share.bridge_id: share.waits for share in shares}


async def streak_of(user: User) -> d.Streak:
    """`user`'s streak alive today across the bridges they are building, with its days."""
    today = d.local_today(clock.now(), user.time_zone)
    shares = await bridge_shares(await state.active_rows(user.id), user.id, today)
    return d.streak_span([share.record for share in shares], today)
