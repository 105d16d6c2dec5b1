"""The reminder settings page: schedule, pause, devices, a test notification."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server import clock, formats
from server.bounds import PathId
from server.errors import InvalidInput
from server.reminders import last_call, lockscreen, look_back, service
from server.reminders import schedule as s
from server.reminders.email import service as email_service
from server.reminders.keys import public_key
from server.reminders.push import WebPush
from server.web import CurrentUser, Form, page, see_other

WEEKDAYS = list(enumerate(s.DAY_NAMES))


def sender_for(request: Request[Any, Any, Any]) -> WebPush:
    settings = request.app.state.settings
    return WebPush(settings.vapid_private_key, settings.vapid_subject)


def _form_of(ov: service.Overview) -> dict[str, Any]:
    quiet = ov.schedule.quiet
    return {
        "local_time": s.format_time(ov.schedule.at),
        "weekdays": [str(x) for x in sorted(ov.schedule.weekdays)],
        "quiet_start": s.format_time(quiet[0]) if quiet else "",
        "quiet_end": s.format_time(quiet[1]) if quiet else "",
    }


def summary(schedule: s.Schedule) -> str:
    """ "Every day at 8:30 AM": the schedule with its time as the time box shows it, in
    the reader's clock (describe() writes the 24-hour form the API returns)."""
    days = s.describe(schedule).removesuffix(s.format_time(schedule.at))
    return days + formats.time_of_day(schedule.at)


async def settings_page(
    request: Request[Any, Any, Any],
    user: Any,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    notice: str = "",
    weekly: look_back.Setting | None = None,
    weekly_saved: bool = False,
    evening: last_call.Setting | None = None,
    evening_saved: bool = False,
) -> Template:
    ov = await service.overview(user)
    shown = _form_of(ov)
    if form is not None:  # show what was sent, so a mistake is fixed rather than retyped
        shown = {**form, "weekdays": service.values_of(form.get("weekdays"))}
    email = await email_service.choice_of(user)
    return page(
        "reminders/settings.html",
        email=email,
        lock_screen=await lockscreen.shows_names(user),
        emails_on=request.app.state.settings.emails,
        status_code=status_code,
        viewer=user,
        ov=ov,
        form=shown,
        errors=errors or {},
        notice=notice,
        weekdays=WEEKDAYS,
        last_line=service.last_reminder_line(ov.last, user.time_zone),
        summary=summary(ov.schedule),
        public_key=public_key(request.app.state.settings.vapid_private_key),
        today=s.local_now(clock.now(), user.time_zone).date(),
        look_back=weekly or await look_back.setting_of(user),
        look_back_saved=weekly_saved,
        last_call=evening or await last_call.setting_of(user),
        last_call_saved=evening_saved,
    )


NOTICES = {
    "schedule": "Saved. Your reminder comes at the new time.",
    "paused": "Reminders are paused.",
    "resumed": "Reminders are back on.",
    "removed": "That device will get no more reminders.",
    "email": "Saved.",
    "lock-screen": "Saved. The next reminder shows what you chose.",
    "email-sent": "Saved. We sent a link to your address: reminders go there once you open it.",
}


@get("/settings/reminders", name="reminder_settings")
async def reminders_page(
    request: Request[Any, Any, Any],
    user: CurrentUser,
    saved: FromQuery[str] = "",
    tested: FromQuery[int] = -1,
    failed: FromQuery[int] = 0,
) -> Template:
    notice = NOTICES.get(saved, "")
    if tested >= 0:
        devices = "device" if tested == 1 else "devices"
        notice = f"Test notification sent to {tested} {devices}."
        if failed:
            notice += f" {failed} could not be reached; see below why."
    return await settings_page(
        request,
        user,
        notice=notice,
        weekly_saved=saved == "look-back",
        evening_saved=saved == "last-call",
    )


@post("/settings/reminders")
async def save_schedule(
    request: Request[Any, Any, Any], user: CurrentUser, data: Form
) -> Template | Redirect:
    try:
        await service.save_schedule(user, service.check_schedule(data))
    except InvalidInput as error:
        return await settings_page(request, user, form=data, errors=error.errors, status_code=400)
    return see_other("/settings/reminders?saved=schedule")


@post("/settings/reminders/pause")
async def pause(
    request: Request[Any, Any, Any], user: CurrentUser, data: Form
) -> Template | Redirect:
    try:
        await service.pause(user, data)
    except InvalidInput as error:
        return await settings_page(request, user, errors=error.errors, status_code=400)
    return see_other("/settings/reminders?saved=paused")


@post("/settings/reminders/resume")
async def resume(user: CurrentUser) -> Redirect:
    await service.resume(user)
    return see_other("/settings/reminders?saved=resumed")


@post("/settings/reminders/devices/{device_id:int}/remove")
async def remove_device(user: CurrentUser, device_id: PathId) -> Redirect:
    await service.remove_device(user, device_id)
    return see_other("/settings/reminders?saved=removed")


@post("/settings/reminders/test")
async def send_test(request: Request[Any, Any, Any], user: CurrentUser) -> Template | Redirect:
    sender = sender_for(request)
    try:
        result = await service.send_test(user, sender)
    except InvalidInput as error:
        return await settings_page(request, user, errors=error.errors, status_code=400)
    finally:
        await sender.aclose()
    return see_other(f"/settings/reminders?tested={result.delivered}&failed={len(result.problems)}")


@post("/settings/reminders/lock-screen")
async def lock_screen(user: CurrentUser, data: Form) -> Redirect:
    # An unticked box is not sent at all: anything but "on" means off.
    await lockscreen.choose(user, data.get("lock_screen_names") == "on")
    return see_other("/settings/reminders?saved=lock-screen#lock-screen")


@post("/settings/reminders/look-back")
async def save_look_back(
    request: Request[Any, Any, Any], user: CurrentUser, data: Form
) -> Template | Redirect:
    try:
        await look_back.save_setting(user, look_back.check_setting(data))
    except InvalidInput as error:
        shown = look_back.Setting(
            on=bool(data.get("look_back")), at=str(data.get("look_back_time"))
        )
        return await settings_page(
            request, user, errors=error.errors, status_code=400, weekly=shown
        )
    return see_other("/settings/reminders?saved=look-back")


@post("/settings/reminders/last-call")
async def save_last_call(
    request: Request[Any, Any, Any], user: CurrentUser, data: Form
) -> Template | Redirect:
    try:
        setting = last_call.check_setting(data, await last_call.daily_time_of(user))
        await last_call.save_setting(user, setting)
    except InvalidInput as error:
        shown = last_call.Setting(
            on=bool(data.get("last_call")), at=str(data.get("last_call_time") or "")
        )
        return await settings_page(
            request, user, errors=error.errors, status_code=400, evening=shown
        )
    return see_other("/settings/reminders?saved=last-call#last-call")


ROUTES = [
    reminders_page,
    save_schedule,
    pause,
    resume,
    remove_device,
    send_test,
    lock_screen,
    save_look_back,
    save_last_call,
]
