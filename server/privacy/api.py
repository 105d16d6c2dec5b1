"""One's own data in the JSON API: the export, and deleting the account."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response, delete, get
from litestar.params import JSONBody

from server.privacy import service
from server.web import CurrentUser, clear_session_cookie


class DeleteIn(msgspec.Struct):
    password: str


@get("/me/export", summary="Everything I wrote and did, as one JSON document")
async def export(user: CurrentUser) -> dict[str, Any]:
    return await service.export(user)


@delete("/me", status_code=204, summary="Delete my account (asks for the password)")
async def delete_me(user: CurrentUser, data: JSONBody[DeleteIn]) -> Response[None]:
    await service.delete_account(user, data.password)
    return clear_session_cookie(Response(None, status_code=204))


ROUTES = [export, delete_me]
