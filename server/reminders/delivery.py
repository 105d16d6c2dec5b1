"""Pushing one message to a person's devices, and recording what each push service said."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from server import clock
from server.observe import metrics
from server.reminders import bulk
from server.reminders.push import Device, PushError, Sender
from server.reminders.tables import PushAttempt, PushSubscription

DELIVERED, GONE, RETRY, REJECTED = "delivered", "gone", "retry", "rejected"


@dataclass(frozen=True, slots=True)  # slots: one is made per push; half the cost
class Outcome:
    """What one push service said about one device."""

    person: int
    device_id: int
    device: str
    outcome: str  # delivered, gone, retry, rejected
    status: int | None = None
    detail: str = ""
    retry_after: float | None = None
    host: str = ""


def device_of(row: dict[str, Any]) -> Device:
    return Device(row["endpoint"], row["p256dh"], row["auth"])


def host_of(endpoint: str) -> str:
    return endpoint.split("/", 3)[2] if endpoint.count("/") >= 2 else endpoint


class Holds:
    """Push services that answered 429: nothing more goes to them until Retry-After."""

    def __init__(self) -> None:
        self.until: dict[str, datetime] = {}

    def held(self, host: str, now: datetime) -> datetime | None:
        until = self.until.get(host)
        return until if until is not None and until > now else None

    def hold(self, host: str, seconds: float, now: datetime) -> None:
        self.until[host] = max(self.until.get(host, now), now + timedelta(seconds=seconds))


async def push_one(
    sender: Sender,
    person: int,
    row: dict[str, Any],
    payload: bytes,
    ttl: int,
    topic: str | None,
    holds: Holds,
) -> Outcome:
    """Send to one device; never raises for what a push service says."""
    host = host_of(row["endpoint"])
    now = clock.now()
    if (until := holds.held(host, now)) is not None:
        wait = (until - now).total_seconds()
        return Outcome(
            person, row["id"], row["device"], RETRY, None, "", retry_after=wait, host=host
        )
    try:
        status = await sender.send(device_of(row), payload, ttl=ttl, topic=topic)
    except PushError as error:
        if error.status == 429 and error.retry_after:
            holds.hold(host, error.retry_after, clock.now())
        kind = GONE if error.gone else REJECTED if error.permanent else RETRY
        return Outcome(
            person,
            row["id"],
            row["device"],
            kind,
            error.status,
            str(error),
            error.retry_after,
            host,
        )
    return Outcome(person, row["id"], row["device"], DELIVERED, status, host=host)


async def push_all(
    sender: Sender,
    jobs: Iterable[tuple[int, dict[str, Any], bytes, int, str | None]],
    holds: Holds,
    concurrency: int,
) -> list[Outcome]:
    """Send every (person, device row, payload, ttl, topic) with at most `concurrency` at once."""
    queue = list(jobs)
    results: list[Outcome | None] = [None] * len(queue)
    position = 0

    async def worker() -> None:
        nonlocal position
        while position < len(queue):
            index = position
            position += 1
            person, row, payload, ttl, topic = queue[index]
            results[index] = await push_one(sender, person, row, payload, ttl, topic, holds)

    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(queue)))))
    return [r for r in results if r is not None]


async def record(outcomes: list[Outcome], kind: str, reminders: dict[int, int]) -> None:
    """Keep every attempt (not the holds, which made none); forget devices that are gone.

    `reminders` maps a person to the reminder the attempt was for (none for a test).
    """
    now = clock.now()
    made = [o for o in outcomes if o.status is not None or o.outcome != RETRY or o.detail]
    await bulk.insert(
        PushAttempt,
        (
            "person",
            "reminder",
            "subscription",
            "device",
            "kind",
            "outcome",
            "status_code",
            "detail",
            "at",
        ),
        [
            (
                o.person,
                reminders.get(o.person),
                o.device_id,
                o.device,
                kind,
                o.outcome,
                o.status,
                o.detail[:300],
                now,
            )
            for o in made
        ],
    )
    delivered = [o.device_id for o in outcomes if o.outcome == DELIVERED]
    if delivered:
        await PushSubscription.update({PushSubscription.last_delivered_at: now}).where(
            bulk.id_in(PushSubscription.id, delivered)
        )
    gone = [o.device_id for o in outcomes if o.outcome == GONE]
    if gone:
        await PushSubscription.delete().where(bulk.id_in(PushSubscription.id, gone))
        metrics.SUBSCRIPTIONS_REMOVED.inc(len(gone))
