"""Home (my bridges) and bridge pages: ask, answer, archive."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server.bounds import PathId
from server.bridges import service
from server.errors import Conflict, InvalidInput
from server.repair import view as repair_view
from server.repair.drawing import bridge_drawing
from server.repair.routes import FormKeys
from server.teams import service as teams
from server.web import CurrentUser, Form, Viewer, page, see_other


@get("/", name="home")
async def home(viewer: Viewer) -> Template:
    """Your bridges and teams; signed out, what Bridgework is and how to join."""
    if viewer is None:
        return page("accounts/landing.html", viewer=None)
    user = viewer
    return page(
        "bridges/home.html",
        viewer=user,
        bridges=await service.my_bridges(user),
        teams=await teams.my_teams(user),
    )


async def _new_page(
    user: CurrentUser,
    status_code: int = 200,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    **extra: Any,
) -> Template:
    return page(
        "bridges/new.html",
        status_code,
        viewer=user,
        teammates=await teams.teammates(user),
        form=form or {},
        errors=errors or {},
        **extra,
    )


@get("/bridges/new", name="new_bridge")
async def new_bridge_form(user: CurrentUser, partner: FromQuery[int | None] = None) -> Template:
    return await _new_page(user, form={"partner": str(partner or "")})


@post("/bridges")
async def start_bridge(user: CurrentUser, data: Form) -> Template | Redirect:
    try:
        bridge_id = await service.start_bridge(user, data)
    except InvalidInput as error:
        return await _new_page(user, 400, data, error.errors)
    except Conflict as error:
        return await _new_page(user, 409, data, {"partner": str(error)})
    return see_other(f"/bridges/{bridge_id}")


@post("/bridges/link")
async def start_bridge_by_link(
    request: Request[Any, Any, Any], user: CurrentUser, data: Form
) -> Template:
    try:
        _, token = await service.start_bridge_by_link(user, data)
    except InvalidInput as error:
        return await _new_page(
            user,
            400,
            {"link_message": data.get("message", "")},
            {"link_message": error.errors.get("message", str(error))},
        )
    link = str(request.url_for("bridge_invite", token=token))
    return await _new_page(user, bridge_link=link)


@get("/bridges/{bridge_id:int}", name="bridge")
async def bridge_page(user: CurrentUser, bridge_id: PathId) -> Template:
    bridge = await service.bridge_view(user, bridge_id)
    screen = drawing = None
    if not bridge.limited and bridge.accepted_at is not None:
        screen = await repair_view.bridge_screen(user, bridge_id)
        names = {side: p.name for side, p in screen.data.people.items()}
        drawing = bridge_drawing(screen.drawing, screen.progress, screen.report, screen.me, names)
    return page(
        "bridges/bridge.html",
        viewer=user,
        bridge=bridge,
        screen=screen,
        drawing=drawing,
        new_key=FormKeys(),
    )


@post("/bridges/{bridge_id:int}/accept")
async def accept(user: CurrentUser, bridge_id: PathId) -> Redirect:
    await service.accept(user, bridge_id)
    return see_other(f"/bridges/{bridge_id}")


@post("/bridges/{bridge_id:int}/decline")
async def decline(user: CurrentUser, bridge_id: PathId) -> Redirect:
    await service.decline(user, bridge_id)
    return see_other("/")


@post("/bridges/{bridge_id:int}/archive")
async def archive(user: CurrentUser, bridge_id: PathId) -> Redirect:
    await service.archive(user, bridge_id)
    return see_other(f"/bridges/{bridge_id}")


@get("/b/{token:str}", name="bridge_invite")
async def bridge_invite(user: CurrentUser, token: FromPath[str]) -> Template:
    invite = await service.open_link(token)
    return page(
        "bridges/invite.html",
        viewer=user,
        token=token,
        invite=invite,
        own=invite.inviter_id == user.id,
    )


@post("/b/{token:str}")
async def answer_bridge_invite(user: CurrentUser, token: FromPath[str], data: Form) -> Redirect:
    accept_it = data.get("answer") == "accept"
    bridge_id = await service.answer_link(token, user, accept_it)
    return see_other(f"/bridges/{bridge_id}" if accept_it else "/")


ROUTES = [
    home,
    new_bridge_form,
    start_bridge,
    start_bridge_by_link,
    bridge_page,
    accept,
    decline,
    archive,
    bridge_invite,
    answer_bridge_invite,
]
