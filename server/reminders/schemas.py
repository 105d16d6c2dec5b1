"""Shapes of the reminders API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec


class ScheduleIn(msgspec.Struct):
    local_time: str | None = None
    weekdays: list[int] | None = None
    quiet_start: str | None = ""
    quiet_end: str | None = ""


class PauseIn(msgspec.Struct):
    until: str | None = None


class KeysIn(msgspec.Struct):
    p256dh: str | None = None
    auth: str | None = None


class DeviceIn(msgspec.Struct):
    """A browser's `PushSubscription.toJSON()`."""

    endpoint: str | None = None
    keys: KeysIn | None = None
    expirationTime: int | float | None = None  # the browser's own name for it


class OldDeviceIn(msgspec.Struct):
    endpoint: str | None = None
    auth: str | None = None


class RenewIn(msgspec.Struct):
    """`pushsubscriptionchange`: the old subscription's endpoint and auth secret, the new one."""

    old: OldDeviceIn | None = None
    new: DeviceIn | None = None


class ScheduleOut(msgspec.Struct):
    local_time: str
    weekdays: list[int]
    quiet_start: str
    quiet_end: str
    paused_until: date | None
    summary: str


class DeviceOut(msgspec.Struct):
    id: int
    device: str
    created_at: datetime
    last_delivered_at: datetime | None


class LastReminderOut(msgspec.Struct):
    local_day: date
    status: str
    text: str
    sent_at: datetime | None
    error: str


class RemindersOut(msgspec.Struct):
    schedule: ScheduleOut
    devices: list[DeviceOut]
    last_reminder: LastReminderOut | None
    last_reminder_line: str
    next_reminder_at: datetime | None
    public_key: str


class DeviceCreated(msgspec.Struct):
    id: int


class TestOut(msgspec.Struct):
    delivered: int
    problems: list[str]


class PublicKeyOut(msgspec.Struct):
    public_key: str


def as_dict(struct: Any) -> dict[str, Any]:
    """A nested Struct as plain dicts, the shape the service's checks read."""
    return msgspec.to_builtins(struct)
