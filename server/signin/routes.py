"""Pages: the ways a person signs in (Settings), and removing a passkey without script."""

from __future__ import annotations

from litestar import get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server.bounds import PathId
from server.errors import Conflict, NotFound
from server.signin import passkeys
from server.signin.tables import OidcIdentity
from server.web import CurrentUser, page, see_other

NOTICES = {"added": "Passkey saved.", "removed": "Passkey removed."}


async def methods_page(
    user: CurrentUser, notice: str = "", error: str = "", status_code: int = 200
) -> Template:
    identities = await OidcIdentity.objects().where(OidcIdentity.person == user.id)
    return page(
        "signin/methods.html",
        status_code=status_code,
        viewer=user,
        passkeys=await passkeys.of(user),
        identities=identities,
        has_password=bool(user.password_hash),
        notice=NOTICES.get(notice, ""),
        error=error,
    )


@get("/settings/sign-in", name="sign_in_methods")
async def methods(user: CurrentUser, saved: FromQuery[str] = "") -> Template:
    return await methods_page(user, notice=saved)


@post("/settings/passkeys/{passkey_id:int}/remove")
async def remove_passkey(user: CurrentUser, passkey_id: PathId) -> Template | Redirect:
    try:
        await passkeys.remove(user, passkey_id)
    except Conflict as error:
        return await methods_page(user, error=str(error), status_code=409)
    except NotFound:
        return await methods_page(user, error="That passkey was already removed.", status_code=404)
    return see_other("/settings/sign-in?saved=removed")


ROUTES = [methods, remove_passkey]
