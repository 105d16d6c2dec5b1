"""Email reminders' pages: the choice on the settings page, confirm and unsubscribe links."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.errors import InvalidInput
from server.reminders.email import service
from server.reminders.email.mailer import SmtpMailer
from server.web import CurrentUser, Form, page, see_other


@post("/settings/reminders/email")
async def choose(
    request: Request[Any, Any, Any], user: CurrentUser, data: Form
) -> Template | Redirect:
    from server.reminders.routes import settings_page

    settings = request.app.state.settings
    if not settings.emails:
        return see_other("/settings/reminders")
    mailer = SmtpMailer(settings.smtp_url, pool_size=1)
    try:
        channel, address = service.check_choice(data)
        sent = await service.choose(user, channel, address, settings, mailer)
    except InvalidInput as error:
        return await settings_page(request, user, errors=error.errors, status_code=400)
    finally:
        await mailer.aclose()
    return see_other(f"/settings/reminders?saved={'email-sent' if sent else 'email'}")


def _done(title: str, text: str, status_code: int = 200) -> Template:
    return page(
        "reminders/email_link.html",
        status_code=status_code,
        viewer=None,
        title=title,
        text=text,
        token="",
    )


@get("/email/confirm/{token:str}")
async def confirm(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    if await service.confirm(token[:100], request.app.state.settings):
        return _done("Address confirmed", "Your daily reminder can now come by email.")
    return _done("This link does not work", "Ask for a new one on your reminder settings.", 400)


@get("/email/unsubscribe/{token:str}")
async def unsubscribe_page(token: FromPath[str]) -> Template:
    """A page with one button: mail scanners open links, so a GET changes nothing."""
    return page(
        "reminders/email_link.html",
        viewer=None,
        title="Stop email reminders",
        text="No more reminder emails will be sent to this address.",
        token=token[:100],
    )


@post("/email/unsubscribe/{token:str}", exclude_from_csrf=True, status_code=200)
async def unsubscribe(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    """RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` here, no session."""
    if await service.unsubscribe(token[:100], request.app.state.settings):
        return _done("Unsubscribed", "No more reminder emails. Push reminders are unchanged.")
    return _done(
        "This link does not work",
        "It was already used, or changed on the way. Email reminders can be turned off "
        "on your reminder settings.",
        400,
    )


ROUTES = [choose, confirm, unsubscribe_page, unsubscribe]
