"""Home (my bridges) and bridge pages: ask, answer, archive."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server.accounts import service as accounts
from server.agreement import service as agreement
from server.agreement import sharing
from server.bounds import PathId
from server.bridges import service
from server.checkin import service as checkin
from server.errors import Conflict, InvalidInput
from server.repair import calendar as repair_calendar
from server.repair import view as repair_view
from server.repair.drawing import bridge_drawing
from server.repair.routes import FormKeys
from server.tables import User
from server.teams import service as teams
from server.web import CurrentUser, Form, Viewer, page, see_other, set_session_cookie


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
        waits=await checkin.waits_by_bridge(user),
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
async def bridge_page(
    user: CurrentUser, bridge_id: PathId, day: FromQuery[str] = "", shared: FromQuery[str] = ""
) -> Template:
    bridge, row = await service.bridge_view_and_row(user, bridge_id)
    screen = drawing = calendar = plan = share_ask = None
    if not bridge.limited and bridge.accepted_at is not None:
        chosen = repair_calendar.parse_day(day)
        screen = await repair_view.bridge_screen(user, bridge_id, row=row, page_day=chosen)
        names = {side: p.name for side, p in screen.data.people.items()}
        drawing = bridge_drawing(screen.drawing, screen.progress, screen.report, screen.me, names)
        calendar = await repair_calendar.screen_calendar(screen, user, chosen)
        # The plan's agreement and a lead's request to share (server/agreement/).
        plan = await agreement.agreement_of(screen.data, screen.me)
        share_ask = await sharing.ask_on(user, screen.data, screen.me, row.get("team.id"))
    return page(
        "bridges/bridge.html",
        viewer=user,
        bridge=bridge,
        screen=screen,
        drawing=drawing,
        calendar=calendar,
        cal_width=repair_calendar.WIDTH,
        new_key=FormKeys(),
        plan=plan,
        share_ask=share_ask,
        shared_answer=shared[:10],
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


def _invite_page(
    token: str,
    invite: service.LinkInvite,
    viewer: User | None,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return page(
        "bridges/invite.html",
        status_code,
        viewer=viewer,
        token=token,
        invite=invite,
        own=viewer is not None and invite.inviter_id == viewer.id,
        form=form or {"time_zone": "UTC"},
        errors=errors or {},
        time_zones=accounts.time_zones(),
    )


@get("/b/{token:str}", name="bridge_invite")
async def bridge_invite(viewer: Viewer, token: FromPath[str]) -> Template:
    """Who asks and their message; signed out, a way to sign up (or in) and answer here."""
    return _invite_page(token, await service.open_link(token), viewer)


@post("/b/{token:str}")
async def answer_bridge_invite(
    request: Request[Any, Any, Any], viewer: Viewer, token: FromPath[str], data: Form
) -> Template | Response[Any]:
    if viewer is not None:
        accept_it = data.get("answer") == "accept"
        bridge_id = await service.answer_link(token, viewer, accept_it)
        return see_other(f"/bridges/{bridge_id}" if accept_it else "/")
    invite = await service.open_link(token)
    try:
        user, bridge_id = await service.accept_link_as_new_person(token, data)
    except InvalidInput as error:
        return _invite_page(token, invite, None, data, error.errors, 400)
    except Conflict as error:
        return _invite_page(token, invite, None, data, {"email": str(error)}, 409)
    session = await accounts.start_session(user, replacing=request.cookies.get("bw_session"))
    secure = bool(request.app.state.settings.is_production)
    return set_session_cookie(see_other(f"/bridges/{bridge_id}"), session, secure)


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
