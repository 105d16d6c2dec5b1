"""The repair plan as an agreement: where each side's answer stands, and answering.

Only the two sides of a bridge reach any of this (state.load refuses everyone else);
the notes asking for a change are for the other side, like the plan itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server import clock, db
from server import domain as d
from server.agreement import commands as ac
from server.agreement.tables import PlanAnswer
from server.domain import agreement as pa
from server.errors import Conflict
from server.repair import state
from server.repair.commands import stored_key
from server.repair.state import BridgeData
from server.repair.view import cadence_text
from server.tables import User

_ANSWERS = """
    SELECT id, side, part, answer, note, created_at, commitments
    FROM plan_answer WHERE bridge = {} ORDER BY id
"""


@dataclass(frozen=True)
class Part:
    """One side's current part, as both sides read it."""

    id: int
    my_part: str
    restored_trust: str
    saved_at: datetime


@dataclass(frozen=True)
class PlanAgreement:
    """The plan's agreement as one of its sides reads it."""

    bridge_id: int
    me: d.Side
    names: dict[d.Side, str]
    parts: dict[d.Side, Part | None]
    answers: dict[d.Side, pa.SideAnswer]  # each side's answer to the other's part
    notes: dict[d.Side, str]  # each side's note asking for a change, while it stands
    agreed_since: datetime | None
    active: bool
    commitments: dict[d.Side, list[tuple[str, str]]]  # each side's running ones: text, cadence
    commitment_ids: dict[d.Side, str]  # the same ones' ids, "3,7": what an answer answers
    zone: str  # the reader's time zone, for the days shown

    def day(self, at: datetime) -> date:
        """The reader's local day of an instant."""
        return d.local_today(at, self.zone)

    @property
    def partner(self) -> d.Side:
        return d.other(self.me)

    @property
    def partner_name(self) -> str:
        return self.names[self.partner] or "The other side"

    @property
    def mine(self) -> pa.SideAnswer:
        """My answer to the partner's part."""
        return self.answers[self.me]

    @property
    def theirs(self) -> pa.SideAnswer:
        """The partner's answer to my part."""
        return self.answers[self.partner]

    @property
    def waits_for_me(self) -> bool:
        return self.active and self.mine.standing in (
            pa.Standing.WAITING,
            pa.Standing.CHANGED_SINCE,
        )


def _instant(value: Any) -> datetime:
    return state._instant(value)


def _retired_after(retired_from: date, zone: str) -> datetime:
    """The earliest instant a commitment retired from `retired_from` can have been
    retired: it retires from its owner's tomorrow, so the start of the day before."""
    return datetime.combine(retired_from - timedelta(days=1), time(), ZoneInfo(zone))


def versions(data: BridgeData) -> dict[d.Side, pa.PartVersion | None]:
    """Each side's current part with its commitments, as the domain sees it."""
    found: dict[d.Side, pa.PartVersion | None] = {}
    for side in d.Side:
        row = data.plan.get(side)
        if not row:
            found[side] = None
            continue
        zone = data.people[side].time_zone
        commitments = tuple(
            pa.PlannedCommitment(
                c.id,
                _instant(data.commitment_rows[c.id]["created_at"]),
                _retired_after(c.retired_from, zone) if c.retired_from else None,
            )
            for c in data.commitments
            if c.owner == side
        )
        found[side] = pa.PartVersion(row["id"], _instant(row["created_at"]), commitments)
    return found


def _ids(value: str | None) -> frozenset[int] | None:
    """A stored "3,7" as ids; None stays None (an answer from before they were kept)."""
    if value is None:
        return None
    return frozenset(int(x) for x in value.split(",") if x)


async def agreement_of(data: BridgeData, me: d.Side) -> PlanAgreement:
    """Where the plan's agreement stands on `data`'s bridge, as side `me` reads it."""
    rows = await db.fetch(_ANSWERS, data.id)
    answers = [
        pa.PartAnswer(
            d.Side(r["side"]),
            r["part"],
            pa.Answer(r["answer"]),
            _instant(r["created_at"]),
            r["id"],
            _ids(r["commitments"]),
        )
        for r in rows
    ]
    notes_by_id = {r["id"]: r["note"] for r in rows}
    standing = pa.agreement(versions(data), answers)
    notes = {}
    for side, answer in standing.items():
        given = answer.answer
        notes[side] = (
            notes_by_id.get(given.id, "")
            if given is not None and answer.standing is pa.Standing.CHANGE_ASKED
            else ""
        )
    parts = {}
    for side in d.Side:
        row = data.plan.get(side)
        parts[side] = (
            Part(row["id"], row["my_part"], row["restored_trust"], _instant(row["created_at"]))
            if row
            else None
        )
    return PlanAgreement(
        bridge_id=data.id,
        me=me,
        names={side: person.name for side, person in data.people.items()},
        parts=parts,
        answers=standing,
        notes=notes,
        agreed_since=pa.agreed_since(standing),
        active=data.status == state.ACTIVE,
        commitments={
            side: [
                (data.commitment_rows[c.id]["text"], cadence_text(c))
                for c in data.commitments
                if c.owner == side and c.retired_from is None
            ]
            for side in d.Side
        },
        commitment_ids={
            side: ",".join(
                str(c.id) for c in data.commitments if c.owner == side and c.retired_from is None
            )
            for side in d.Side
        },
        zone=data.people[me].time_zone,
    )


async def plan_agreement(user: User, bridge_id: int) -> PlanAgreement:
    data, me = await state.load(user, bridge_id)
    return await agreement_of(data, me)


async def answer(user: User, bridge_id: int, command: ac.AnswerPlan) -> int:
    """Agree to the other side's part as written, or ask for a change with a note."""
    key = stored_key(user, command.key)
    done = await PlanAnswer.select(PlanAnswer.id).where(PlanAnswer.idempotency_key == key).first()
    if done:
        return int(done["id"])
    data, side = await state.load(user, bridge_id)
    data.require_active()
    partner = data.people[d.other(side)].name or "The other side"
    parts = versions(data)
    problem = pa.answer_problem(side, command.part, parts, partner, command.commitments)
    if problem:
        raise Conflict(problem)
    theirs = parts[d.other(side)]
    running = sorted(theirs.running) if theirs else []
    row = PlanAnswer(
        bridge=data.id,
        side=side.value,
        author=user.id,
        part=command.part,
        answer=command.answer.value,
        note=command.note,
        created_at=clock.now(),
        commitments=",".join(str(x) for x in running),
        idempotency_key=key,
    )
    try:
        await row.save()
    except Exception:
        again = (
            await PlanAnswer.select(PlanAnswer.id).where(PlanAnswer.idempotency_key == key).first()
        )
        if again is None:
            raise
        return int(again["id"])
    return int(row.id)
