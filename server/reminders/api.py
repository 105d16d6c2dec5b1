"""Reminders in the JSON API: what `web/static/js/reminders.js` and `web/sw.js` call."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, delete, get, post, put
from litestar.params import JSONBody

from server.bounds import PathId
from server.reminders import schedule as s
from server.reminders import service
from server.reminders.keys import public_key
from server.reminders.routes import sender_for
from server.reminders.schemas import (
    DeviceCreated,
    DeviceIn,
    DeviceOut,
    LastReminderOut,
    PauseIn,
    PublicKeyOut,
    RemindersOut,
    RenewIn,
    ScheduleIn,
    ScheduleOut,
    TestOut,
    as_dict,
)
from server.web import CurrentUser


def _allow_loopback(request: Request[Any, Any, Any]) -> bool:
    return not request.app.state.settings.is_production


async def _out(request: Request[Any, Any, Any], user: Any) -> RemindersOut:
    ov = await service.overview(user)
    quiet = ov.schedule.quiet
    return RemindersOut(
        schedule=ScheduleOut(
            local_time=s.format_time(ov.schedule.at),
            weekdays=sorted(ov.schedule.weekdays),
            quiet_start=s.format_time(quiet[0]) if quiet else "",
            quiet_end=s.format_time(quiet[1]) if quiet else "",
            paused_until=ov.schedule.paused_until,
            summary=ov.summary,
        ),
        devices=[DeviceOut(d.id, d.device, d.created_at, d.last_delivered_at) for d in ov.devices],
        last_reminder=(
            LastReminderOut(
                ov.last.local_day, ov.last.status, ov.last.body, ov.last.sent_at, ov.last.error
            )
            if ov.last
            else None
        ),
        last_reminder_line=service.last_reminder_line(ov.last, user.time_zone),
        next_reminder_at=ov.next_at,
        public_key=public_key(request.app.state.settings.vapid_private_key),
    )


@get("/reminders", summary="My reminder schedule, devices and last reminder")
async def reminders(request: Request[Any, Any, Any], user: CurrentUser) -> RemindersOut:
    return await _out(request, user)


@put("/reminders", summary="Choose the reminder time, days and quiet hours")
async def save_schedule(
    request: Request[Any, Any, Any], user: CurrentUser, data: JSONBody[ScheduleIn]
) -> RemindersOut:
    await service.save_schedule(user, service.check_schedule(as_dict(data)))
    return await _out(request, user)


@post("/reminders/pause", status_code=200, summary="Pause reminders until a date")
async def pause(
    request: Request[Any, Any, Any], user: CurrentUser, data: JSONBody[PauseIn]
) -> RemindersOut:
    await service.pause(user, as_dict(data))
    return await _out(request, user)


@post("/reminders/resume", status_code=200, summary="Resume paused reminders")
async def resume(request: Request[Any, Any, Any], user: CurrentUser) -> RemindersOut:
    await service.resume(user)
    return await _out(request, user)


@post("/reminders/devices", status_code=201, summary="Turn reminders on for this device")
async def add_device(
    request: Request[Any, Any, Any], user: CurrentUser, data: JSONBody[DeviceIn]
) -> DeviceCreated:
    device = service.check_device(as_dict(data), allow_loopback=_allow_loopback(request))
    user_agent = request.headers.get("user-agent", "")
    return DeviceCreated(await service.add_device(user, device, user_agent))


@delete("/reminders/devices/{device_id:int}", status_code=204, summary="Remove a device")
async def remove_device(user: CurrentUser, device_id: PathId) -> None:
    await service.remove_device(user, device_id)


@post("/reminders/test", status_code=200, summary="Send me a test notification")
async def send_test(request: Request[Any, Any, Any], user: CurrentUser) -> TestOut:
    sender = sender_for(request)
    try:
        result = await service.send_test(user, sender)
    finally:
        await sender.aclose()
    return TestOut(result.delivered, result.problems)


@get("/reminders/public-key", summary="The VAPID key for pushManager.subscribe()")
async def vapid_public_key(request: Request[Any, Any, Any]) -> PublicKeyOut:
    return PublicKeyOut(public_key(request.app.state.settings.vapid_private_key))


# The service worker cannot read the CSRF cookie; the old subscription's auth secret,
# known only to that browser and to us, is what authorises the change instead.
@post(
    "/reminders/devices/renew",
    status_code=204,
    summary="A browser renewed its push subscription",
    opt={"exclude_from_csrf": True},
)
async def renew_device(request: Request[Any, Any, Any], data: JSONBody[RenewIn]) -> Response[None]:
    await service.replace_device(as_dict(data), allow_loopback=_allow_loopback(request))
    return Response(None, status_code=204)


ROUTES = [
    reminders,
    save_schedule,
    pause,
    resume,
    add_device,
    remove_device,
    send_test,
    vapid_public_key,
    renew_device,
]
