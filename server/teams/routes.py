"""Team pages: create, view members, invite by link, join, remove, hand over the lead."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.accounts import service as accounts
from server.bounds import PathId
from server.errors import Conflict, InvalidInput
from server.teams import service
from server.web import CurrentUser, Form, Viewer, page, see_other, set_session_cookie


@get("/teams/new", name="new_team")
async def new_team_form(user: CurrentUser) -> Template:
    return page("teams/new.html", viewer=user, form={}, errors={})


@post("/teams")
async def create_team(user: CurrentUser, data: Form) -> Template | Redirect:
    try:
        team_id = await service.create_team(user, data)
    except InvalidInput as error:
        return page("teams/new.html", 400, viewer=user, form=data, errors=error.errors)
    return see_other(f"/teams/{team_id}")


async def _team_page(
    user: CurrentUser, team_id: PathId, status_code: int = 200, **extra: Any
) -> Template:
    team = await service.team_view(user, team_id)
    return page("teams/team.html", status_code, viewer=user, team=team, errors={}, **extra)


@get("/teams/{team_id:int}", name="team")
async def team_page(user: CurrentUser, team_id: PathId) -> Template:
    return await _team_page(user, team_id)


@post("/teams/{team_id:int}/invites")
async def create_invite(
    request: Request[Any, Any, Any], user: CurrentUser, team_id: PathId
) -> Template:
    token = await service.create_invite(user, team_id)
    link = str(request.url_for("join", token=token))
    return await _team_page(user, team_id, invite_link=link)


@post("/teams/{team_id:int}/members/{member_id:int}/remove")
async def remove_member(
    user: CurrentUser, team_id: PathId, member_id: PathId
) -> Template | Redirect:
    try:
        await service.remove_member(user, team_id, member_id)
    except InvalidInput as error:
        return await _team_page(user, team_id, 400, action_error=str(error))
    return see_other(f"/teams/{team_id}")


@post("/teams/{team_id:int}/lead")
async def hand_over_lead(user: CurrentUser, team_id: PathId, data: Form) -> Template | Redirect:
    try:
        await service.hand_over_lead(user, team_id, data.get("person"))
    except InvalidInput as error:
        return await _team_page(user, team_id, 400, action_error=str(error))
    return see_other(f"/teams/{team_id}")


@post("/teams/{team_id:int}/leave")
async def leave_team(user: CurrentUser, team_id: PathId) -> Template | Redirect:
    try:
        await service.leave(user, team_id)
    except InvalidInput as error:
        return await _team_page(user, team_id, 400, action_error=str(error))
    return see_other("/")


def _join_page(
    token: FromPath[str],
    invite: service.InviteView,
    viewer: Viewer,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return page(
        "teams/join.html",
        status_code,
        viewer=viewer,
        token=token,
        invite=invite,
        form=form or {"time_zone": "UTC"},
        errors=errors or {},
        time_zones=accounts.time_zones(),
    )


@get("/join/{token:str}", name="join")
async def join_page(viewer: Viewer, token: FromPath[str]) -> Template:
    return _join_page(token, await service.open_invite(token), viewer)


@post("/join/{token:str}")
async def join(
    request: Request[Any, Any, Any], viewer: Viewer, token: FromPath[str], data: Form
) -> Template | Response[Any]:
    invite = await service.open_invite(token)
    if viewer is not None:
        try:
            team_id = await service.join(token, viewer)
        except Conflict:
            team_id = invite.team_id  # already on it: take them there
        return see_other(f"/teams/{team_id}?joined=1")
    try:
        user, team_id = await service.join_as_new_person(token, data)
    except InvalidInput as error:
        return _join_page(token, invite, None, data, error.errors, 400)
    except Conflict as error:
        return _join_page(token, invite, None, data, {"email": str(error)}, 409)
    session = await accounts.start_session(user, replacing=request.cookies.get("bw_session"))
    secure = bool(request.app.state.settings.is_production)
    return set_session_cookie(see_other(f"/teams/{team_id}?joined=1"), session, secure)


ROUTES = [
    new_team_form,
    create_team,
    team_page,
    create_invite,
    remove_member,
    hand_over_lead,
    leave_team,
    join_page,
    join,
]
