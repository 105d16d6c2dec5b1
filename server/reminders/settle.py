"""A reminder's status from what its push services said (and when to try again)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from piccolo.columns import Column

from server.observe import metrics
from server.reminders import bulk
from server.reminders.delivery import DELIVERED, RETRY, Outcome
from server.reminders.tables import Reminder

if TYPE_CHECKING:
    from server.reminders.claims import Claimed

# "interrupted" (sent by no one after a crash) is what older dispatchers left.
CLAIMED, SENDING, SENT, RETRYING, FAILED = ("claimed", "sending", "sent", "retrying", "failed")
# Temporary failures are retried with backoff until the person's day ends.
BACKOFF_S = (30, 120, 600, 1800, 3600)
MAX_ATTEMPTS = 12


def backoff(attempts: int) -> float:
    return float(BACKOFF_S[min(attempts, len(BACKOFF_S)) - 1])


async def settle(claimed: list[Claimed], outcomes: list[Outcome], now: datetime) -> None:
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
        sent_at = c.sent_at or (now if delivered or c.reached_before else None)
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
                metrics.REMINDERS.labels("retrying").inc()
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
        metrics.REMINDERS.labels("sent" if sent_at is not None else "failed").inc()
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
        metrics.REMINDERS.labels("sent").inc(len(ids))
        values: dict[Column | str, Any] = {
            Reminder.status: SENT,
            Reminder.attempts: Reminder.attempts + 1,
            Reminder.next_attempt_at: None,
            Reminder.error: "",
        }
        if first_sent:
            values[Reminder.sent_at] = now
        await Reminder.update(values).where(bulk.id_in(Reminder.id, ids))
