"""The last call: one more notification before the local day ends, if something is open.

Optional and off until a person turns it on (`reminder_settings.last_call`, "HH:MM";
21:00 unless they choose another, after their daily reminder's time). Each dispatcher
pass (`Dispatcher.once`) calls `send_due`: the people whose last-call time has come
on a day their daily reminder comes (their weekdays, not paused), outside their quiet
hours (which hold it until they end) and with a device are found; what is still open
for them is what the daily reminder reads (`due.due_for`: the occurrences Today
lists, and the planks waiting for their confirmation). Each last call is *claimed*
by inserting its row, unique per person and local day (`INSERT … ON CONFLICT DO
NOTHING RETURNING`), so of racing dispatchers exactly one sends it. With nothing
open the row goes in as `nothing`: the day is decided once, at the person's time,
rather than read again every pass until midnight, and a plank that arrives later
does not wake them.

A claim whose dispatcher died before it was settled is taken over once the lease has
run out, and sent again with the same Web Push `Topic`, as the daily reminder is (a
possible duplicate over a possible loss); what is open is read again then. Its TTL
runs to the end of the local day, and it is never sent after that day ended.

It carries the notification tag of the day's reminder (`message.payload`): on the
phone it replaces the morning's notification rather than adding a second, and a
check-in on another device turns it into "All done for today" like the reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from server import clock, formats
from server.errors import InvalidInput
from server.reminders import bulk
from server.reminders import schedule as s
from server.reminders.claims import (
    SCHEDULE_COLUMNS,
    people_with_devices,
    push_to_every_device,
    schedule_of,
)
from server.reminders.delivery import Holds
from server.reminders.due import due_for
from server.reminders.email.channel import wants_push
from server.reminders.message import Message, compose_last_call, payload
from server.reminders.push import Sender
from server.reminders.service import DEFAULT_TIME as DAILY_DEFAULT_TIME
from server.reminders.service import ensure_settings
from server.reminders.tables import LastCall, ReminderSettings
from server.tables import User

DEFAULT_TIME = "21:00"  # the evening, until the person chooses another time
TOPIC = "last-call"  # a second copy replaces an undelivered first (RFC 8030 §5.4)
CLAIMED, SENT, FAILED, NOTHING = "claimed", "sent", "failed", "nothing"
KIND = "lastcall"  # push_attempt.kind (eight characters at most)

COLUMNS = (
    *SCHEDULE_COLUMNS,
    ReminderSettings.last_call,
    ReminderSettings.lock_screen_names,
    ReminderSettings.channel,
)


# ------------------------------------------------------------------ the setting


@dataclass(frozen=True)
class Setting:
    """A person's last call: on or off, and the local time it comes at."""

    on: bool
    at: str  # "HH:MM", shown even while off

    @property
    def at_time(self) -> time | None:
        return s.parse_time(self.at)


async def setting_of(user: User) -> Setting:
    row = await (
        ReminderSettings.select(ReminderSettings.last_call)
        .where(ReminderSettings.person == user.id)
        .first()
    )
    at = row["last_call"] if row else ""
    return Setting(on=bool(at), at=at or DEFAULT_TIME)


async def daily_time_of(user: User) -> time:
    """The time of the person's daily reminder, which a last call has to come after."""
    row = await (
        ReminderSettings.select(ReminderSettings.local_time)
        .where(ReminderSettings.person == user.id)
        .first()
    )
    at = s.parse_time(row["local_time"] if row else DAILY_DEFAULT_TIME)
    return at or time(8, 30)


def check_setting(form: dict[str, Any], daily: time) -> Setting:
    """The setting a form asks for; InvalidInput naming the field when it is wrong.

    `daily` is the daily reminder's time: a last call before it would be a first call.
    """
    on = str(form.get("last_call") or "") in ("1", "on", "true")
    text = str(form.get("last_call_time") or "").strip() or DEFAULT_TIME
    at = s.parse_time(text)
    if at is None:
        raise InvalidInput.field("last_call_time", "Enter a time like 21:00 (hours:minutes).")
    if on and at <= daily:
        raise InvalidInput.field(
            "last_call_time",
            f"Choose a time after your daily reminder ({formats.time_of_day(daily)})"
            " and before midnight.",
        )
    return Setting(on=on, at=s.format_time(at))


async def save_setting(user: User, setting: Setting) -> None:
    await ensure_settings(user.id)
    await ReminderSettings.update(
        {
            ReminderSettings.last_call: setting.at if setting.on else "",
            ReminderSettings.updated_at: clock.now(),
        }
    ).where(ReminderSettings.person == user.id)


# ------------------------------------------------------------------ sending


@dataclass
class Due:
    person: int
    day: date  # the person's local day
    tz: str
    named: bool  # "Show what's due on the lock screen"


def due_now(rows: list[dict[str, Any]], now: datetime) -> list[Due]:
    """Who of `rows` (reminder settings with a last call) is due at `now`: their time
    has come on a day of their daily reminder, and they are not in their quiet hours."""
    found = []
    for row in rows:
        at = s.parse_time(row["last_call"] or "")
        if at is None or not wants_push(row["channel"]):
            continue
        tz = row["person.time_zone"] or "UTC"
        schedule = schedule_of(row)
        local = s.local_now(now, tz)
        # The daily reminder moved to this time or later since: it is the day's last word.
        if at <= schedule.at or not s.sends_on(schedule, local.date()) or local.time() < at:
            continue
        if s.in_quiet_hours(local.time(), schedule.quiet):
            continue  # held until they end, as long as the day lasts
        found.append(Due(row["person"], local.date(), tz, bool(row["lock_screen_names"])))
    return found


async def send_due(
    sender: Sender, name: str, holds: Holds, now: datetime, lease_cutoff: datetime
) -> int:
    """One pass: take over what a dead dispatcher held, then claim and send what is due.
    Returns how many last calls this dispatcher sent."""
    # Only the people who turned it on ("" sorts first: a range of its index): read
    # them all every pass rather than keep a second schedule (the daily reminder's
    # next_due_at) in step.
    rows = await ReminderSettings.select(*COLUMNS).where(ReminderSettings.last_call > "")
    due = due_now(rows, now)
    if not due:
        return 0
    sent = await _take_over(sender, name, holds, due, now, lease_cutoff)
    done = await LastCall.select(LastCall.person, LastCall.local_day).where(
        bulk.id_in(LastCall.person, [x.person for x in due])
        & LastCall.local_day.is_in(sorted({x.day for x in due}))
    )
    seen = {(r["person"], r["local_day"]) for r in done}
    with_devices = await people_with_devices([x.person for x in due])
    fresh = [x for x in due if (x.person, x.day) not in seen and x.person in with_devices]
    if not fresh:
        return sent
    messages = await _messages(fresh, now)
    for x in fresh:
        message = messages.get(x.person)
        claim = await (
            LastCall.insert(
                LastCall(
                    person=x.person,
                    local_day=x.day,
                    status=CLAIMED if message is not None else NOTHING,
                    claimed_by=name,
                    claimed_at=now,
                )
            )
            .on_conflict(target=(LastCall.person, LastCall.local_day), action="DO NOTHING")
            .returning(LastCall.id)
        )
        if claim and message is not None:  # another dispatcher got there first otherwise
            sent += await _send(sender, holds, claim[0]["id"], x, message)
    return sent


async def _messages(due: list[Due], now: datetime) -> dict[int, Message]:
    """Each person's last call, read as the daily reminder reads what is due; nobody
    with nothing open is in it."""
    named = frozenset(x.person for x in due if x.named)
    dues = await due_for({x.person: x.tz for x in due}, now, named)
    found = {}
    for x in due:
        message = compose_last_call(dues.get(x.person, []), named=x.named)
        if message is not None:
            found[x.person] = message
    return found


async def _take_over(
    sender: Sender, name: str, holds: Holds, due: list[Due], now: datetime, cutoff: datetime
) -> int:
    """Send the last calls still due whose dispatcher died holding them."""
    by_person = {x.person: x for x in due}
    taken = await (
        LastCall.update({LastCall.claimed_by: name, LastCall.claimed_at: now})
        .where(
            bulk.id_in(LastCall.person, list(by_person))
            & LastCall.local_day.is_in(sorted({x.day for x in due}))
            & (LastCall.status == CLAIMED)
            & (LastCall.claimed_at < cutoff)
        )
        .returning(LastCall.id, LastCall.person, LastCall.local_day)
    )
    # Only today's, where the person lives (not a neighbour time zone's day).
    mine = [
        (row["id"], by_person[row["person"]])
        for row in taken
        if row["local_day"] == by_person[row["person"]].day
    ]
    if not mine:
        return 0
    messages = await _messages([x for _, x in mine], now)
    sent = 0
    for claim_id, x in mine:
        message = messages.get(x.person)
        if message is None:  # all done since the claim: nothing to say any more
            await _settle(claim_id, NOTHING, "")
        else:
            sent += await _send(sender, holds, claim_id, x, message)
    return sent


async def _send(sender: Sender, holds: Holds, claim_id: int, x: Due, message: Message) -> int:
    """Push one claimed last call to every device of its person; store what happened."""
    body = payload(message, x.day)
    until = s.end_of_day(x.day, x.tz)
    reached = await push_to_every_device(sender, holds, x.person, body, until, TOPIC, KIND)
    await _settle(claim_id, SENT if reached else FAILED, message.body)
    return int(reached)


async def _settle(claim_id: int, status: str, body: str) -> None:
    values: dict[Any, Any] = {LastCall.status: status, LastCall.body: body[:400]}
    if status == SENT:
        values[LastCall.sent_at] = clock.now()
    await LastCall.update(values).where(LastCall.id == claim_id)
