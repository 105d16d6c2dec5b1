"""The dispatcher: sends each person's daily reminder, exactly once, from any process.

A pass (`Dispatcher.once`) does three things and returns how many reminders it
handled, so tests and `--loop` call it directly:

1. Takes over reminders another dispatcher claimed but never started sending (it
   died), and marks those it died *while* sending as `interrupted`.
2. Retries reminders whose push service had a temporary problem.
3. Streams the people whose reminder time has come, in batches, and for each
   batch: works out what is due, *claims* each reminder by inserting its row —
   unique per person and local day, so exactly one dispatcher's insert succeeds
   ("another process got there first" for the rest) — marks the claimed ones
   `sending`, pushes them, and records every attempt.

What happens if a dispatcher dies between claim and send: a reminder still
`claimed` was never handed to a push service, so once its lease (2 minutes) runs
out the next pass of any dispatcher sends it — late, never lost. One already
`sending` may or may not have reached the push service; sending it again could
show it twice, so it is marked `interrupted` instead and that day has none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from piccolo.columns import Column

from server import clock
from server.reminders import bulk
from server.reminders import schedule as s
from server.reminders.delivery import (
    DELIVERED,
    RETRY,
    Holds,
    Outcome,
    push_all,
    record,
)
from server.reminders.due import due_for
from server.reminders.message import BridgeDue, Message, compose, payload
from server.reminders.push import Sender
from server.reminders.tables import PushAttempt, PushSubscription, Reminder, ReminderSettings

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
TOO_LATE = "Not sent: it was too late in the day (quiet hours or past midnight)."
BATCH_SIZE = 1000
CONCURRENCY = 256
# Temporary failures are retried with backoff until the person's day ends.
BACKOFF_S = (30, 120, 600, 1800, 3600)
MAX_ATTEMPTS = 12
TOPIC = "daily-reminder"  # a newer push with the same topic replaces an undelivered one
INTERRUPTED = (
    "The dispatcher stopped while sending this reminder; it was not sent again, "
    "so that it cannot arrive twice."
)

CLAIMED, SENDING, SENT, RETRYING, FAILED, INTERRUPTED_STATUS = (
    "claimed",
    "sending",
    "sent",
    "retrying",
    "failed",
    "interrupted",
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


def _plans(rows: list[dict[str, Any]], now: datetime) -> list[tuple[date | None, datetime | None]]:
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


def backoff(attempts: int) -> float:
    return float(BACKOFF_S[min(attempts, len(BACKOFF_S)) - 1])


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


def _dispatcher_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Dispatcher:
    """One process's dispatcher; any number may run against the same database."""

    sender: Sender
    batch_size: int = BATCH_SIZE
    concurrency: int = CONCURRENCY
    name: str = field(default_factory=_dispatcher_name)
    holds: Holds = field(default_factory=Holds)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def once(self) -> int:
        """One pass over everything due now; returns how many reminders it handled."""
        now = clock.now()
        handled = await self.take_over_abandoned(now)
        handled += await self.retry_due(now)
        handled += await self.send_due(now)
        return handled

    # ------------------------------------------------------------ today's reminders

    async def send_due(self, now: datetime) -> int:
        """Every person whose reminder time has come, streamed in batches."""
        handled, after = 0, 0
        # While one batch's pushes are in flight, the next batch is read and claimed:
        # the database and the push services are waited on at the same time.
        in_flight: asyncio.Task[int] | None = None
        while not self.stopping.is_set():
            rows = (
                await ReminderSettings.select(
                    ReminderSettings.id,
                    ReminderSettings.person,
                    ReminderSettings.person.time_zone,
                    ReminderSettings.local_time,
                    ReminderSettings.weekdays,
                    ReminderSettings.quiet_start,
                    ReminderSettings.quiet_end,
                    ReminderSettings.paused_until,
                )
                .where((ReminderSettings.next_due_at <= now) & (ReminderSettings.id > after))
                .order_by(ReminderSettings.id)
                .limit(self.batch_size)
            )
            if not rows:
                break
            after = rows[-1]["id"]
            claimed = await self.claim(rows, now)
            if in_flight is not None:
                handled += await in_flight
            in_flight = asyncio.create_task(self.deliver(claimed))
        if in_flight is not None:
            handled += await in_flight
        return handled

    async def claim(self, rows: list[dict[str, Any]], now: datetime) -> list[Claimed]:
        """Claim the reminders of a batch of due people; only our own claims come back."""
        # First take the batch for a while (its next look moved LEASE ahead, only
        # where still due): several dispatchers then share the work instead of all
        # working through the same people, and one that dies lets them fall due again.
        lease = clock.now() + LEASE
        taken = await (
            ReminderSettings.update({ReminderSettings.next_due_at: lease})
            .where(
                bulk.id_in(ReminderSettings.id, [row["id"] for row in rows])
                & (ReminderSettings.next_due_at <= now)
            )
            .returning(ReminderSettings.id)
        )
        mine = {row["id"] for row in taken}
        rows = [row for row in rows if row["id"] in mine]
        today: dict[int, tuple[date, str]] = {}
        next_at: dict[int, datetime | None] = {}
        for row, (day, later) in zip(rows, _plans(rows, now), strict=True):
            next_at[row["id"]] = later
            if day is not None:
                today[row["person"]] = (day, row["person.time_zone"] or "UTC")
        with_devices = await _people_with_devices([row["person"] for row in rows])
        for row in rows:
            if row["person"] not in with_devices:
                today.pop(row["person"], None)
                next_at[row["id"]] = None  # no device: nothing to do until one is added
        dues = await due_for({p: tz for p, (_, tz) in today.items()}, now)
        claims = _claims(today, dues, self.name, clock.now())
        claimed = await _insert_claims(claims, self.name, clock.now())
        # Only now move everyone's next look on: a dispatcher that died before this
        # line leaves them due, and the claims above keep the retry from doubling up.
        await _reschedule(next_at, lease)
        return claimed

    # ------------------------------------------------------------ pushing

    async def deliver(self, claimed: list[Claimed]) -> int:
        """Mark claimed reminders `sending`, push them, record and settle each one."""
        if not claimed:
            return 0
        now = clock.now()
        ids = [c.id for c in claimed]
        await Reminder.update({Reminder.status: SENDING, Reminder.claimed_at: now}).where(
            bulk.id_in(Reminder.id, ids) & (Reminder.claimed_by == self.name)
        )
        devices = await _devices([c.person for c in claimed])
        retried = [c.id for c in claimed if c.attempts]
        delivered_before = await _delivered_devices(retried) if retried else {}
        jobs = []
        for c in claimed:
            ttl = max(1, int((c.expires_at - now).total_seconds()))
            for row in devices.get(c.person, []):
                if row["id"] not in delivered_before.get(c.id, set()):
                    jobs.append((c.person, row, c.payload, ttl, TOPIC))
        outcomes = await push_all(self.sender, jobs, self.holds, self.concurrency)
        await record(outcomes, "daily", {c.person: c.id for c in claimed})
        await _settle(claimed, outcomes, clock.now())
        return len(claimed)

    # ------------------------------------------------------------ retries and the dead

    async def retry_due(self, now: datetime) -> int:
        """Send again what a push service could not take earlier today."""
        await Reminder.update({Reminder.status: FAILED, Reminder.next_attempt_at: None}).where(
            (Reminder.status == RETRYING) & (Reminder.expires_at <= now)
        )
        handled = 0
        while not self.stopping.is_set():
            ids = (
                await Reminder.select(Reminder.id)
                .where((Reminder.status == RETRYING) & (Reminder.next_attempt_at <= now))
                .limit(self.batch_size)
                .output(as_list=True)
            )
            if not ids:
                break
            rows = (
                await Reminder.update(
                    {
                        Reminder.status: SENDING,
                        Reminder.claimed_by: self.name,
                        Reminder.claimed_at: now,
                    }
                )
                .where(
                    bulk.id_in(Reminder.id, ids)
                    & (Reminder.status == RETRYING)
                    & (Reminder.next_attempt_at <= now)
                )
                .returning(*_CLAIM_COLUMNS)
            )
            handled += await self.deliver(await _quiet_filtered([_claimed(r) for r in rows], now))
        return handled

    async def take_over_abandoned(self, now: datetime) -> int:
        """Send what a dead dispatcher claimed; settle what it died while sending."""
        cutoff = now - LEASE
        await Reminder.update(
            {Reminder.status: INTERRUPTED_STATUS, Reminder.error: INTERRUPTED}
        ).where((Reminder.status == SENDING) & (Reminder.claimed_at < cutoff))
        ids = (
            await Reminder.select(Reminder.id)
            .where((Reminder.status == CLAIMED) & (Reminder.claimed_at < cutoff))
            .output(as_list=True)
        )
        if not ids:
            return 0
        rows = (
            await Reminder.update({Reminder.claimed_by: self.name, Reminder.claimed_at: now})
            .where(
                bulk.id_in(Reminder.id, ids)
                & (Reminder.status == CLAIMED)
                & (Reminder.claimed_at < cutoff)
            )
            .returning(*_CLAIM_COLUMNS)
        )
        late = [_claimed(r) for r in rows]
        log.info("taking over %d reminders a stopped dispatcher had claimed", len(late))
        return await self.deliver(await _quiet_filtered(late, now))


_CLAIM_COLUMNS = (
    Reminder.id,
    Reminder.person,
    Reminder.local_day,
    Reminder.title,
    Reminder.body,
    Reminder.url,
    Reminder.expires_at,
    Reminder.attempts,
    Reminder.sent_at,
)


def _claimed(row: dict[str, Any]) -> Claimed:
    message = Message(row["title"], row["body"], row["url"])
    return Claimed(
        id=row["id"],
        person=row["person"],
        local_day=row["local_day"],
        payload=payload(message, row["local_day"]),
        expires_at=row["expires_at"],
        attempts=row["attempts"],
        sent_at=row["sent_at"],
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
)


def _claims(
    today: dict[int, tuple[date, str]], dues: dict[int, list[BridgeDue]], name: str, now: datetime
) -> list[Claimed]:
    """The reminders this batch would send, not yet claimed."""
    claims = []
    day_ends: dict[tuple[date, str], datetime] = {}  # most of a batch shares a day and zone
    for person, (day, tz) in today.items():
        message = compose(dues.get(person, []))
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


async def _insert_claims(claims: list[Claimed], name: str, now: datetime) -> list[Claimed]:
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


async def _reschedule(next_at: dict[int, datetime | None], lease: datetime) -> None:
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


async def _people_with_devices(people: list[int]) -> set[int]:
    if not people:
        return set()
    rows = await PushSubscription.select(PushSubscription.person).where(
        bulk.id_in(PushSubscription.person, people)
    )
    return {r["person"] for r in rows}


async def _devices(people: list[int]) -> dict[int, list[dict[str, Any]]]:
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


async def _delivered_devices(reminder_ids: list[int]) -> dict[int, set[int]]:
    """Devices each reminder already reached (a retry skips them)."""
    rows = await PushAttempt.select(PushAttempt.reminder, PushAttempt.subscription).where(
        bulk.id_in(PushAttempt.reminder, reminder_ids) & (PushAttempt.outcome == DELIVERED)
    )
    found: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        found[row["reminder"]].add(row["subscription"])
    return found


async def _quiet_filtered(claimed: list[Claimed], now: datetime) -> list[Claimed]:
    """Drop (as failed) the late sends that would land in their person's quiet hours."""
    if not claimed:
        return []
    rows = await ReminderSettings.select(
        ReminderSettings.person,
        ReminderSettings.person.time_zone,
        ReminderSettings.local_time,
        ReminderSettings.weekdays,
        ReminderSettings.quiet_start,
        ReminderSettings.quiet_end,
        ReminderSettings.paused_until,
    ).where(bulk.id_in(ReminderSettings.person, [c.person for c in claimed]))
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


async def _settle(claimed: list[Claimed], outcomes: list[Outcome], now: datetime) -> None:
    """Each reminder's status from what its push services said."""
    by_person: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_person[outcome.person].append(outcome)
    sent_now: list[int] = []  # the usual case: delivered on the first try
    sent_before: list[int] = []  # a retry that reached the devices an earlier try missed
    for c in claimed:
        results = by_person.get(c.person, [])
        delivered = [o for o in results if o.outcome == DELIVERED]
        temporary = [o for o in results if o.outcome == RETRY]
        failed = [o for o in results if o.outcome not in (DELIVERED, RETRY)]
        attempts = c.attempts + 1
        sent_at = c.sent_at or (now if delivered else None)
        if temporary and attempts < MAX_ATTEMPTS:
            wait = max([backoff(attempts)] + [o.retry_after or 0 for o in temporary])
            retry_at = now + timedelta(seconds=wait)
            if retry_at < c.expires_at:
                await Reminder.update(
                    {
                        Reminder.status: RETRYING,
                        Reminder.attempts: attempts,
                        Reminder.next_attempt_at: retry_at,
                        Reminder.sent_at: sent_at,
                        Reminder.error: temporary[0].detail[:300],
                    }
                ).where(Reminder.id == c.id)
                continue
        if sent_at is not None and not temporary and not failed:
            (sent_before if c.sent_at else sent_now).append(c.id)
            continue
        problems = temporary + failed
        if sent_at is not None:
            error = f"Reached some devices, not all: {problems[0].detail}" if problems else ""
        elif problems:
            error = problems[0].detail
            if temporary:
                error = f"Gave up before the day ended: {error}"
        else:
            error = "No device to send it to: turn reminders on again on your phone."
        await Reminder.update(
            {
                Reminder.status: SENT if sent_at is not None else FAILED,
                Reminder.attempts: attempts,
                Reminder.next_attempt_at: None,
                Reminder.sent_at: sent_at,
                Reminder.error: error[:300],
            }
        ).where(Reminder.id == c.id)
    # One statement for the whole batch: the reminders are ours (`sending`), so the
    # `sent_at` each one was claimed with is still the row's.
    for ids, first_sent in ((sent_now, True), (sent_before, False)):
        if not ids:
            continue
        values: dict[Column | str, Any] = {
            Reminder.status: SENT,
            Reminder.attempts: Reminder.attempts + 1,
            Reminder.next_attempt_at: None,
            Reminder.error: "",
        }
        if first_sent:
            values[Reminder.sent_at] = now
        await Reminder.update(values).where(bulk.id_in(Reminder.id, ids))


async def run_loop(dispatcher: Dispatcher, interval: float = 15.0) -> None:
    """Pass after pass until `dispatcher.stopping` is set; a pass that found work loops at once."""
    while not dispatcher.stopping.is_set():
        try:
            found = await dispatcher.once()
        except Exception:
            log.exception("reminder dispatch pass failed; trying again in %.0f s", interval)
            found = 0
        if found:
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(dispatcher.stopping.wait(), timeout=interval)
