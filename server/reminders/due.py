"""What is due for many people at once, for the dispatcher: one query per table.

The rules are Today's, from the same function (`domain.occurrences` and
`domain.on_today`), counted rather than listed: my occurrences open today (a one-off
open ahead of its date included) or left open yesterday (the grace day); and my
partner's planks I have not confirmed yet. Only ids, cadences and days are read —
never what anyone wrote. `tests/test_reminders_counts_match_today.py` checks it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from server import domain as d
from server.reminders import bulk
from server.reminders.message import BridgeDue
from server.repair.state import domain_act, domain_commitment, domain_pause
from server.tables import Bridge, Commitment, Pause, TrustAct


def bridge_due(
    bridge_id: int,
    partner: str,
    me: d.Side,
    today: date,
    acts: list[d.TrustAct],
    commitments: list[d.Commitment],
    stored_pauses: list[d.Pause],
) -> BridgeDue:
    """What one bridge asks of side `me` on the local date `today`; `stored_pauses` as
    stored, asked-for ones included (the domain decides which count)."""
    live = d.live_acts(acts)
    pauses = d.effective_pauses(stored_pauses, acts)
    yesterday = today - timedelta(days=1)
    counts = {today: 0, yesterday: 0}
    mine = d.occurrences(commitments, live, pauses, today, side=me, since=yesterday)
    for o in d.on_today(mine, today):
        if o.state is d.OccurrenceState.OPEN:
            counts[yesterday if o.due == yesterday else today] += 1
    to_confirm = sum(1 for la in live if not la.confirmed and d.can_confirm(la.act, me))
    requests = d.pause_requests(stored_pauses, acts, today)
    away = d.away(live, commitments, pauses, requests, me, today)
    return BridgeDue(
        bridge_id,
        partner,
        counts[today],
        counts[yesterday],
        to_confirm,
        away_days=away.days if away else 0,
    )


def _grouped(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["bridge"]].append(row)
    return grouped


async def due_for(people: dict[int, str], now: datetime) -> dict[int, list[BridgeDue]]:
    """Each person's bridges and what they ask today; `people` maps id → time zone."""
    ids = list(people)
    if not ids:
        return {}
    bridges = await Bridge.select(
        Bridge.id,
        Bridge.side_a,
        Bridge.side_b,
        Bridge.side_a.display_name,
        Bridge.side_b.display_name,
    ).where(
        (Bridge.status == "active")
        & (bulk.id_in(Bridge.side_a, ids) | bulk.id_in(Bridge.side_b, ids))
    )
    found: dict[int, list[BridgeDue]] = {person: [] for person in ids}
    bridge_ids = [b["id"] for b in bridges]
    if not bridge_ids:
        return found
    commitments = _grouped(
        await Commitment.select(
            Commitment.id,
            Commitment.bridge,
            Commitment.side,
            Commitment.cadence,
            Commitment.weekdays,
            Commitment.start,
            Commitment.end,
            Commitment.due_by,
            Commitment.retired_from,
        ).where(bulk.id_in(Commitment.bridge, bridge_ids))
    )
    acts = _grouped(
        await TrustAct.select(
            TrustAct.id,
            TrustAct.bridge,
            TrustAct.kind,
            TrustAct.author_side,
            TrustAct.owner_side,
            TrustAct.day,
            TrustAct.created_at,
            TrustAct.commitment,
            TrustAct.target,
        )
        .where(bulk.id_in(TrustAct.bridge, bridge_ids))
        .order_by(TrustAct.id)
    )
    pauses = _grouped(
        await Pause.select(Pause.bridge, Pause.side, Pause.start, Pause.end, Pause.asked_act).where(
            bulk.id_in(Pause.bridge, bridge_ids)
        )
    )
    todays = {tz: d.local_today(now, tz) for tz in set(people.values())}
    for b in bridges:
        log = [domain_act(r) for r in acts.get(b["id"], [])]
        promises = [domain_commitment(r) for r in commitments.get(b["id"], [])]
        stored = [domain_pause(p) for p in pauses.get(b["id"], [])]
        for me, person, partner in (
            (d.Side.A, b["side_a"], b["side_b.display_name"]),
            (d.Side.B, b["side_b"], b["side_a.display_name"]),
        ):
            if person in found:
                today = todays[people[person]]
                found[person].append(
                    bridge_due(b["id"], partner or "", me, today, log, promises, stored)
                )
    return found
