"""Pages for one's own data: download everything as JSON, delete the account."""

from __future__ import annotations

import json
from typing import Any

from litestar import Response, get, post
from litestar.response import Template

from server import clock
from server.errors import Conflict, InvalidInput
from server.privacy import service
from server.web import CurrentUser, Form, clear_session_cookie, page


def export_response(content: dict[str, Any]) -> Response[bytes]:
    """The export as a file download."""
    filename = f"bridgework-export-{clock.now().date().isoformat()}.json"
    return Response(
        json.dumps(content, ensure_ascii=False, indent=2).encode(),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@get("/settings/export", name="export")
async def export(user: CurrentUser) -> Response[bytes]:
    return export_response(await service.export(user))


async def _delete_page(
    user: CurrentUser, status_code: int = 200, errors: dict[str, str] | None = None
) -> Template:
    return page(
        "privacy/delete.html",
        status_code,
        viewer=user,
        blockers=await service.lead_blockers(user),
        errors=errors or {},
    )


@get("/settings/delete", name="delete_account")
async def delete_form(user: CurrentUser) -> Template:
    return await _delete_page(user)


@post("/settings/delete")
async def delete_account(user: CurrentUser, data: Form) -> Template | Response[Any]:
    try:
        await service.delete_account(user, data.get("password"))
    except InvalidInput as error:
        return await _delete_page(user, 400, error.errors)
    except Conflict as error:
        return await _delete_page(user, 409, {"": str(error)})
    return clear_session_cookie(page("privacy/deleted.html", viewer=None))


ROUTES = [export, delete_form, delete_account]
