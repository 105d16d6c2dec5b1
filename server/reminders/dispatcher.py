"""The dispatcher: sends each person's daily reminder, from any process, and loses none.

A pass (`Dispatcher.once`) does five things and returns how many reminders it
pushed, so tests and `--loop` call it directly:

1. Takes over the reminders a dead dispatcher held (their lease ran out).
2. Retries reminders whose push service had a temporary problem.
3. Streams the people whose reminder time has come, in batches; for each batch
   it works out what is due, then *claims* each reminder by inserting its row —
   unique per person and local day, so exactly one dispatcher's insert succeeds
   ("another process got there first" for the rest) — and pushes it.
4. Sends the weekly look backs due on Sunday, claimed the same way
   (server/reminders/look_back.py).
5. Sends the last calls due before the end of the day, for the people who asked
   and still have something open, claimed the same way (server/reminders/last_call.py).

Claim only what is about to be sent: a reminder takes one of `concurrency`
slots (`window.Window`) before it is claimed and gives it back once its outcome
is stored, so a dispatcher never holds more than `concurrency` reminders. Each
is marked `sending` when its push starts (a group of statements, `window.Group`).

If a dispatcher dies (SIGKILL, a lost machine), what it held is taken over by any
other dispatcher once the lease (2 minutes) has run out:
- `claimed`: no push service has seen it; it is sent, late, exactly once.
- `sending`: the push may or may not have reached the push service. It is sent
  again — the deliberate choice: a possible duplicate over a possible loss — to
  the devices that have no delivered attempt stored, with the same Web Push
  `Topic` (RFC 8030 §5.4), so a push service still holding the first copy
  replaces it instead of showing two. Only the reminders in flight at the kill
  (at most `concurrency`) can arrive twice, on a phone that had already fetched
  the first copy; none is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from server import clock
from server.observe import metrics
from server.reminders import bulk, last_call, look_back
from server.reminders.claims import (
    CLAIM_COLUMNS,
    SCHEDULE_COLUMNS,
    Claimed,
    delivered_devices,
    devices_of,
    from_row,
    insert_claims,
    make_claims,
    people_with_devices,
    plans,
    quiet_filtered,
    reschedule,
)
from server.reminders.delivery import (
    Holds,
    Outcome,
    push_one,
    record,
)
from server.reminders.due import due_for
from server.reminders.email.channel import (
    REACH_COLUMNS,
    EmailChannel,
    Reach,
    reach_from,
    reach_of,
    turn_off_refused,
    wants_email,
    wants_push,
)
from server.reminders.push import Sender
from server.reminders.settle import CLAIMED, FAILED, RETRYING, SENDING, settle
from server.reminders.tables import DispatcherHeartbeat, Reminder, ReminderSettings
from server.reminders.window import Group, Window

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
BATCH_SIZE = 1000
CONCURRENCY = 256
# RFC 8030 §5.4: a newer push with the same topic replaces an undelivered one. Every
# send of a reminder (a retry, a take-over after a crash) carries it, so a push
# service still holding the earlier copy keeps only one.
TOPIC = "daily-reminder"


@dataclass
class Batch:
    """A batch of due people, leased: the reminders they need and their next looks."""

    claims: list[Claimed]
    next_at: dict[int, datetime | None]
    lease: datetime


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
    email: EmailChannel | None = None  # the second channel, when SMTP_URL is set

    def __post_init__(self) -> None:
        self.window = Window(self.concurrency)
        # Claims go in chunks of a quarter of the window, so the next chunk is
        # claimed while the rest of the window is still being pushed.
        self.chunk = max(1, self.concurrency // 4)
        self._starting: Group[int, bool] = Group(self._mark_sending)
        self._settling: Group[tuple[Claimed, list[Outcome], str], None] = Group(
            self._store_outcomes
        )

    async def once(self) -> int:
        """One pass over everything due now; returns how many reminders it pushed."""
        now = clock.now()
        handled = await self.take_over_abandoned(now)
        handled += await self.retry_due(now)
        handled += await self.send_due(now)
        handled += await look_back.send_due(self.sender, self.name, self.holds, now, now - LEASE)
        handled += await last_call.send_due(self.sender, self.name, self.holds, now, now - LEASE)
        await beat(self.name)
        return handled

    # ------------------------------------------------------------ today's reminders

    async def send_due(self, now: datetime) -> int:
        """Every person whose reminder time has come, streamed in batches."""
        handled, after = 0, 0
        pushing: list[asyncio.Task[bool]] = []
        # While reminders are in flight, the next are read and claimed: the database
        # and the push services are waited on at the same time, the window full.
        while not self.stopping.is_set():
            rows = await self.due_people(now, after)
            if not rows:
                break
            after = rows[-1]["id"]
            batch = await self.prepare(rows, now)
            log.info(
                "reminder batch: %d due, %d to send",
                len(rows),
                len(batch.claims),
                extra={"event": "reminder_batch", "due": len(rows), "to_send": len(batch.claims)},
            )
            for start in range(0, len(batch.claims), self.chunk):
                claimed = await self.claim(batch.claims[start : start + self.chunk])
                pushing += await self.start(claimed)
            await reschedule(batch.next_at, batch.lease)
            handled += sum(task.result() for task in pushing if task.done())
            pushing = [task for task in pushing if not task.done()]
        return handled + sum(await asyncio.gather(*pushing))

    async def due_people(self, now: datetime, after: int = 0) -> list[dict[str, Any]]:
        """The next batch of reminder settings whose next look has come, by id."""
        return await (
            ReminderSettings.select(
                ReminderSettings.id,
                *SCHEDULE_COLUMNS,
                *REACH_COLUMNS,
                ReminderSettings.lock_screen_names,
            )
            .where((ReminderSettings.next_due_at <= now) & (ReminderSettings.id > after))
            .order_by(ReminderSettings.id)
            .limit(self.batch_size)
        )

    async def prepare(self, rows: list[dict[str, Any]], now: datetime) -> Batch:
        """Lease a batch of due people and work out their reminders (not claimed yet)."""
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
        for row, (day, later) in zip(rows, plans(rows, now), strict=True):
            next_at[row["id"]] = later
            if day is not None:
                today[row["person"]] = (day, row["person.time_zone"] or "UTC")
        with_devices = await people_with_devices([row["person"] for row in rows])
        for row in rows:
            by_push = row["person"] in with_devices and wants_push(row["channel"])
            by_email = self.email is not None and wants_email(
                row["channel"], row["email_confirmed_at"]
            )
            if not by_push and not by_email:
                today.pop(row["person"], None)
                next_at[row["id"]] = None  # no way to reach them until a device or address
        named = frozenset(row["person"] for row in rows if row["lock_screen_names"])
        dues = await due_for({p: tz for p, (_, tz) in today.items()}, now, named)
        claims = make_claims(today, dues, named)
        # How each goes out, from the rows just read: no query per chunk for it.
        reach = {row["person"]: row for row in rows}
        for c in claims:
            c.reach = reach_from(reach[c.person], self.email is not None)
        return Batch(claims, next_at, lease)

    async def claim(self, claims: list[Claimed]) -> list[Claimed]:
        """Claim reminders, each with a slot of the window; only our own claims come back.

        A dispatcher that dies after its claims and before `reschedule` leaves its
        people due: the next look finds the claims there and does not double up.
        """
        await self.window.take(len(claims))
        claimed = await insert_claims(claims, self.name, clock.now())
        self.window.give_back(len(claims) - len(claimed))
        metrics.CLAIMS.labels("won").inc(len(claimed))
        metrics.CLAIMS.labels("lost").inc(len(claims) - len(claimed))
        return claimed

    # ------------------------------------------------------------ pushing

    async def send(self, claimed: list[Claimed]) -> int:
        """Push claimed reminders and wait for them; returns how many were pushed."""
        return sum(await asyncio.gather(*await self.start(claimed)))

    async def start(self, claimed: list[Claimed]) -> list[asyncio.Task[bool]]:
        """A task per claimed reminder (each holding its slot): mark, push, store."""
        if not claimed:
            return []
        devices = await devices_of([c.person for c in claimed])
        unknown = [c.person for c in claimed if c.reach is None]  # retries, take-overs
        reach = await reach_of(unknown, self.email is not None) if unknown else {}
        resumed = [c.id for c in claimed if c.resumed or c.attempts]
        delivered_before = await delivered_devices(resumed) if resumed else {}
        now = clock.now()
        tasks = []
        for c in claimed:
            reached = delivered_before.get(c.id, set())
            c.reached_before = bool(reached)
            way = c.reach or reach.get(c.person, Reach(push=True))
            rows = [row for row in devices.get(c.person, []) if row["id"] not in reached]
            rows = rows if way.push else []
            # An email already delivered (an attempt with no device) is not sent again.
            by_email = way if way.email and None not in reached else None
            ttl = max(1, int((c.expires_at - now).total_seconds()))
            tasks.append(asyncio.create_task(self._push(c, rows, ttl, by_email)))
        return tasks

    async def _push(
        self, c: Claimed, rows: list[dict[str, Any]], ttl: int, by_email: Reach | None = None
    ) -> bool:
        try:
            if not await self._starting.add(c.id):
                return False  # another dispatcher took it over meanwhile
            sends = [
                push_one(self.sender, c.person, row, c.payload, ttl, TOPIC, self.holds)
                for row in rows
            ]
            if by_email is not None and self.email is not None:
                sends.append(self.email.send(c, by_email))
            # Most people have one device: no gather (and its tasks) for them.
            outcomes = [await sends[0]] if len(sends) == 1 else await asyncio.gather(*sends)
            await self._settling.add((c, outcomes, by_email.email if by_email else ""))
            return True
        finally:
            self.window.give_back()

    async def _mark_sending(self, ids: list[int]) -> list[bool]:
        """Mark reminders `sending` as their pushes start; False for one no longer ours."""
        rows = await (
            Reminder.update({Reminder.status: SENDING, Reminder.claimed_at: clock.now()})
            .where(
                bulk.id_in(Reminder.id, ids)
                & (Reminder.claimed_by == self.name)
                & (Reminder.status == CLAIMED)
            )
            .returning(Reminder.id)
        )
        ours = {row["id"] for row in rows}
        return [i in ours for i in ids]

    async def _store_outcomes(self, done: list[tuple[Claimed, list[Outcome], str]]) -> list[None]:
        """Every attempt, then each reminder's status: what the push services said."""
        outcomes = [o for _, found, _ in done for o in found]
        claimed = [c for c, _, _ in done]
        await record(outcomes, "daily", {c.person: c.id for c in claimed})
        await settle(claimed, outcomes, clock.now())
        await turn_off_refused(outcomes, {c.person: address for c, _, address in done if address})
        return [None] * len(done)

    # ------------------------------------------------------------ retries and the dead

    async def retry_due(self, now: datetime) -> int:
        """Send again what a push service could not take earlier today."""
        await Reminder.update({Reminder.status: FAILED, Reminder.next_attempt_at: None}).where(
            (Reminder.status == RETRYING) & (Reminder.expires_at <= now)
        )
        return await self._resume(
            lambda: (Reminder.status == RETRYING) & (Reminder.next_attempt_at <= now), now
        )

    async def take_over_abandoned(self, now: datetime) -> int:
        """Send what a dead dispatcher held: claimed, or sending when it died."""
        cutoff = now - LEASE
        return await self._resume(
            lambda: Reminder.status.is_in([CLAIMED, SENDING]) & (Reminder.claimed_at < cutoff),
            now,
        )

    async def _resume(self, where: Callable[[], Any], now: datetime) -> int:
        """Claim existing reminders matching `where`, a chunk at a time, and push them."""
        pushing: list[asyncio.Task[bool]] = []
        while not self.stopping.is_set():
            ids = (
                await Reminder.select(Reminder.id)
                .where(where())
                .limit(self.chunk)
                .output(as_list=True)
            )
            if not ids:
                break
            await self.window.take(len(ids))
            rows = (
                await Reminder.update(
                    {
                        Reminder.status: CLAIMED,
                        Reminder.claimed_by: self.name,
                        Reminder.claimed_at: clock.now(),
                    }
                )
                .where(bulk.id_in(Reminder.id, ids) & where())
                .returning(*CLAIM_COLUMNS)
            )
            claimed = await quiet_filtered([from_row(r) for r in rows], now)
            self.window.give_back(len(ids) - len(claimed))
            if claimed:
                log.info("sending %d reminders again or late (retries, take-overs)", len(claimed))
            pushing += await self.start(claimed)
        return sum(await asyncio.gather(*pushing))


async def run_loop(dispatcher: Dispatcher, interval: float = 15.0) -> None:
    """Pass after pass until `dispatcher.stopping` is set; a pass that found work loops
    at once. An idle dispatcher sleeps until the next reminder falls due, and looks
    again after `interval` at most (a changed setting, a retry, a look back)."""
    while not dispatcher.stopping.is_set():
        try:
            found = await dispatcher.once()
            pause = 0.0 if found else await next_due_in(interval)
        except Exception:
            log.exception("reminder dispatch pass failed; trying again in %.0f s", interval)
            pause = interval
        if pause > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(dispatcher.stopping.wait(), timeout=pause)


async def next_due_in(interval: float) -> float:
    """Seconds until the next daily reminder falls due, `interval` at most: a morning
    that everyone set for 08:30 starts at 08:30, not up to `interval` later."""
    row = await (
        ReminderSettings.select(ReminderSettings.next_due_at)
        .where(ReminderSettings.next_due_at.is_not_null())
        .order_by(ReminderSettings.next_due_at)
        .first()
    )
    if row is None:
        return interval
    due = (row["next_due_at"] - clock.now()).total_seconds()
    return min(interval, max(due, 0.25))  # never a busy loop on what another holds


async def beat(name: str) -> None:
    """Say this dispatcher finished a pass (`/ready` wants one within two minutes)."""
    now = clock.now()
    await DispatcherHeartbeat.insert(DispatcherHeartbeat(name=name, beat_at=now)).on_conflict(
        target=DispatcherHeartbeat.name,
        action="DO UPDATE",
        values=[DispatcherHeartbeat.beat_at],
    )
    # Each process has a name of its own: forget the ones that stopped a day ago.
    await DispatcherHeartbeat.delete().where(DispatcherHeartbeat.beat_at < now - timedelta(days=1))
