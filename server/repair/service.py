"""The repair plan, commitments and pauses: what each side sets up, not the log.

The acts themselves (check-ins, misses, listening, mistakes, confirmations,
withdrawals) are written by server/repair/acts.py. Both take the typed commands
of server/repair/commands.py, which the handlers parse from each request.
"""

from __future__ import annotations

from datetime import timedelta

from server import clock
from server import domain as d
from server.domain import agreement
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.repair import commands as c
from server.repair import state
from server.tables import Commitment, Pause, PlanPart, User
from server.text import raise_if

# ---------------------------------------------------------------- the plan


async def update_plan(user: User, bridge_id: int, command: c.SavePlan) -> None:
    """Save the user's own answers; a new row, so earlier answers stay in history."""
    data, side = await state.load(user, bridge_id)
    data.require_active()
    my_part, restored = command.my_part, command.restored_trust
    current = data.plan.get(side)
    if current and current["my_part"] == my_part and current["restored_trust"] == restored:
        return
    await PlanPart.insert(
        PlanPart(
            bridge=data.id,
            side=side.value,
            author=user.id,
            my_part=my_part,
            restored_trust=restored,
            created_at=clock.now(),
        )
    )


# ---------------------------------------------------------------- commitments


async def add_commitment(user: User, bridge_id: int, command: c.AddCommitment) -> int:
    data, side = await state.load(user, bridge_id)
    data.require_active()
    key = c.stored_key(user, command.key)
    existing = (
        await Commitment.select(Commitment.id).where(Commitment.idempotency_key == key).first()
    )
    if existing:
        return int(existing["id"])
    today = data.people[side].today()
    start = command.start or today
    errors: dict[str, str] = {}
    # No back-dated commitment: checked in for days before it existed, it would lay
    # planks nobody could have seen being laid.
    too_early = agreement.commitment_start_problem(start, today)
    if too_early:
        errors["start"] = too_early
    # Each sentence under the field it is about, not all of them under "How often";
    # a start nobody chose is today, and no sentence names it.
    for field, problem in d.validate_cadence(
        command.cadence, start, today, end=command.end, weekdays=command.weekdays,
        due_by=command.due_by, start_chosen=command.start is not None,
    ):  # fmt: skip
        if field == "start" and too_early:
            continue  # one sentence a field
        errors[field] = f"{errors[field]} {problem}" if field in errors else problem
    raise_if(errors)
    commitment = Commitment(
        bridge=data.id,
        side=side.value,
        owner=user.id,
        text=command.text,
        cadence=command.cadence.value,
        weekdays=",".join(str(x) for x in command.weekdays),
        start=start,
        end=command.end,
        due_by=command.due_by,
        created_at=clock.now(),
        idempotency_key=key,
    )
    try:
        await commitment.save()
    except Exception:
        again = (
            await Commitment.select(Commitment.id).where(Commitment.idempotency_key == key).first()
        )
        if again is None:
            raise
        return int(again["id"])
    return int(commitment.id)


async def retire_commitment(user: User, bridge_id: int, commitment_id: int) -> None:
    """Stop a commitment from tomorrow; its history stays."""
    data, side = await state.load(user, bridge_id)
    row = data.commitment_rows.get(commitment_id)
    if row is None:
        raise NotFound("Commitment not found.")
    if row["side"] != side.value:
        raise Forbidden("Only the person who made a commitment can retire it.")
    if row["retired_from"] is not None:
        raise Conflict("This commitment is already retired.")
    tomorrow = data.people[side].today() + timedelta(days=1)
    await Commitment.update({Commitment.retired_from: tomorrow}).where(
        Commitment.id == commitment_id
    )


# ---------------------------------------------------------------- pause


async def pause(user: User, bridge_id: int, command: c.Pause) -> None:
    """Pause one's side from a day (today by default) until resumed or an end date."""
    data, side = await state.load(user, bridge_id)
    data.require_active()
    today = data.people[side].today()
    start, end = command.start or today, command.end
    if start < today or start > today + timedelta(days=366):
        raise InvalidInput.field("start", "A pause starts today or later, within a year.")
    if end is not None and end < start:
        raise InvalidInput.field("end", "The end date cannot be before the start date.")
    if any(p.side == side and (p.end is None or p.end >= start) for p in data.pauses):
        raise Conflict("Your side is already paused; resume it first.")
    await Pause.insert(
        Pause(
            bridge=data.id,
            side=side.value,
            person=user.id,
            start=start,
            end=end,
            created_at=clock.now(),
        )
    )


async def resume(user: User, bridge_id: int) -> None:
    """End one's running pause: today counts again."""
    data, side = await state.load(user, bridge_id)
    today = data.people[side].today()
    running = await Pause.select(Pause.id, Pause.start).where(
        (Pause.bridge == data.id)
        & (Pause.side == side.value)
        & (Pause.end.is_null() | (Pause.end >= today))
    )
    if not running:
        raise Conflict("Your side is not paused.")
    for row in running:
        if row["start"] >= today:
            await Pause.delete().where(Pause.id == row["id"])
        else:
            await Pause.update({Pause.end: today - timedelta(days=1)}).where(Pause.id == row["id"])
