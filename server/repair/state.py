"""A bridge's repair state: rows loaded once, mapped to the domain, derived by it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count, Max

from server import clock
from server import domain as d
from server.errors import Conflict, NotFound
from server.tables import Bridge, Commitment, Pause, PlanPart, PrivateNote, TrustAct, User

ACTIVE = "active"


@dataclass(frozen=True)
class Person:
    id: int | None
    name: str
    time_zone: str

    def today(self) -> date:
        return d.local_today(clock.now(), self.time_zone)


@dataclass
class BridgeData:
    """Everything stored about one bridge, as the domain sees it, plus the texts."""

    id: int
    status: str
    span: int
    team_name: str | None
    people: dict[d.Side, Person]
    acts: list[d.TrustAct]
    act_rows: dict[int, dict[str, Any]]
    commitments: list[d.Commitment]
    commitment_rows: dict[int, dict[str, Any]]
    pauses: list[d.Pause]
    plan: dict[d.Side, dict[str, Any]] = field(default_factory=dict)

    def side_of(self, user_id: int) -> d.Side:
        for side, person in self.people.items():
            if person.id == user_id:
                return side
        raise NotFound("Bridge not found.")

    def require_active(self) -> None:
        if self.status != ACTIVE:
            raise Conflict(
                "This bridge is not being built right now (it is "
                f"{'waiting for an answer' if self.status == 'pending' else self.status})."
            )


def domain_act(row: dict[str, Any]) -> d.TrustAct:
    return d.TrustAct(
        id=row["id"],
        kind=d.ActKind(row["kind"]),
        author=d.Side(row["author_side"]),
        owner=d.Side(row["owner_side"]),
        day=row["day"],
        created_at=row["created_at"],
        commitment_id=row["commitment"],
        target_id=row["target"],
    )


def domain_commitment(row: dict[str, Any]) -> d.Commitment:
    weekdays = frozenset(int(x) for x in row["weekdays"].split(",") if x)
    return d.Commitment(
        id=row["id"],
        owner=d.Side(row["side"]),
        cadence=d.Cadence(row["cadence"]),
        start=row["start"],
        end=row["end"],
        weekdays=weekdays,
        due_by=row["due_by"],
        retired_from=row["retired_from"],
    )


def details(row: dict[str, Any]) -> dict[str, Any]:
    try:
        value = json.loads(row.get("details") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


async def load(user: User, bridge_id: int) -> tuple[BridgeData, d.Side]:
    """The bridge and `user`'s side of it; NotFound unless `user` is a side."""
    row = (
        await Bridge.select(
            Bridge.id,
            Bridge.status,
            Bridge.span,
            Bridge.accepted_at,
            Bridge.team.name,
            Bridge.side_a.id,
            Bridge.side_a.display_name,
            Bridge.side_a.time_zone,
            Bridge.side_b.id,
            Bridge.side_b.display_name,
            Bridge.side_b.time_zone,
        )
        .where((Bridge.id == bridge_id) & ((Bridge.side_a == user.id) | (Bridge.side_b == user.id)))
        .first()
    )
    if row is None:
        raise NotFound("Bridge not found.")
    if row["accepted_at"] is None:
        # Until it is accepted the invitee sees only who asked and their message.
        raise Conflict("This bridge has not been accepted yet.")
    data = await load_rows(row)
    return data, data.side_of(user.id)


async def load_rows(row: dict[str, Any]) -> BridgeData:
    """One bridge's stored rows, mapped to the domain."""
    return (await load_many([row]))[0]


async def load_many(rows: list[dict[str, Any]], *, with_plan: bool = True) -> list[BridgeData]:
    """Several bridges at once: one query per table, whatever the number of bridges."""
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    acts = await acts_of(ids)
    commitments = await commitments_of(ids)
    pauses = await pauses_of(ids)
    plans = await _plans_of(ids) if with_plan else {}
    return [
        bridge_data(
            row,
            acts.get(row["id"], []),
            commitments.get(row["id"], []),
            pauses.get(row["id"], []),
            plans.get(row["id"], []),
        )
        for row in rows
    ]


def _by_bridge(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["bridge"], []).append(row)
    return grouped


async def acts_of(bridge_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each bridge's log, oldest first."""
    rows = (
        await TrustAct.select(
            TrustAct.id,
            TrustAct.bridge,
            TrustAct.kind,
            TrustAct.author,
            TrustAct.author_side,
            TrustAct.owner_side,
            TrustAct.day,
            TrustAct.created_at,
            TrustAct.commitment,
            TrustAct.target,
            TrustAct.details,
        )
        .where(TrustAct.bridge.is_in(bridge_ids))
        .order_by(TrustAct.id)
    )
    return _by_bridge(rows)


async def log_versions(bridge_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Each bridge's log length and newest act id: it changes whenever the log does.

    Acts are only ever inserted (a withdrawal is itself an act), so the pair is a
    cheap stand-in for the whole log.
    """
    rows = (
        await TrustAct.select(TrustAct.bridge, Count(alias="acts"), Max(TrustAct.id, alias="last"))
        .where(TrustAct.bridge.is_in(bridge_ids))
        .group_by(TrustAct.bridge)
    )
    return {row["bridge"]: (row["acts"], row["last"]) for row in rows}


async def commitments_of(bridge_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = (
        await Commitment.select(
            Commitment.id,
            Commitment.bridge,
            Commitment.side,
            Commitment.text,
            Commitment.cadence,
            Commitment.weekdays,
            Commitment.start,
            Commitment.end,
            Commitment.due_by,
            Commitment.retired_from,
            Commitment.created_at,
        )
        .where(Commitment.bridge.is_in(bridge_ids))
        .order_by(Commitment.id)
    )
    return _by_bridge(rows)


async def pauses_of(bridge_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = (
        await Pause.select(Pause.bridge, Pause.side, Pause.start, Pause.end)
        .where(Pause.bridge.is_in(bridge_ids))
        .order_by(Pause.id)
    )
    return _by_bridge(rows)


async def _plans_of(bridge_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = (
        await PlanPart.select(
            PlanPart.bridge,
            PlanPart.side,
            PlanPart.my_part,
            PlanPart.restored_trust,
            PlanPart.created_at,
        )
        .where(PlanPart.bridge.is_in(bridge_ids))
        .order_by(PlanPart.id)
    )
    return _by_bridge(rows)


def bridge_data(
    row: dict[str, Any],
    acts: list[dict[str, Any]],
    commitments: list[dict[str, Any]],
    pauses: list[dict[str, Any]],
    plan_rows: list[dict[str, Any]],
) -> BridgeData:
    """A bridge's row and its children's rows, as the domain sees them."""
    people = {
        d.Side.A: Person(
            row["side_a.id"], row["side_a.display_name"] or "", row["side_a.time_zone"] or "UTC"
        ),
        d.Side.B: Person(
            row["side_b.id"],
            row["side_b.display_name"] or "",
            row["side_b.time_zone"] or "UTC",
        ),
    }
    data = BridgeData(
        id=row["id"],
        status=row["status"],
        span=row["span"],
        team_name=row.get("team.name"),
        people=people,
        acts=[domain_act(r) for r in acts],
        act_rows={r["id"]: r for r in acts},
        commitments=[domain_commitment(r) for r in commitments],
        commitment_rows={r["id"]: r for r in commitments},
        pauses=[d.Pause(d.Side(p["side"]), p["start"], p["end"]) for p in pauses],
    )
    for part in plan_rows:  # oldest first: the newest per side wins
        data.plan[d.Side(part["side"])] = part
    return data


async def private_notes(user: User, act_ids: list[int]) -> dict[int, str]:
    """The user's own private notes on these acts (nobody else's, ever)."""
    if not act_ids:
        return {}
    rows = await PrivateNote.select(PrivateNote.act, PrivateNote.text).where(
        (PrivateNote.author == user.id) & PrivateNote.act.is_in(act_ids)
    )
    return {r["act"]: r["text"] for r in rows}
