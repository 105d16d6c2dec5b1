"""The reminders app's tables: each person's schedule, devices, daily reminders, attempts."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from server.tables import User


class ReminderSettings(Table, tablename="reminder_settings"):
    """When a person wants their daily reminder, in their own time zone.

    `next_due_at` is that schedule worked out in UTC (the next moment the
    dispatcher should look at this person), so finding who is due is one indexed
    range query whatever the time zones; it is empty while the person has no device.
    """

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    person = ForeignKey(references=User, on_delete=OnDelete.cascade, unique=True)
    local_time = Varchar(length=5, default="08:30")  # "HH:MM" in the person's time zone
    weekdays = Varchar(length=20, default="0,1,2,3,4,5,6")  # Monday is 0
    quiet_start = Varchar(length=5, default="")  # "" when there are no quiet hours
    quiet_end = Varchar(length=5, default="")
    paused_until = Date(null=True, default=None)  # inclusive
    next_due_at = Timestamptz(null=True, default=None, index=True)
    updated_at = Timestamptz()
    # Email reminders (server/reminders/email/): "push", "email" or "both"; an
    # address gets reminders only once confirmed, and a refusal leaves a note.
    channel = Varchar(length=5, default="push")
    email = Varchar(length=254, default="")
    email_confirmed_at = Timestamptz(null=True, default=None)
    email_note = Varchar(length=300, default="")
    # "Show what's due on the lock screen": a reminder names the first open commitment
    # (truncated). Off: counts and partners' names only. Never notes or mistakes.
    lock_screen_names = Boolean(default=False)
    # The optional last call before the day ends (server/reminders/last_call.py):
    # "HH:MM" in the person's time zone, "" while it is off.
    last_call = Varchar(length=5, default="", index=True)


class PushSubscription(Table, tablename="push_subscription"):
    """One device (browser) that turned reminders on: where to push and its keys."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    person = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    endpoint = Text(unique=True)
    p256dh = Varchar(length=100)  # the browser's P-256 public key, base64url
    auth = Varchar(length=50)  # the browser's 16-byte auth secret, base64url
    device = Varchar(length=80, default="")  # "Chrome on Android", from the user agent
    created_at = Timestamptz()
    last_delivered_at = Timestamptz(null=True, default=None)


class Reminder(Table, tablename="reminder"):
    """A person's reminder for one local day. The row is the claim: at most one a day.

    Status moves claimed → sending → sent | retrying | failed, and retrying →
    claimed again; what a dead dispatcher held (claimed or sending) is claimed again
    by another once its lease runs out (see server/reminders/dispatcher.py).
    `interrupted` is only in rows older dispatchers left.
    """

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    person = ForeignKey(references=User, on_delete=OnDelete.cascade)
    local_day = Date()
    status = Varchar(length=12, default="claimed")
    title = Varchar(length=100, default="")
    body = Varchar(length=400, default="")
    url = Varchar(length=200, default="/today")
    claimed_by = Varchar(length=64, default="")
    claimed_at = Timestamptz()
    expires_at = Timestamptz()  # the end of the person's local day: TTL and retry deadline
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(null=True, default=None, index=True)
    sent_at = Timestamptz(null=True, default=None)
    error = Varchar(length=300, default="")
    # The push payload as first built (its "Kept" item and badge): a retry or a
    # take-over sends the same; "" in rows older dispatchers left.
    payload = Text(default="")

    # (person, local_day) is unique: an index made in the first migration, because
    # SQLite cannot add Piccolo's Unique constraint to a table.


class PushAttempt(Table, tablename="push_attempt"):
    """Every request made to a push service, and what it answered."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    person = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    reminder = ForeignKey(references=Reminder, on_delete=OnDelete.cascade, null=True, index=True)
    subscription = ForeignKey(
        references=PushSubscription, on_delete=OnDelete.set_null, null=True, index=True
    )
    device = Varchar(length=80, default="")
    kind = Varchar(length=8, default="daily")  # "daily", "weekly", "lastcall" or "test"
    outcome = Varchar(length=12)  # delivered, gone, retry, rejected
    status_code = Integer(null=True, default=None)
    detail = Varchar(length=300, default="")
    at = Timestamptz()


class LastCall(Table, tablename="last_call"):
    """One person's last call for one local day. The row is the claim: at most one a day.

    Status moves claimed → sent | failed, or is `nothing` from the start when nothing
    was open at the person's time; a claim whose dispatcher died is taken over once its
    lease ran out. (person, local_day) is unique: an index in the migration.
    """

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    person = ForeignKey(references=User, on_delete=OnDelete.cascade)
    local_day = Date()
    status = Varchar(length=12, default="claimed")
    body = Varchar(length=400, default="")
    claimed_by = Varchar(length=64, default="")
    claimed_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)


class DispatcherHeartbeat(Table, tablename="dispatcher_heartbeat"):
    """When each running dispatcher last finished a pass: `/ready` reads the freshest."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    name = Varchar(length=64, unique=True)  # the dispatcher's name (host:pid:random)
    beat_at = Timestamptz(index=True)
