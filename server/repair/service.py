"""The repair plan, commitments and pauses: what each side sets up, not the log.

The acts themselves (check-ins, misses, listening, mistakes, confirmations,
withdrawals) are written by server/repair/acts.py. Both share the parsing helpers
here: every write carries an idempotency key from the client.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from server import clock
from server import domain as d
from server.bounds import to_id
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.repair import state
from server.tables import Commitment, Pause, PlanPart, User
from server.text import clean, raise_if

PLAN_MAX = 2000
COMMITMENT_MAX = 200
NOTE_MAX = 2000
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,80}$")


# ---------------------------------------------------------------- parsing helpers


def idempotency_key(user: User, key: object) -> str:
    """The stored form of a client's key: unique per person."""
    if not isinstance(key, str) or not _KEY.match(key):
        raise InvalidInput.field(
            "idempotency_key",
            "Every change needs an idempotency key: 8 to 80 letters, digits or - _ . :",
        )
    return f"{user.id}:{key}"


def parse_day(
    errors: dict[str, str], field: str, value: object, default: date | None, label: str = "The date"
) -> date:
    """A date from a form; a message under `field` naming what is wrong with it."""
    if value in (None, "") and default is not None:
        return default
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _not_a_date(str(value), label)
        return default or date.min


def _not_a_date(text: str, label: str) -> str:
    shaped = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
    if shaped:
        year, month = int(shaped[1]), int(shaped[2])
        if 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1]
            month_name = calendar.month_name[month]
            return f"{label}: {text.strip()} is not a date, {month_name} {year} has {last} days."
        return f"{label}: {text.strip()} is not a date, a year has 12 months."
    return f"{label}: enter a date like 2026-03-31."


def parse_id(value: object, what: str) -> int:
    try:
        return to_id(value)
    except ValueError:
        raise InvalidInput.field("", f"{what} must be a number.") from None


# ---------------------------------------------------------------- the plan


async def update_plan(user: User, bridge_id: int, form: dict[str, object]) -> None:
    """Save the user's own answers; a new row, so earlier answers stay in history."""
    data, side = await state.load(user, bridge_id)
    data.require_active()
    errors: dict[str, str] = {}
    my_part = clean(
        errors, "my_part", form.get("my_part"), "Your part", max_length=PLAN_MAX, required=False
    )
    restored = clean(
        errors,
        "restored_trust",
        form.get("restored_trust"),
        "Restored trust",
        max_length=PLAN_MAX,
        required=False,
    )
    raise_if(errors)
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


async def add_commitment(user: User, bridge_id: int, form: dict[str, object]) -> int:
    data, side = await state.load(user, bridge_id)
    data.require_active()
    key = idempotency_key(user, form.get("idempotency_key"))
    existing = (
        await Commitment.select(Commitment.id).where(Commitment.idempotency_key == key).first()
    )
    if existing:
        return int(existing["id"])
    today = data.people[side].today()
    errors: dict[str, str] = {}
    text = clean(errors, "text", form.get("text"), "What you will do", max_length=COMMITMENT_MAX)
    try:
        cadence = d.Cadence(str(form.get("cadence") or ""))
    except ValueError:
        errors["cadence"] = "Choose how often: once, daily, on chosen weekdays, or weekly."
        cadence = d.Cadence.DAILY
    start = parse_day(errors, "start", form.get("start"), today, "Starting")
    end = parse_day(errors, "end", form.get("end"), None, "Ending") if form.get("end") else None
    due_by = (
        parse_day(errors, "due_by", form.get("due_by"), None, "Done by")
        if form.get("due_by")
        else None
    )
    raw_days = form.get("weekdays") or []
    if isinstance(raw_days, str):
        raw_days = [x for x in raw_days.split(",") if x.strip()]
    try:
        weekdays = sorted({int(str(x)) for x in raw_days}) if isinstance(raw_days, list) else []
    except ValueError:
        errors["weekdays"] = "Weekdays run from Monday (0) to Sunday (6)."
        weekdays = []
    if not errors.keys() & {"cadence", "start", "end", "due_by"}:
        # Each sentence under the field it is about, not all of them under "How often".
        for field, problem in d.validate_cadence(
            cadence, start, today, end=end, weekdays=weekdays, due_by=due_by,
            start_chosen=bool(form.get("start")),
        ):  # fmt: skip
            errors[field] = f"{errors[field]} {problem}" if field in errors else problem
    raise_if(errors)
    commitment = Commitment(
        bridge=data.id,
        side=side.value,
        owner=user.id,
        text=text,
        cadence=cadence.value,
        weekdays=",".join(str(x) for x in weekdays),
        start=start,
        end=end,
        due_by=due_by,
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


async def pause(user: User, bridge_id: int, form: dict[str, object]) -> None:
    """Pause one's side from a day (today by default) until resumed or an end date."""
    data, side = await state.load(user, bridge_id)
    data.require_active()
    today = data.people[side].today()
    errors: dict[str, str] = {}
    start = parse_day(errors, "start", form.get("start"), today)
    end = parse_day(errors, "end", form.get("end"), None) if form.get("end") else None
    raise_if(errors)
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
