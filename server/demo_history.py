"""Weeks of believable history for the demo's bridges, so a newcomer sees the product alive.

Deterministic (a seeded random generator): the same demo every time.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from server import domain as d
from server.tables import Bridge, Commitment, Pause, PlanPart, TrustAct


@dataclass(frozen=True)
class Promise:
    side: d.Side
    text: str
    cadence: d.Cadence
    weekdays: tuple[int, ...] = ()


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


# Rows a bulk insert takes at once: under SQLite's and PostgreSQL's parameter limits.
INSERT_BATCH = 500


async def seed_history(
    bridge_id: int,
    people: dict[d.Side, int],
    promises: list[Promise],
    plan: dict[d.Side, tuple[str, str]],
    *,
    days: int,
    today: date,
    keep_rate: tuple[float, float],
    seed: int,
    pause: tuple[d.Side, int, int] | None = None,
    span: int = d.DEFAULT_SPAN,
) -> None:
    """Lay `days` days of check-ins, confirmations, a listening session and a mistake."""
    rng = random.Random(seed)
    start = today - timedelta(days=days)
    # Asked and accepted the morning its history starts, not when the demo was seeded.
    await Bridge.update(
        {Bridge.span: span, Bridge.created_at: _at(start, 8), Bridge.accepted_at: _at(start, 9)}
    ).where(Bridge.id == bridge_id)
    for side, (my_part, restored) in plan.items():
        await PlanPart.insert(
            PlanPart(
                bridge=bridge_id,
                side=side.value,
                author=people[side],
                my_part=my_part,
                restored_trust=restored,
                created_at=_at(start, 9),
            )
        )
    rows = []
    for promise in promises:
        row = Commitment(
            bridge=bridge_id,
            side=promise.side.value,
            owner=people[promise.side],
            text=promise.text,
            cadence=promise.cadence.value,
            weekdays=",".join(map(str, promise.weekdays)),
            start=start,
            created_at=_at(start, 9),
        )
        await row.save()
        rows.append(
            (
                promise,
                d.Commitment(
                    row.id,
                    promise.side,
                    promise.cadence,
                    start,
                    weekdays=frozenset(promise.weekdays),
                ),
            )
        )
    paused_days: set[date] = set()
    if pause:
        side, first, last = pause
        await Pause.insert(
            Pause(
                bridge=bridge_id,
                side=side.value,
                person=people[side],
                start=start + timedelta(days=first),
                end=start + timedelta(days=last),
                created_at=_at(start, 9),
            )
        )
        paused_days = {start + timedelta(days=n) for n in range(first, last + 1)}
    acts: list[TrustAct] = []

    def log(
        kind: d.ActKind, author: d.Side, owner: d.Side, day: date, hour: int, **extra: Any
    ) -> TrustAct:
        act = TrustAct(
            bridge=bridge_id,
            kind=kind.value,
            author=people[author],
            author_side=author.value,
            owner_side=owner.value,
            day=day,
            created_at=_at(day, hour),
            **extra,
        )
        acts.append(act)
        return act

    for n in range(days + 1):
        day = start + timedelta(days=n)
        if day in paused_days:
            continue
        # Early days are rough, later days steadier: the keep rate climbs.
        rate = keep_rate[0] + (keep_rate[1] - keep_rate[0]) * n / days
        for promise, commitment in rows:
            if not d.is_due(commitment, day) or day == today:
                continue  # today's items are left for the visitor to tick
            roll = rng.random()
            if roll < rate:
                log(d.ActKind.KEPT, promise.side, promise.side, day, 17, commitment=commitment.id)
            elif roll < rate + (1 - rate) * 0.7:
                log(
                    d.ActKind.MISSED_SELF,
                    promise.side,
                    promise.side,
                    day,
                    18,
                    commitment=commitment.id,
                )
            else:
                log(
                    d.ActKind.MISSED_PARTNER,
                    d.other(promise.side),
                    promise.side,
                    day,
                    19,
                    commitment=commitment.id,
                    details=json.dumps({"note": "It didn't happen this time."}),
                )
        if n == days // 4:
            log(
                d.ActKind.LISTENING,
                d.Side.A,
                d.Side.A,
                day,
                12,
                details=json.dumps(
                    {
                        "agenda_by": "partner",
                        "summary": "Talked through what the last quarter felt like.",
                    }
                ),
            )
        if n == days // 2:
            log(
                d.ActKind.MISTAKE,
                d.Side.B,
                d.Side.B,
                day,
                11,
                details=json.dumps(
                    {
                        "what_happened": "I changed the plan without telling anyone.",
                        "my_part": "I assumed silence meant agreement.",
                        "differently": "I will ask in the channel before changing a shared plan.",
                    }
                ),
            )
    # In batches (a year is thousands of acts): the bridge is new, so its acts'
    # ids, read back in order, are these acts' in the order they were written.
    for first in range(0, len(acts), INSERT_BATCH):
        await TrustAct.insert(*acts[first : first + INSERT_BATCH])
    ids = (
        await TrustAct.select(TrustAct.id).where(TrustAct.bridge == bridge_id).order_by(TrustAct.id)
    )
    for act, stored in zip(acts, ids, strict=True):
        act.id = stored["id"]
    # The partner confirms most planks a day later; the newest wait for them.
    confirmations = []
    for act in acts:
        kind = d.ActKind(act.kind)
        if kind not in d.CONFIRMATION_LABELS or act.day >= today - timedelta(days=1):
            continue
        if rng.random() < 0.85:
            confirmer = d.other(d.Side(act.owner_side))
            confirmations.append(
                TrustAct(
                    bridge=bridge_id,
                    kind=d.ActKind.CONFIRMATION.value,
                    author=people[confirmer],
                    author_side=confirmer.value,
                    owner_side=act.owner_side,
                    day=act.day,
                    created_at=act.created_at + timedelta(hours=15),
                    target=act.id,
                )
            )
    for first in range(0, len(confirmations), INSERT_BATCH):
        await TrustAct.insert(*confirmations[first : first + INSERT_BATCH])
