"""Sign-up, sign-in, sign-out and settings pages."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server import domain as d
from server.accounts import service
from server.backups.automatic import status_for as backup_status
from server.checkin import service as checkin
from server.errors import Conflict, InvalidInput, Throttled
from server.signin.guards import not_company_only
from server.web import (
    CurrentUser,
    Form,
    Viewer,
    clear_session_cookie,
    page,
    safe_next,
    see_other,
    set_session_cookie,
    sign_in_client,
    signed_in,
)


def _secure(request: Request[Any, Any, Any]) -> bool:
    return bool(request.app.state.settings.is_production)


def signup_page(
    form: dict[str, Any], errors: dict[str, str], next_path: str, status_code: int = 200
) -> Template:
    return page(
        "accounts/signup.html",
        status_code=status_code,
        form=form,
        errors=errors,
        next=next_path,
        time_zones=service.time_zones(),
    )


@get("/signup", name="signup")
async def signup_form(viewer: Viewer, next: FromQuery[str] = "/") -> Template | Redirect:
    if viewer is not None:
        return see_other(safe_next(next))
    return signup_page({"time_zone": "UTC"}, {}, safe_next(next))


@post("/signup", guards=[not_company_only])
async def signup(request: Request[Any, Any, Any], data: Form) -> Template | Response[Any]:
    next_path = safe_next(data.get("next"))
    try:
        user = await service.create_user(service.check_sign_up(data))
    except InvalidInput as error:
        return signup_page(data, error.errors, next_path, status_code=400)
    except Conflict as error:
        return signup_page(data, {"email": str(error)}, next_path, status_code=409)
    token = await service.start_session(user, replacing=request.cookies.get("bw_session"))
    return signed_in(request, see_other(next_path), user, token)


def signin_page(
    form: dict[str, Any], errors: dict[str, str], next_path: str, status_code: int = 200
) -> Template:
    return page(
        "accounts/signin.html", status_code=status_code, form=form, errors=errors, next=next_path
    )


@get("/signin", name="signin")
async def signin_form(viewer: Viewer, next: FromQuery[str] = "/") -> Template | Redirect:
    if viewer is not None:
        return see_other(safe_next(next))
    return signin_page({}, {}, safe_next(next))


@post("/signin", guards=[not_company_only])
async def signin(request: Request[Any, Any, Any], data: Form) -> Template | Response[Any]:
    next_path = safe_next(data.get("next"))
    try:
        user = await service.authenticate(
            data.get("email"),
            data.get("password"),
            sign_in_client(request),
            request.app.state.settings.secret_key,
        )
    except InvalidInput as error:
        return signin_page({"email": data.get("email", "")}, error.errors, next_path, 400)
    except Throttled as error:
        return signin_page({"email": data.get("email", "")}, {"": str(error)}, next_path, 429)
    token = await service.start_session(user, replacing=request.cookies.get("bw_session"))
    return signed_in(request, see_other(next_path), user, token)


@post("/signout")
async def signout(request: Request[Any, Any, Any]) -> Response[Any]:
    token = request.cookies.get("bw_session")
    if token:
        await service.end_session(token)
    # With single sign-on, a page offers to sign out of the identity provider too.
    after = "/signed-out" if request.app.state.settings.oidc_issuer else "/signin"
    return clear_session_cookie(see_other(after))


def settings_page(
    user: CurrentUser,
    errors: dict[str, str] | None = None,
    saved: FromQuery[str] = "",
    form: dict[str, Any] | None = None,
    status_code: int = 200,
    backup_line: str = "",
    streak: d.Streak | None = None,
) -> Template:
    return page(
        "accounts/settings.html",
        backup_line=backup_line,
        streak=streak,
        status_code=status_code,
        viewer=user,
        errors=errors or {},
        saved=saved,
        form=form or {"display_name": user.display_name, "time_zone": user.time_zone},
        time_zones=service.time_zones(),
    )


@get("/settings", name="settings")
async def settings_view(
    request: Request[Any, Any, Any], user: CurrentUser, saved: FromQuery[str] = ""
) -> Template:
    backup_line = await backup_status(user.id, request.app.state.settings)
    streak = await checkin.streak_of(user)
    return settings_page(user, saved=saved, backup_line=backup_line, streak=streak)


@post("/settings/profile")
async def settings_profile(user: CurrentUser, data: Form) -> Template | Redirect:
    try:
        await service.update_profile(user, data)
    except InvalidInput as error:
        return settings_page(user, error.errors, form=data, status_code=400)
    return see_other("/settings?saved=profile")


@post("/settings/password")
async def settings_password(
    request: Request[Any, Any, Any], user: CurrentUser, data: Form
) -> Template | Response[Any]:
    try:
        token = await service.change_password(user, data, request.cookies.get("bw_session", ""))
    except InvalidInput as error:
        return settings_page(user, error.errors, status_code=400)
    return set_session_cookie(see_other("/settings?saved=password"), token, _secure(request))


ROUTES = [
    signup_form,
    signup,
    signin_form,
    signin,
    signout,
    settings_view,
    settings_profile,
    settings_password,
]
