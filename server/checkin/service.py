"""Today: everything due for a person across their bridges, and what waits for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from server import clock
from server import domain as d
from server.domain.cadence import keep_window
from server.repair import state
from server.repair.state import BridgeData
from server.tables import Bridge, User


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


async def active_bridges(user: User) -> list[BridgeData]:
    rows = (
        await Bridge.select(
            Bridge.id,
            Bridge.status,
            Bridge.span,
            Bridge.team.name,
            Bridge.side_a.id,
            Bridge.side_a.display_name,
            Bridge.side_a.time_zone,
            Bridge.side_b.id,
            Bridge.side_b.display_name,
            Bridge.side_b.time_zone,
        )
        .where(
            ((Bridge.side_a == user.id) | (Bridge.side_b == user.id)) & (Bridge.status == "active")
        )
        .order_by(Bridge.id)
    )
    return [await state.load_rows(row) for row in rows]


def _items(data: BridgeData, me: d.Side, today: date) -> list[DueItem]:
    live = d.live_acts(data.acts)
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


def _waiting(data: BridgeData, me: d.Side) -> list[WaitingConfirmation]:
    partner = data.people[d.other(me)].name
    waiting = []
    for la in d.live_acts(data.acts):
        a = la.act
        if la.confirmed or not d.can_confirm(a, me):
            continue
        if a.commitment_id:
            text = data.commitment_rows.get(a.commitment_id, {}).get("text", "")
        else:
            text = state.details(data.act_rows[a.id]).get("summary") or ""
        waiting.append(WaitingConfirmation(data.id, partner, a.id, a.kind, str(text), a.day))
    return waiting


async def today_view(user: User) -> TodayView:
    today = d.local_today(clock.now(), user.time_zone)
    bridges = await active_bridges(user)
    items: list[DueItem] = []
    waiting: list[WaitingConfirmation] = []
    records = []
    facts = []
    paused = []
    for data in bridges:
        me = data.side_of(user.id)
        items += _items(data, me, today)
        waiting += _waiting(data, me)
        record = d.checkins(data.acts, data.commitments, data.pauses, me, today)
        records.append(record)
        facts.append(d.bridge_facts(data.acts, me, data.span, d.best_streak(record)))
        if d.bridge_paused(today, data.pauses):
            paused.append(data.people[d.other(me)].name)
    merged = d.merge_checkins(records)
    items.sort(key=lambda i: (i.yesterday is False, i.outcome != "open", i.partner_name))
    return TodayView(
        today=today,
        items=items,
        confirmations=sorted(waiting, key=lambda w: w.day),
        streak=d.current_streak(merged, today),
        badges=d.earned_badges(d.combine_facts(facts)),
        bridge_count=len(bridges),
        paused_bridges=paused,
    )
