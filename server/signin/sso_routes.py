"""Single sign-on pages: off to the identity provider, back, linking, first visit, sign-out."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server.accounts import service as accounts
from server.errors import InvalidInput, Throttled
from server.settings import Settings
from server.signin import idp, oidc
from server.signin.browser import flow_cookie, keep_flow_cookie, start_session
from server.web import (
    CurrentUser,
    Form,
    Viewer,
    page,
    safe_next,
    see_other,
    sign_in_client,
)


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    if not settings.oidc_issuer:
        raise NotFoundException("Single sign-on is not set up here.")
    return settings


def _callback_uri(request: Request[Any, Any, Any]) -> str:
    return f"{request.url.scheme}://{request.url.netloc}/signin/sso/callback"


def refused(message: str, status_code: int = 400) -> Template:
    return page("signin/sso_refused.html", status_code=status_code, message=message)


@get("/signin/sso")
async def start(request: Request[Any, Any, Any], next: FromQuery[str] = "/") -> Response[Any]:
    settings = _settings(request)
    try:
        url = await oidc.start(
            settings, _callback_uri(request), flow_cookie(request), safe_next(next)
        )
    except idp.SsoRefused as error:
        return refused(str(error), 502)
    return keep_flow_cookie(request, see_other(url))


@get("/signin/sso/callback")
async def callback(request: Request[Any, Any, Any], viewer: Viewer) -> Response[Any]:
    settings = _settings(request)
    params = {k: str(v)[:2000] for k, v in request.query_params.items()}
    try:
        outcome, next_path = await oidc.finish(
            settings, _callback_uri(request), flow_cookie(request), params, viewer
        )
    except idp.SsoRefused as error:
        return refused(str(error))
    if isinstance(outcome, oidc.NeedsLink):
        return link_page(outcome.token, outcome.email, next_path)
    user = outcome.user
    target = f"/welcome?next={quote(next_path)}" if outcome.created else safe_next(next_path)
    return await start_session(request, see_other(target), user)


def link_page(token: str, email: str, next_path: str, error: str = "", status: int = 200) -> Any:
    return page(
        "signin/sso_link.html",
        status_code=status,
        token=token,
        email=email,
        next=safe_next(next_path),
        error=error,
    )


@post("/signin/sso/link")
async def link(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    _settings(request)
    browser = flow_cookie(request)
    next_path = safe_next(data.get("next"))
    pending = await oidc.link_pending(str(data.get("token", ""))[:200], browser)
    if pending is None:
        return refused(
            "This link request was made in another browser, took longer than five minutes, "
            "or was already used. " + idp.START_AGAIN
        )
    person, identity = pending
    email = str(identity["email"])
    try:
        user = await accounts.authenticate(
            email,
            data.get("password"),
            sign_in_client(request),
            request.app.state.settings.secret_key,
        )
    except (InvalidInput, Throttled) as error:
        token = oidc.new_link_token()
        await oidc.keep_pending(token, browser, person, identity)
        message = str(error) if isinstance(error, Throttled) else "That is not the password."
        return link_page(
            token, email, next_path, message, 429 if isinstance(error, Throttled) else 400
        )
    if user.id != person:
        return refused("That account is not the one your company sign-in names.", 403)
    await oidc.link(person, identity)
    return await start_session(request, see_other(next_path), user)


@get("/welcome")
async def welcome(user: CurrentUser, next: FromQuery[str] = "/") -> Template:
    return page(
        "signin/welcome.html",
        viewer=user,
        next=safe_next(next),
        form={"time_zone": user.time_zone},
        errors={},
        time_zones=accounts.time_zones(),
    )


@post("/welcome")
async def save_welcome(user: CurrentUser, data: Form) -> Template | Redirect:
    try:
        await accounts.update_profile(user, {"time_zone": data.get("time_zone")})
    except InvalidInput as error:
        return page(
            "signin/welcome.html",
            status_code=400,
            viewer=user,
            next=safe_next(data.get("next")),
            form=data,
            errors=error.errors,
            time_zones=accounts.time_zones(),
        )
    return see_other(safe_next(data.get("next")))


@get("/signed-out")
async def signed_out(request: Request[Any, Any, Any]) -> Template:
    settings: Settings = request.app.state.settings
    after = f"{request.url.scheme}://{request.url.netloc}/signin"
    return page("signin/signed_out.html", end_session=await idp.end_session_url(settings, after))


ROUTES = [start, callback, link, welcome, save_welcome, signed_out]
