"""Passkeys in the JSON API; the pages' script (web/static/js/passkeys.js) calls these too.

Each ceremony is two calls: ask for options (a challenge is kept for this browser),
then send what the authenticator answered.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, delete, get, post
from litestar.params import JSONBody

from server.accounts import service as accounts
from server.accounts.schemas import UserOut
from server.bounds import PathId
from server.signin import passkeys
from server.signin.browser import flow_cookie, keep_flow_cookie, relying_party, start_session
from server.signin.guards import not_company_only
from server.signin.schemas import CredentialIn, NewPasskeyIn, PasskeyOut, PasskeySignUpIn
from server.web import CurrentUser, sign_in_client


def _secret(request: Request[Any, Any, Any]) -> str:
    return str(request.app.state.settings.secret_key)


@post("/passkeys/options", status_code=200, summary="Start adding a passkey")
async def add_options(request: Request[Any, Any, Any], user: CurrentUser) -> Response[Any]:
    options = await passkeys.registration_options(
        relying_party(request), flow_cookie(request), _secret(request), user=user
    )
    return keep_flow_cookie(request, Response(options))


@post("/passkeys", status_code=201, summary="Save the passkey just made on this device")
async def add(
    request: Request[Any, Any, Any], user: CurrentUser, data: JSONBody[NewPasskeyIn]
) -> PasskeyOut:
    passkey = await passkeys.add(
        relying_party(request), user, flow_cookie(request), data.name, data.credential
    )
    return PasskeyOut.of(passkey)


@get("/passkeys", summary="My passkeys")
async def listed(user: CurrentUser) -> list[PasskeyOut]:
    return [PasskeyOut.of(p) for p in await passkeys.of(user)]


@delete("/passkeys/{passkey_id:int}", status_code=204, summary="Remove a passkey")
async def remove(user: CurrentUser, passkey_id: PathId) -> None:
    await passkeys.remove(user, passkey_id)


@post(
    "/session/passkey/options",
    status_code=200,
    summary="Start signing in with a passkey",
    guards=[not_company_only],
)
async def sign_in_options(request: Request[Any, Any, Any]) -> Response[Any]:
    options = await passkeys.authentication_options(relying_party(request), flow_cookie(request))
    return keep_flow_cookie(request, Response(options))


@post(
    "/session/passkey", status_code=200, summary="Sign in with a passkey", guards=[not_company_only]
)
async def sign_in(
    request: Request[Any, Any, Any], data: JSONBody[CredentialIn]
) -> Response[UserOut]:
    user = await passkeys.authenticate(
        relying_party(request),
        flow_cookie(request),
        data.credential,
        sign_in_client(request),
        _secret(request),
    )
    return await start_session(request, Response(UserOut.of(user)), user)


@post(
    "/accounts/passkey/options",
    status_code=200,
    summary="Start creating an account with a passkey",
    guards=[not_company_only],
)
async def sign_up_options(
    request: Request[Any, Any, Any], data: JSONBody[PasskeySignUpIn]
) -> Response[Any]:
    form = accounts.check_sign_up(msgspec.structs.asdict(data), with_password=False)
    options = await passkeys.registration_options(
        relying_party(request), flow_cookie(request), _secret(request), sign_up=form
    )
    return keep_flow_cookie(request, Response(options))


@post(
    "/accounts/passkey",
    status_code=201,
    summary="Create the account with its passkey",
    guards=[not_company_only],
)
async def sign_up(
    request: Request[Any, Any, Any], data: JSONBody[NewPasskeyIn]
) -> Response[UserOut]:
    user = await passkeys.sign_up(
        relying_party(request), flow_cookie(request), data.name, data.credential
    )
    return await start_session(request, Response(UserOut.of(user), status_code=201), user)


ROUTES = [add_options, add, listed, remove, sign_in_options, sign_in, sign_up_options, sign_up]
