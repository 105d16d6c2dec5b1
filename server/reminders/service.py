"""Reminder settings and devices: what the pages and the API call.

(Over 400 lines: settings, devices and the test notification share their checks.)
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from piccolo.columns import Column

from server import clock, formats
from server import domain as d
from server.errors import Conflict, InvalidInput, NotFound
from server.reminders import schedule as s
from server.reminders.claims import devices_of, schedule_of
from server.reminders.delivery import DELIVERED, GONE, Holds, push_all, record
from server.reminders.email.channel import wants_email
from server.reminders.message import trial_payload
from server.reminders.push import Sender, endpoint_error, key_error
from server.reminders.tables import PushAttempt, PushSubscription, Reminder, ReminderSettings
from server.tables import User

DEFAULT_TIME = "08:30"
TEST_TTL_S = 600  # a test nobody sees within ten minutes has answered the question


@dataclass(frozen=True)
class DeviceView:
    id: int
    device: str
    endpoint: str
    created_at: datetime
    last_delivered_at: datetime | None


@dataclass(frozen=True)
class LastReminder:
    local_day: date
    status: str
    body: str
    sent_at: datetime | None
    error: str


@dataclass(frozen=True)
class Overview:
    schedule: s.Schedule
    devices: list[DeviceView]
    last: LastReminder | None
    last_test: list[dict[str, Any]]
    next_at: datetime | None
    time_zone: str

    @property
    def summary(self) -> str:
        return s.describe(self.schedule)

    def local(self, moment: datetime | None) -> datetime | None:
        return None if moment is None else s.local_now(moment, self.time_zone)


# ---------------------------------------------------------------- reading


async def _settings_row(person_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await ReminderSettings.select().where(ReminderSettings.person == person_id).first()
    )
    return row


def _default_row() -> dict[str, Any]:
    return {
        "local_time": DEFAULT_TIME,
        "weekdays": "0,1,2,3,4,5,6",
        "quiet_start": "",
        "quiet_end": "",
        "paused_until": None,
        "next_due_at": None,
    }


async def overview(user: User) -> Overview:
    """Everything the settings page shows: schedule, devices, the last reminder."""
    row = await _settings_row(user.id) or _default_row()
    devices = await (
        PushSubscription.select(
            PushSubscription.id,
            PushSubscription.device,
            PushSubscription.endpoint,
            PushSubscription.created_at,
            PushSubscription.last_delivered_at,
        )
        .where(PushSubscription.person == user.id)
        .order_by(PushSubscription.id)
    )
    last = (
        await Reminder.select(
            Reminder.local_day, Reminder.status, Reminder.body, Reminder.sent_at, Reminder.error
        )
        .where(Reminder.person == user.id)
        .order_by(Reminder.local_day, ascending=False)
        .first()
    )
    tests = await (
        PushAttempt.select(
            PushAttempt.at, PushAttempt.device, PushAttempt.outcome, PushAttempt.detail
        )
        .where((PushAttempt.person == user.id) & (PushAttempt.kind == "test"))
        .order_by(PushAttempt.id, ascending=False)
        .limit(10)
    )
    newest = [t for t in tests if tests and t["at"] == tests[0]["at"]]
    return Overview(
        schedule=schedule_of(row),
        devices=[DeviceView(**r) for r in devices],
        last=LastReminder(**last) if last else None,
        last_test=newest,
        next_at=row["next_due_at"],
        time_zone=user.time_zone,
    )


# ---------------------------------------------------------------- the schedule


def values_of(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [v for v in str(value).replace(" ", "").split(",") if v]


def check_schedule(data: Mapping[str, Any]) -> s.Schedule:
    """The schedule a form or API call asks for; InvalidInput naming each bad field."""
    errors: dict[str, str] = {}
    at = s.parse_time(str(data.get("local_time") or ""))
    if at is None:
        errors["local_time"] = "Choose a time like 08:30."
    weekdays: set[int] = set()
    for value in values_of(data.get("weekdays")):
        if value.isdigit() and 0 <= int(value) <= 6:
            weekdays.add(int(value))
        else:
            errors["weekdays"] = "Days are numbers from 0 (Monday) to 6 (Sunday)."
    if not weekdays and "weekdays" not in errors:
        errors["weekdays"] = "Pick at least one day."
    quiet: tuple[time, time] | None = None
    start_text = str(data.get("quiet_start") or "").strip()
    end_text = str(data.get("quiet_end") or "").strip()
    if start_text or end_text:
        start, end = s.parse_time(start_text), s.parse_time(end_text)
        if start is None or end is None:
            errors["quiet_start"] = "Give quiet hours a start and an end, like 21:00 and 07:00."
        elif start == end:
            errors["quiet_start"] = "Quiet hours need to start and end at different times."
        else:
            quiet = (start, end)
            if at is not None and s.in_quiet_hours(at, quiet):
                errors["local_time"] = (
                    "That time is inside your quiet hours: pick another time or change them."
                )
    if errors:
        raise InvalidInput(errors)
    assert at is not None
    return s.Schedule(at=at, weekdays=frozenset(weekdays), quiet=quiet)


async def save_schedule(user: User, schedule: s.Schedule) -> None:
    """Keep the person's schedule (a pause stays as it was) and work out the next reminder."""
    values: dict[Column | str, Any] = {
        ReminderSettings.local_time: s.format_time(schedule.at),
        ReminderSettings.weekdays: ",".join(str(x) for x in sorted(schedule.weekdays)),
        ReminderSettings.quiet_start: s.format_time(schedule.quiet[0]) if schedule.quiet else "",
        ReminderSettings.quiet_end: s.format_time(schedule.quiet[1]) if schedule.quiet else "",
    }
    await ensure_settings(user.id)
    await ReminderSettings.update({**values, ReminderSettings.updated_at: clock.now()}).where(
        ReminderSettings.person == user.id
    )
    await reschedule(user)


def check_pause(data: Mapping[str, Any], today: date) -> date:
    raw = str(data.get("until") or "").strip()
    try:
        until = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput.field("until", "Choose the last day of the pause.") from None
    if until < today:
        raise InvalidInput.field("until", "The pause has to end today or later.")
    if until > today + s.MAX_PAUSE:
        raise InvalidInput.field(
            "until", "Pause for a year at most; to stop reminders, remove your devices."
        )
    return until


async def pause(user: User, data: Mapping[str, Any]) -> date:
    until = check_pause(data, d.local_today(clock.now(), user.time_zone))
    await ensure_settings(user.id)
    await ReminderSettings.update(
        {ReminderSettings.paused_until: until, ReminderSettings.updated_at: clock.now()}
    ).where(ReminderSettings.person == user.id)
    await reschedule(user)
    return until


async def resume(user: User) -> None:
    await ensure_settings(user.id)
    await ReminderSettings.update(
        {ReminderSettings.paused_until: None, ReminderSettings.updated_at: clock.now()}
    ).where(ReminderSettings.person == user.id)
    await reschedule(user)


async def ensure_settings(person_id: int) -> None:
    """The person's reminder settings row, made with the defaults if they have none."""
    await ReminderSettings.insert(
        ReminderSettings(person=person_id, local_time=DEFAULT_TIME, updated_at=clock.now())
    ).on_conflict(target=ReminderSettings.person, action="DO NOTHING")


async def reschedule(user: User) -> datetime | None:
    """Work out when to look at this person next (never while they have no device)."""
    row = await _settings_row(user.id)
    if row is None:
        return None
    has_device = await PushSubscription.exists().where(PushSubscription.person == user.id)
    has_device = has_device or wants_email(row["channel"], row["email_confirmed_at"])
    now = clock.now()
    next_at = s.next_slot(schedule_of(row), user.time_zone, now) if has_device else None
    await ReminderSettings.update({ReminderSettings.next_due_at: next_at}).where(
        ReminderSettings.person == user.id
    )
    return next_at


# ---------------------------------------------------------------- devices


def device_name(user_agent: str) -> str:
    """'Chrome on Android' from a user agent: enough to tell a person's devices apart."""
    ua = user_agent or ""
    if "Edg/" in ua or "EdgA/" in ua:
        browser = "Edge"
    elif "SamsungBrowser" in ua:
        browser = "Samsung Internet"
    elif "Firefox/" in ua or "FxiOS" in ua:
        browser = "Firefox"
    elif "Chrome/" in ua or "Chromium/" in ua or "CriOS" in ua:
        browser = "Chrome"
    elif "Safari/" in ua:
        browser = "Safari"
    else:
        browser = "A browser"
    if "iPhone" in ua:
        system = "iPhone"
    elif "iPad" in ua:
        system = "iPad"
    elif "Android" in ua:
        system = "Android"
    elif "Windows" in ua:
        system = "Windows"
    elif "Mac OS X" in ua or "Macintosh" in ua:
        system = "Mac"
    elif "Linux" in ua or "CrOS" in ua:
        system = "Linux"
    else:
        return browser
    return f"{browser} on {system}"


@dataclass(frozen=True)
class NewDevice:
    endpoint: str
    p256dh: str
    auth: str


def check_device(data: Mapping[str, Any], *, allow_loopback: bool) -> NewDevice:
    """A subscription as `PushSubscription.toJSON()` gives it; InvalidInput if unusable."""
    keys = data.get("keys")
    keys = keys if isinstance(keys, Mapping) else {}
    endpoint = str(data.get("endpoint") or "").strip()
    p256dh = str(keys.get("p256dh") or "").strip()
    auth = str(keys.get("auth") or "").strip()
    if not endpoint:
        raise InvalidInput.field("endpoint", "The subscription has no endpoint.")
    if (problem := endpoint_error(endpoint, allow_loopback=allow_loopback)) is not None:
        raise InvalidInput.field("endpoint", problem)
    if (problem := key_error(p256dh, auth)) is not None:
        raise InvalidInput.field("keys", problem)
    return NewDevice(endpoint, p256dh, auth)


async def add_device(user: User, device: NewDevice, user_agent: str) -> int:
    """Remember this browser's subscription for `user` (a device that changed hands moves).

    Moving needs the subscription's own auth secret, which only that browser holds,
    so knowing someone's endpoint is not enough to take their reminders over.
    """
    held = (
        await PushSubscription.select(PushSubscription.person, PushSubscription.auth)
        .where(PushSubscription.endpoint == device.endpoint)
        .first()
    )
    if held and held["person"] != user.id and not hmac.compare_digest(held["auth"], device.auth):
        raise Conflict("This device already gets someone else's reminders.")
    rows = (
        await PushSubscription.insert(
            PushSubscription(
                person=user.id,
                endpoint=device.endpoint,
                p256dh=device.p256dh,
                auth=device.auth,
                device=device_name(user_agent)[:80],
                created_at=clock.now(),
            )
        )
        .on_conflict(
            target=PushSubscription.endpoint,
            action="DO UPDATE",
            values=[
                PushSubscription.person,
                PushSubscription.p256dh,
                PushSubscription.auth,
                PushSubscription.device,
                PushSubscription.created_at,
            ],
        )
        .returning(PushSubscription.id)
    )
    row = rows[0]
    await ensure_settings(user.id)
    await reschedule(user)
    return int(row["id"])


async def remove_device(user: User, device_id: int) -> None:
    """Forget one of `user`'s devices; anyone else's is NotFound."""
    removed = (
        await PushSubscription.delete()
        .where((PushSubscription.id == device_id) & (PushSubscription.person == user.id))
        .returning(PushSubscription.id)
    )
    if not removed:
        raise NotFound("Device not found.")
    await reschedule(user)


async def replace_device(data: Mapping[str, Any], *, allow_loopback: bool) -> None:
    """A browser renewed its subscription (`pushsubscriptionchange`, in the service worker).

    The worker cannot send the CSRF token, so the old subscription's endpoint and
    auth secret are the proof: only that browser and this server know the secret.
    """
    old = data.get("old")
    old = old if isinstance(old, Mapping) else {}
    old_endpoint = str(old.get("endpoint") or "")
    old_auth = str(old.get("auth") or "")
    new = check_device(data.get("new") or {}, allow_loopback=allow_loopback)
    row = (
        await PushSubscription.select(
            PushSubscription.id, PushSubscription.person, PushSubscription.auth
        )
        .where(PushSubscription.endpoint == old_endpoint)
        .first()
    )
    if row is None or not old_auth or not hmac.compare_digest(row["auth"], old_auth):
        raise NotFound("Subscription not found.")
    await PushSubscription.delete().where(
        (PushSubscription.endpoint == new.endpoint) & (PushSubscription.id != row["id"])
    )
    await PushSubscription.update(
        {
            PushSubscription.endpoint: new.endpoint,
            PushSubscription.p256dh: new.p256dh,
            PushSubscription.auth: new.auth,
        }
    ).where(PushSubscription.id == row["id"])


# ---------------------------------------------------------------- a test notification


@dataclass(frozen=True)
class TestResult:
    delivered: int
    problems: list[str]


async def send_test(user: User, sender: Sender) -> TestResult:
    """Push a test to every device of `user` now (quiet hours and pauses do not apply)."""
    rows = (await devices_of([user.id])).get(user.id, [])
    if not rows:
        raise InvalidInput.field("", "Turn reminders on on this device first.")
    jobs = [(user.id, row, trial_payload(), TEST_TTL_S, None) for row in rows]
    outcomes = await push_all(sender, jobs, Holds(), concurrency=8)
    await record(outcomes, "test", {})
    if any(o.outcome == GONE for o in outcomes):
        await reschedule(user)
    problems = [f"{o.device or 'A device'}: {o.detail}" for o in outcomes if o.outcome != DELIVERED]
    return TestResult(sum(1 for o in outcomes if o.outcome == DELIVERED), problems)


def last_reminder_line(last: LastReminder | None, time_zone: str) -> str:
    """One sentence about the latest reminder, for the settings page and the API."""
    if last is None:
        return "No reminder has gone out yet."
    day = formats.day(last.local_day)
    if last.sent_at is not None:
        at = formats.time_of_day(s.local_now(last.sent_at, time_zone))
        line = f"Your last reminder went out on {day} at {at}: “{last.body}”."
        if last.error:
            line += f" {last.error}"
        if last.status == "retrying":
            line += " Trying the other devices again."
        return line
    if last.status == "retrying":
        return f"The reminder for {day} has not gone out yet, trying again: {last.error}"
    if last.status == "interrupted":
        return f"The reminder for {day} may not have arrived: {last.error}"
    if last.status in ("claimed", "sending"):
        return f"The reminder for {day} is being sent."
    return f"The reminder for {day} did not go out: {last.error}"
