"""Accounts in the JSON API."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, delete, get, patch, post
from litestar.datastructures import Cookie
from litestar.params import JSONBody

from server.accounts import service
from server.accounts.schemas import PasswordIn, ProfileIn, SignInIn, SignUpIn, UserOut
from server.signin.guards import not_company_only
from server.web import (
    SESSION_COOKIE,
    CurrentUser,
    set_session_cookie,
    sign_in_client,
    signed_in,
)


def _secure(request: Request[Any, Any, Any]) -> bool:
    return bool(request.app.state.settings.is_production)


@post(
    "/accounts", status_code=201, summary="Create an account and sign in", guards=[not_company_only]
)
async def create_account(
    request: Request[Any, Any, Any], data: JSONBody[SignUpIn]
) -> Response[UserOut]:
    user = await service.create_user(service.check_sign_up(msgspec.structs.asdict(data)))
    token = await service.start_session(user, replacing=request.cookies.get("bw_session"))
    return signed_in(request, Response(UserOut.of(user), status_code=201), user, token)


@post("/session", status_code=200, summary="Sign in", guards=[not_company_only])
async def sign_in(request: Request[Any, Any, Any], data: JSONBody[SignInIn]) -> Response[UserOut]:
    user = await service.authenticate(
        data.email, data.password, sign_in_client(request), request.app.state.settings.secret_key
    )
    token = await service.start_session(user, replacing=request.cookies.get("bw_session"))
    return signed_in(request, Response(UserOut.of(user)), user, token)


@delete(
    "/session",
    status_code=204,
    summary="Sign out",
    # Clears the session cookie; a 204 has no body (Response[None] was documented as JSON).
    response_cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, httponly=True)],
)
async def sign_out(request: Request[Any, Any, Any]) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await service.end_session(token)


@get("/me", summary="The signed-in person")
async def me(user: CurrentUser) -> UserOut:
    return UserOut.of(user)


@patch("/me", summary="Change display name or time zone")
async def update_me(user: CurrentUser, data: JSONBody[ProfileIn]) -> UserOut:
    return UserOut.of(await service.update_profile(user, data.given()))


@post("/me/password", status_code=200, summary="Change password; signs out other sessions")
async def change_password(
    request: Request[Any, Any, Any], user: CurrentUser, data: JSONBody[PasswordIn]
) -> Response[UserOut]:
    token = await service.change_password(
        user, msgspec.structs.asdict(data), request.cookies.get("bw_session", "")
    )
    return set_session_cookie(Response(UserOut.of(user)), token, _secure(request))


ROUTES = [create_account, sign_in, sign_out, me, update_me, change_password]
