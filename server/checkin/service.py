"""Today: everything due for a person across their bridges, and what waits for them."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from server import clock, db
from server import domain as d
from server.domain.cadence import keep_window
from server.repair import state
from server.repair.state import BridgeData
from server.tables import User


@dataclass(frozen=True)
class DueItem:
    bridge_id: int
    partner_name: str
    commitment_id: int
    text: str
    day: date
    yesterday: bool
    outcome: str  # "open", "kept" or "missed"
    act_id: int | None  # the check-in, for withdrawing it


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
class TodayView:
    today: date
    items: list[DueItem]
    confirmations: list[WaitingConfirmation]
    streak: int
    badges: frozenset[d.Badge]
    bridge_count: int
    paused_bridges: list[str]

    @property
    def open_items(self) -> list[DueItem]:
        return [i for i in self.items if i.outcome == "open"]

    @property
    def waiting_rows(self) -> list[WaitingConfirmation | KeptToConfirm]:
        return waiting_rows(self.confirmations)


async def active_bridges(user: User) -> list[BridgeData]:
    return await state.load_many(await state.active_rows(user.id), with_plan=False)


def _items(data: BridgeData, live: list[d.LiveAct], me: d.Side, today: date) -> list[DueItem]:
    partner = data.people[d.other(me)].name
    items = []
    for day in (today, today - timedelta(days=1)):
        if d.bridge_paused(day, data.pauses):
            continue
        for c in data.commitments:
            if c.owner != me or not d.is_due(c, day):
                continue
            first, last = keep_window(c, day)
            outcome, act_id = "open", None
            for la in live:
                a = la.act
                if a.commitment_id == c.id and first <= a.day <= last and a.owner == me:
                    if a.kind is d.ActKind.KEPT:
                        outcome, act_id = "kept", a.id
                    elif a.kind is d.ActKind.MISSED_SELF:
                        outcome, act_id = "missed", a.id
            if day < today and outcome != "open":
                continue  # yesterday's settled items are done; only loose ends show
            text = data.commitment_rows[c.id]["text"]
            items.append(DueItem(data.id, partner, c.id, text, day, day < today, outcome, act_id))
    return items


def _waiting(data: BridgeData, live: list[d.LiveAct], me: d.Side) -> list[WaitingConfirmation]:
    partner = data.people[d.other(me)].name
    waiting = []
    for la in live:
        a = la.act
        if la.confirmed or not d.can_confirm(a, me):
            continue
        if a.commitment_id:
            text = data.commitment_rows.get(a.commitment_id, {}).get("text", "")
        else:
            text = state.details(data.act_rows[a.id]).get("summary") or ""
        waiting.append(WaitingConfirmation(data.id, partner, a.id, a.kind, str(text), a.day))
    return waiting


@dataclass(frozen=True)
class BridgeToday:
    """One bridge's share of a person's Today: due items, confirmations, streak days, facts."""

    partner_name: str
    items: list[DueItem]
    waiting: list[WaitingConfirmation]
    record: dict[date, d.DayCheck]
    facts: d.PersonFacts
    paused: bool


def bridge_today(data: BridgeData, me: d.Side, today: date) -> BridgeToday:
    live = d.live_acts(data.acts)
    record = d.checkins(data.acts, data.commitments, data.pauses, me, today)
    return BridgeToday(
        partner_name=data.people[d.other(me)].name,
        items=_items(data, live, me, today),
        waiting=_waiting(data, live, me),
        record=record,
        facts=d.bridge_facts(data.acts, me, data.span, d.best_streak(record)),
        paused=d.bridge_paused(today, data.pauses),
    )


# Streaks and badges replay each bridge's whole log, and a bridge months old holds
# thousands of acts, while the page is read far more often than a bridge changes. So
# each process keeps every bridge's share, keyed by all it is derived from: the
# bridge's row as read now (names, zones, span, and `version`, which database
# triggers raise whenever its acts, commitments or pauses change), whose Today it is
# and the day. Any change makes a new key, never a stale hit; old keys age out of
# the LRU. A page whose bridges are all unchanged reads nothing but their rows.
_CACHE_SIZE = 1024


class _Shares:
    def __init__(self) -> None:
        self.engine: object = None
        self.entries: OrderedDict[Hashable, BridgeToday] = OrderedDict()

    def _for(self, engine: object) -> OrderedDict[Hashable, BridgeToday]:
        # Ids restart in another database (tests make one per test): start afresh.
        if engine is not self.engine:
            self.engine, self.entries = engine, OrderedDict()
        return self.entries

    def get(self, key: Hashable) -> BridgeToday | None:
        entries = self._for(db.engine())
        found = entries.get(key)
        if found is not None:
            entries.move_to_end(key)
        return found

    def put(self, key: Hashable, share: BridgeToday) -> None:
        entries = self._for(db.engine())
        entries[key] = share
        while len(entries) > _CACHE_SIZE:
            entries.popitem(last=False)


_shares = _Shares()


async def bridge_shares(rows: list[dict[str, Any]], user_id: int, today: date) -> list[BridgeToday]:
    """Each bridge's share of `user_id`'s Today; only a changed bridge is read again."""

    def key(row: dict[str, Any]) -> Hashable:
        return (tuple(row.items()), user_id, today)

    shares: dict[int, BridgeToday] = {}
    for row in rows:
        if (share := _shares.get(key(row))) is not None:
            shares[row["id"]] = share
    stale = [row["id"] for row in rows if row["id"] not in shares]
    if stale:
        acts = await state.acts_of(stale)
        commitments = await state.commitments_of(stale)
        pauses = await state.pauses_of(stale)
    for row in rows:
        if row["id"] in shares:
            continue
        data = state.bridge_data(
            row,
            acts.get(row["id"], []),
            commitments.get(row["id"], []),
            pauses.get(row["id"], []),
            [],
        )
        shares[row["id"]] = share = bridge_today(data, data.side_of(user_id), today)
        # The row was read first: what was read since is at least as new as its
        # version, so a later change makes a miss next time, never a stale hit.
        _shares.put(key(row), share)
    return [shares[row["id"]] for row in rows]


async def today_view(user: User) -> TodayView:
    today = d.local_today(clock.now(), user.time_zone)
    rows = await state.active_rows(user.id)
    shares = await bridge_shares(rows, user.id, today)
    items: list[DueItem] = []
    waiting: list[WaitingConfirmation] = []
    for share in shares:
        items += share.items
        waiting += share.waiting
    items.sort(key=lambda i: (i.yesterday is False, i.outcome != "open", i.partner_name))
    return TodayView(
        today=today,
        items=items,
        confirmations=sorted(waiting, key=lambda w: w.day),
        streak=d.streak_across([share.record for share in shares], today),
        badges=d.earned_badges(d.combine_facts(share.facts for share in shares)),
        bridge_count=len(shares),
        paused_bridges=[share.partner_name for share in shares if share.paused],
    )
