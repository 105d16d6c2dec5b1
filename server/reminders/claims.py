"""What the dispatcher claims and the queries around a claim.

A reminder is *claimed* by inserting its row (unique per person and local day:
exactly one dispatcher's insert succeeds) or, for a retry or a take-over, by an
UPDATE that names the new holder; the rest is reading what a claim needs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from server import clock
from server.reminders import bulk
from server.reminders import schedule as s
from server.reminders.delivery import DELIVERED, Holds, push_one, record
from server.reminders.email.channel import Reach
from server.reminders.message import BridgeDue, Message, compose, payload
from server.reminders.push import Sender
from server.reminders.settle import CLAIMED, FAILED
from server.reminders.tables import PushAttempt, PushSubscription, Reminder, ReminderSettings

TOO_LATE = "Not sent: it was too late in the day (quiet hours or past midnight)."

# What schedule_of() reads of a person's reminder settings.
SCHEDULE_COLUMNS = (
    ReminderSettings.person,
    ReminderSettings.person.time_zone,
    ReminderSettings.local_time,
    ReminderSettings.weekdays,
    ReminderSettings.quiet_start,
    ReminderSettings.quiet_end,
    ReminderSettings.paused_until,
)


def schedule_of(row: dict[str, Any]) -> s.Schedule:
    """A reminder_settings row as a Schedule (rows are checked when saved)."""
    at = s.parse_time(row["local_time"]) or s.parse_time("08:30")
    assert at is not None
    start, end = s.parse_time(row["quiet_start"] or ""), s.parse_time(row["quiet_end"] or "")
    return s.Schedule(
        at=at,
        weekdays=frozenset(int(x) for x in row["weekdays"].split(",") if x),
        quiet=(start, end) if start is not None and end is not None else None,
        paused_until=row["paused_until"],
    )


_SCHEDULE_FIELDS = ("local_time", "weekdays", "quiet_start", "quiet_end", "paused_until")


def plans(rows: list[dict[str, Any]], now: datetime) -> list[tuple[date | None, datetime | None]]:
    """`schedule.plan` for each reminder_settings row (with its person's time zone).

    Worked out once per distinct schedule and time zone: people due at the same
    moment mostly chose the same time in the same zone, and a plan (a few time-zone
    conversions and parsing the row) costs about 15 µs.
    """
    plans: dict[tuple[Any, ...], tuple[date | None, datetime | None]] = {}
    found = []
    for row in rows:
        tz = row["person.time_zone"] or "UTC"
        key = (tz, *(row[k] for k in _SCHEDULE_FIELDS))
        if (plan := plans.get(key)) is None:
            plan = plans[key] = s.plan(schedule_of(row), tz, now)
        found.append(plan)
    return found


@dataclass
class Claimed:
    """A reminder this dispatcher holds, about to be pushed."""

    id: int
    person: int
    local_day: date
    payload: bytes
    expires_at: datetime
    attempts: int
    sent_at: datetime | None = None
    message: Message | None = None
    resumed: bool = False  # a retry or a take-over: skip devices it already reached
    # Some device has it already: a dispatcher died after storing the attempts and
    # before the reminder's status. It counts as sent even if nothing is left to push.
    reached_before: bool = False
    # How it goes out (push, email), when the batch that claimed it read that already.
    reach: Reach | None = None


CLAIM_COLUMNS = (
    Reminder.id,
    Reminder.person,
    Reminder.local_day,
    Reminder.title,
    Reminder.body,
    Reminder.url,
    Reminder.expires_at,
    Reminder.attempts,
    Reminder.sent_at,
    Reminder.payload,
)


def from_row(row: dict[str, Any]) -> Claimed:
    message = Message(row["title"], row["body"], row["url"])
    stored = (row.get("payload") or "").encode()
    return Claimed(
        id=row["id"],
        person=row["person"],
        local_day=row["local_day"],
        payload=stored or payload(message, row["local_day"]),
        expires_at=row["expires_at"],
        attempts=row["attempts"],
        sent_at=row["sent_at"],
        message=message,
        resumed=True,
    )


_CLAIM_INSERT = (
    "person",
    "local_day",
    "status",
    "title",
    "body",
    "url",
    "claimed_by",
    "claimed_at",
    "expires_at",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "error",
    "payload",
)


def make_claims(
    today: dict[int, tuple[date, str]],
    dues: dict[int, list[BridgeDue]],
    named: frozenset[int] = frozenset(),
) -> list[Claimed]:
    """The reminders this batch would send, not yet claimed; the `named` people chose
    to see what is due on their lock screen."""
    claims = []
    day_ends: dict[tuple[date, str], datetime] = {}  # most of a batch shares a day and zone
    for person, (day, tz) in today.items():
        message = compose(dues.get(person, []), named=person in named)
        if message is None:
            continue  # nothing due and nothing to confirm: no reminder today
        if (expires_at := day_ends.get((day, tz))) is None:
            expires_at = day_ends[(day, tz)] = s.end_of_day(day, tz)
        claims.append(
            Claimed(
                id=0,
                person=person,
                local_day=day,
                payload=payload(message, day),
                expires_at=expires_at,
                attempts=0,
                message=message,
            )
        )
    return claims


async def insert_claims(claims: list[Claimed], name: str, now: datetime) -> list[Claimed]:
    """Insert the claims; a row another dispatcher inserted first is skipped, not ours."""
    rows = [
        (
            c.person,
            c.local_day,
            CLAIMED,
            c.message.title if c.message else "",
            c.message.body[:400] if c.message else "",
            c.message.url if c.message else "/today",
            name,
            now,
            c.expires_at,
            0,
            None,
            None,
            "",
            c.payload.decode(),
        )
        for c in claims
    ]
    inserted = await bulk.insert(
        Reminder,
        _CLAIM_INSERT,
        rows,
        suffix='ON CONFLICT ("person", "local_day") DO NOTHING RETURNING "id", "person"',
    )
    ids = {r["person"]: r["id"] for r in inserted}
    claimed = [c for c in claims if c.person in ids]
    for c in claimed:
        c.id = ids[c.person]
    return claimed


async def reschedule(next_at: dict[int, datetime | None], lease: datetime) -> None:
    """Move each settings row's next look on; one statement per distinct moment.

    Only rows still under this dispatcher's lease are touched, so a person who
    changed their settings a moment ago keeps the time those settings gave.
    """
    groups: dict[datetime | None, list[int]] = defaultdict(list)
    for settings_id, at in next_at.items():
        groups[at].append(settings_id)
    for at, ids in groups.items():
        await ReminderSettings.update({ReminderSettings.next_due_at: at}).where(
            bulk.id_in(ReminderSettings.id, ids) & (ReminderSettings.next_due_at == lease)
        )


async def people_with_devices(people: list[int]) -> set[int]:
    if not people:
        return set()
    rows = await PushSubscription.select(PushSubscription.person).where(
        bulk.id_in(PushSubscription.person, people)
    )
    return {r["person"] for r in rows}


async def devices_of(people: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not people:
        return found
    rows = await PushSubscription.select(
        PushSubscription.id,
        PushSubscription.person,
        PushSubscription.endpoint,
        PushSubscription.p256dh,
        PushSubscription.auth,
        PushSubscription.device,
    ).where(bulk.id_in(PushSubscription.person, people))
    for row in rows:
        found[row["person"]].append(row)
    return found


async def push_to_every_device(
    sender: Sender, holds: Holds, person: int, body: bytes, until: datetime, topic: str, kind: str
) -> bool:
    """Push one claimed notification to every device of `person`, kept by the push
    service until `until` (its TTL); store each attempt as `kind`. Whether any device
    took it. (The weekly look back and the last call send one person at a time.)"""
    ttl = max(1, int((until - clock.now()).total_seconds()))
    devices = (await devices_of([person])).get(person, [])
    outcomes = [await push_one(sender, person, row, body, ttl, topic, holds) for row in devices]
    await record(outcomes, kind, {})
    return any(o.outcome == DELIVERED for o in outcomes)


async def delivered_devices(reminder_ids: list[int]) -> dict[int, set[int]]:
    """Devices each reminder already reached (a retry skips them)."""
    rows = await PushAttempt.select(PushAttempt.reminder, PushAttempt.subscription).where(
        bulk.id_in(PushAttempt.reminder, reminder_ids) & (PushAttempt.outcome == DELIVERED)
    )
    found: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        found[row["reminder"]].add(row["subscription"])
    return found


async def quiet_filtered(claimed: list[Claimed], now: datetime) -> list[Claimed]:
    """Drop (as failed) the late sends that would land in their person's quiet hours."""
    if not claimed:
        return []
    rows = await ReminderSettings.select(*SCHEDULE_COLUMNS).where(
        bulk.id_in(ReminderSettings.person, [c.person for c in claimed])
    )
    quiet = {
        r["person"]
        for r in rows
        if s.in_quiet_hours(
            s.local_now(now, r["person.time_zone"] or "UTC").time(), schedule_of(r).quiet
        )
    }
    late = [c.id for c in claimed if c.person in quiet or c.expires_at <= now]
    if late:
        await Reminder.update(
            {
                Reminder.status: FAILED,
                Reminder.next_attempt_at: None,
                Reminder.error: TOO_LATE,
            }
        ).where(bulk.id_in(Reminder.id, late))
    return [c for c in claimed if c.id not in late]
