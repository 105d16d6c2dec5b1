"""The weekly look back: one notification on Sunday, at the time the person chose.

Optional and off until a person turns it on (`moments.tables.LookBackSettings`).
Each dispatcher pass (`Dispatcher.once`) calls `send_due`: the people whose Sunday
time has come and who have a device are found; each look back is *claimed* by
inserting its row, unique per person and Sunday (`INSERT … ON CONFLICT DO NOTHING
RETURNING`), so of racing dispatchers exactly one sends it. A claim whose
dispatcher died before it was settled is taken over once the lease has run out, and
sent again with the same Web Push `Topic`, as the daily reminder is (a possible
duplicate over a possible loss). A look back not sent by the end of that Sunday is
not sent at all: next week's says what this week's would have. Quiet hours and a
pause of the daily reminder hold it back too.

The figures are the derivation's (domain.moments.week_figures, Derivation.percent):
"This week: 5 of 6 kept, Bob secured 4, your bridge is 62 % across".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from server import clock
from server import domain as d
from server.domain.moments import WeekFigures, week_figures
from server.errors import InvalidInput
from server.moments.tables import LookBack, LookBackSettings
from server.reminders import bulk
from server.reminders import schedule as s
from server.reminders.claims import (
    SCHEDULE_COLUMNS,
    people_with_devices,
    push_to_every_device,
    schedule_of,
)
from server.reminders.delivery import Holds
from server.reminders.message import MAX_PAYLOAD_BYTES, TITLE, Message
from server.reminders.push import Sender
from server.reminders.tables import ReminderSettings
from server.repair import derived, state
from server.repair.state import BridgeData
from server.tables import User

SUNDAY = 6
DEFAULT_TIME = "19:00"  # Sunday evening, until the person chooses another time
TOPIC = "weekly-look-back"  # a second copy replaces an undelivered first (RFC 8030 §5.4)
CLAIMED, SENT, FAILED = "claimed", "sent", "failed"
KIND = "weekly"  # push_attempt.kind


# ------------------------------------------------------------------ the setting


@dataclass(frozen=True)
class Setting:
    """A person's weekly look back: on or off, and the Sunday time it comes at."""

    on: bool
    at: str  # "HH:MM", shown even while off


async def setting_of(user: User) -> Setting:
    row = (
        await LookBackSettings.select(LookBackSettings.local_time)
        .where(LookBackSettings.person == user.id)
        .first()
    )
    at = row["local_time"] if row else ""
    return Setting(on=bool(at), at=at or DEFAULT_TIME)


def check_setting(form: dict[str, Any]) -> Setting:
    """The setting a form asks for; InvalidInput naming the field when it is wrong."""
    on = str(form.get("look_back") or "") in ("1", "on", "true")
    text = str(form.get("look_back_time") or "").strip() or DEFAULT_TIME
    at = s.parse_time(text)
    if at is None:
        raise InvalidInput.field("look_back_time", "Enter a time like 19:00 (hours:minutes).")
    return Setting(on=on, at=s.format_time(at))


async def save_setting(user: User, setting: Setting) -> None:
    now = clock.now()
    at = setting.at if setting.on else ""
    await LookBackSettings.insert(
        LookBackSettings(person=user.id, local_time=at, updated_at=now)
    ).on_conflict(
        target=LookBackSettings.person,
        action="DO UPDATE",
        values=[LookBackSettings.local_time, LookBackSettings.updated_at],
    )


# ------------------------------------------------------------------ what it says


@dataclass(frozen=True)
class BridgeWeek:
    """One bridge's week as one of its sides reads it."""

    partner: str
    figures: WeekFigures
    percent: int


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def compose_look_back(weeks: list[BridgeWeek]) -> Message | None:
    """The week's look back, or None with no bridge to look back on.

    "This week: 5 of 6 kept, Bob secured 4, your bridge is 62 % across". Counts of
    the reader's own days and of the bridge they share: nothing to rank anyone by.
    """
    if not weeks:
        return None
    due = sum(w.figures.due for w in weeks)
    kept = sum(w.figures.kept for w in weeks)
    parts = [f"{kept} of {due} kept" if due else "nothing was due"]
    parts += [
        f"{w.partner or 'your partner'} secured {w.figures.secured}"
        for w in weeks
        if w.figures.secured
    ]
    if len(weeks) == 1:
        parts.append(f"your bridge is {weeks[0].percent} % across")
    else:
        across = _and([f"{w.percent} %" for w in weeks])
        parts.append(f"your bridges are {across} across")
    return Message(TITLE, "This week: " + ", ".join(parts), "/today")


def look_back_payload(message: Message, day: date) -> bytes:
    """The JSON the service worker shows: its own tag, so it never replaces the day's
    reminder (and a second copy replaces the first)."""
    body = message.body[:300]
    data = {
        "title": message.title,
        "body": body,
        "url": message.url,
        "tag": f"look-back-{day.isoformat()}",
        "day": day.isoformat(),
    }
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(encoded) <= MAX_PAYLOAD_BYTES
    return encoded


async def weeks_of(person: int, today: date) -> list[BridgeWeek]:
    """Each of `person`'s bridges' week ending `today`, from the one derivation cache."""
    rows = await state.active_rows(person)

    def week(data: BridgeData, derivation: d.Derivation) -> BridgeWeek:
        me = data.side_of(person)
        return BridgeWeek(
            partner=data.people[d.other(me)].name,
            figures=week_figures(derivation.ledgers[me], today),
            percent=derivation.percent(data.span),
        )

    def kept(entry: derived.Entry, row: dict[str, Any]) -> BridgeWeek | None:
        if entry.derivation is None or entry.frame is None:
            return None
        return week(entry.frame, entry.derivation)

    def derive(entry: derived.Entry, data: BridgeData, day: date) -> BridgeWeek:
        assert entry.derivation is not None  # derived.each derived it
        return week(data, entry.derivation)

    return await derived.each(rows, today, kept, derive)


# ------------------------------------------------------------------ sending


@dataclass
class Due:
    person: int
    day: date  # the person's Sunday
    tz: str


def due_now(rows: list[dict[str, Any]], now: datetime) -> list[Due]:
    """Who of `rows` (look back settings with a time zone) is due at `now`: it is
    Sunday where they live and their time has come."""
    found = []
    for row in rows:
        at = s.parse_time(row["local_time"] or "")
        tz = row["person.time_zone"] or "UTC"
        local = s.local_now(now, tz)
        if at is not None and local.weekday() == SUNDAY and local.time() >= at:
            found.append(Due(row["person"], local.date(), tz))
    return found


async def send_due(
    sender: Sender, name: str, holds: Holds, now: datetime, lease_cutoff: datetime
) -> int:
    """One pass: take over what a dead dispatcher held, then claim and send what is due.
    Returns how many look backs this dispatcher sent."""
    # Only the people who turned it on, a few lines each: read them all every pass
    # rather than keep a second schedule (the daily reminder's next_due_at) in step.
    rows = await LookBackSettings.select(
        LookBackSettings.person, LookBackSettings.local_time, LookBackSettings.person.time_zone
    ).where(LookBackSettings.local_time != "")
    due = due_now(rows, now)
    sent = await _take_over(sender, name, holds, due, now, lease_cutoff)
    if not due:
        return sent
    done = await LookBack.select(LookBack.person, LookBack.local_day).where(
        bulk.id_in(LookBack.person, [x.person for x in due])
        & LookBack.local_day.is_in(sorted({x.day for x in due}))
    )
    seen = {(r["person"], r["local_day"]) for r in done}
    with_devices = await people_with_devices([x.person for x in due])
    held = await _held_back(due, now)
    fresh = [
        x
        for x in due
        if (x.person, x.day) not in seen and x.person in with_devices and x.person not in held
    ]
    for x in fresh:
        claim = await (
            LookBack.insert(
                LookBack(
                    person=x.person,
                    local_day=x.day,
                    status=CLAIMED,
                    claimed_by=name,
                    claimed_at=now,
                )
            )
            .on_conflict(target=(LookBack.person, LookBack.local_day), action="DO NOTHING")
            .returning(LookBack.id)
        )
        if claim:  # another dispatcher got there first otherwise
            sent += await _send(sender, holds, claim[0]["id"], x)
    return sent


async def _held_back(due: list[Due], now: datetime) -> set[int]:
    """Who of `due` asked for quiet now (their reminders' quiet hours) or paused their
    reminders today: their look back waits for the quiet hours to end, or is skipped."""
    rows = await ReminderSettings.select(*SCHEDULE_COLUMNS).where(
        bulk.id_in(ReminderSettings.person, [x.person for x in due])
    )
    days = {x.person: x.day for x in due}
    held = set()
    for row in rows:
        schedule = schedule_of(row)
        local = s.local_now(now, row["person.time_zone"] or "UTC")
        paused = schedule.paused_until is not None and schedule.paused_until >= days[row["person"]]
        if paused or s.in_quiet_hours(local.time(), schedule.quiet):
            held.add(row["person"])
    return held


async def _take_over(
    sender: Sender, name: str, holds: Holds, due: list[Due], now: datetime, cutoff: datetime
) -> int:
    """Send again the look backs still due whose dispatcher died holding them."""
    if not due:
        return 0
    by_person = {x.person: x for x in due}
    taken = await (
        LookBack.update({LookBack.claimed_by: name, LookBack.claimed_at: now})
        .where(
            bulk.id_in(LookBack.person, list(by_person))
            & LookBack.local_day.is_in(sorted({x.day for x in due}))
            & (LookBack.status == CLAIMED)
            & (LookBack.claimed_at < cutoff)
        )
        .returning(LookBack.id, LookBack.person, LookBack.local_day)
    )
    sent = 0
    for row in taken:
        x = by_person[row["person"]]
        if row["local_day"] == x.day:  # not a neighbour time zone's Sunday
            sent += await _send(sender, holds, row["id"], x)
    return sent


async def _send(sender: Sender, holds: Holds, claim_id: int, x: Due) -> int:
    """Push one claimed look back to every device of its person; store what happened."""
    message = compose_look_back(await weeks_of(x.person, x.day))
    if message is None:
        await _settle(claim_id, FAILED, "")
        return 0
    payload = look_back_payload(message, x.day)
    until = s.end_of_day(x.day, x.tz)
    reached = await push_to_every_device(sender, holds, x.person, payload, until, TOPIC, KIND)
    await _settle(claim_id, SENT if reached else FAILED, message.body)
    return int(reached)


async def _settle(claim_id: int, status: str, body: str) -> None:
    values: dict[Any, Any] = {LookBack.status: status, LookBack.body: body[:400]}
    if status == SENT:
        values[LookBack.sent_at] = clock.now()
    await LookBack.update(values).where(LookBack.id == claim_id)
