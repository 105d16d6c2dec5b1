"""Teams in the JSON API."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, JSONBody
from msgspec import Meta

from server.bounds import Id, PathId
from server.teams import service
from server.web import CurrentUser


class TeamIn(msgspec.Struct):
    name: Annotated[str, Meta(min_length=1, max_length=80)]


class LeadIn(msgspec.Struct):
    person: Id


class MemberOut(msgspec.Struct):
    id: int
    display_name: str
    role: str


class TeamOut(msgspec.Struct):
    id: int
    name: str
    my_role: str
    members: list[MemberOut]

    @classmethod
    def of(cls, team: service.TeamView) -> TeamOut:
        members = [MemberOut(m.id, m.display_name, m.role) for m in team.members]
        return cls(team.id, team.name, team.my_role, members)


class TeamSummaryOut(msgspec.Struct):
    id: int
    name: str
    role: str
    member_count: int


class InviteOut(msgspec.Struct):
    url: str
    token: str
    expires_in_days: int


class InviteInfoOut(msgspec.Struct):
    team_name: str
    invited_by: str


@get("/teams", summary="My teams")
async def list_teams(user: CurrentUser) -> list[TeamSummaryOut]:
    return [
        TeamSummaryOut(t.id, t.name, t.role, t.member_count) for t in await service.my_teams(user)
    ]


@post("/teams", status_code=201, summary="Create a team; you are its lead")
async def create_team(user: CurrentUser, data: JSONBody[TeamIn]) -> TeamOut:
    team_id = await service.create_team(user, msgspec.structs.asdict(data))
    return TeamOut.of(await service.team_view(user, team_id))


@get("/teams/{team_id:int}", summary="A team and its members")
async def get_team(user: CurrentUser, team_id: PathId) -> TeamOut:
    return TeamOut.of(await service.team_view(user, team_id))


@post("/teams/{team_id:int}/invites", status_code=201, summary="A single-use join link (lead)")
async def create_invite(
    request: Request[Any, Any, Any], user: CurrentUser, team_id: PathId
) -> InviteOut:
    token = await service.create_invite(user, team_id)
    return InviteOut(str(request.url_for("join", token=token)), token, service.INVITE_LIFETIME.days)


@get("/invites/{token:str}", summary="What a join link offers")
async def invite_info(token: FromPath[str]) -> InviteInfoOut:
    invite = await service.open_invite(token)
    return InviteInfoOut(invite.team_name, invite.invited_by)


@post("/invites/{token:str}/accept", status_code=200, summary="Join the team of a link")
async def accept_invite(user: CurrentUser, token: FromPath[str]) -> TeamOut:
    team_id = await service.join(token, user)
    return TeamOut.of(await service.team_view(user, team_id))


@post(
    "/teams/{team_id:int}/members/{member_id:int}/remove",
    status_code=200,
    summary="Remove a member (lead)",
)
async def remove_member(user: CurrentUser, team_id: PathId, member_id: PathId) -> TeamOut:
    await service.remove_member(user, team_id, member_id)
    return TeamOut.of(await service.team_view(user, team_id))


@post("/teams/{team_id:int}/lead", status_code=200, summary="Hand over the lead role (lead)")
async def hand_over_lead(user: CurrentUser, team_id: PathId, data: JSONBody[LeadIn]) -> TeamOut:
    await service.hand_over_lead(user, team_id, data.person)
    return TeamOut.of(await service.team_view(user, team_id))


@post("/teams/{team_id:int}/leave", status_code=204, summary="Leave a team")
async def leave_team(user: CurrentUser, team_id: PathId) -> None:
    await service.leave(user, team_id)


ROUTES = [
    list_teams,
    create_team,
    get_team,
    create_invite,
    invite_info,
    accept_invite,
    remove_member,
    hand_over_lead,
    leave_team,
]
