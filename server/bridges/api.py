"""Bridges in the JSON API."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, JSONBody

from server.bounds import Id, PathId
from server.bridges import service
from server.checkin import service as checkin
from server.web import CurrentUser


class BridgeIn(msgspec.Struct):
    partner: Id
    message: str | None = ""


class LinkIn(msgspec.Struct):
    message: str | None = ""


class AnswerIn(msgspec.Struct):
    accept: bool


class BridgeOut(msgspec.Struct, omit_defaults=True):
    """A bridge as the caller may see it; an unanswered invitation shows only
    who asked and their message (`limited`)."""

    id: int
    status: str
    my_side: str
    partner_name: str
    message: str
    limited: bool
    team_name: str | None = None
    span: int | None = None
    created_at: datetime | None = None
    accepted_at: datetime | None = None
    archived_at: datetime | None = None

    @classmethod
    def of(cls, b: service.BridgeView) -> BridgeOut:
        if b.limited:
            return cls(b.id, b.status, b.my_side, b.partner_name, b.message, True)
        return cls(
            b.id,
            b.status,
            b.my_side,
            b.partner_name,
            b.message,
            False,
            b.team_name,
            b.span,
            b.created_at,
            b.accepted_at,
            b.archived_at,
        )


class WaitsOut(msgspec.Struct):
    """What waits for me on a bridge being built, as home and Today count it."""

    due_today: int
    from_yesterday: int
    to_confirm: int


class BridgeSummaryOut(msgspec.Struct):
    id: int
    partner_name: str
    status: str
    incoming: bool
    team_name: str | None
    span: int
    waits: WaitsOut | None = None  # only on a bridge being built


class LinkOut(msgspec.Struct):
    bridge_id: int
    url: str
    token: str


class LinkInfoOut(msgspec.Struct):
    inviter_name: str
    message: str


@get("/bridges", summary="My bridges")
async def list_bridges(user: CurrentUser) -> list[BridgeSummaryOut]:
    waits = await checkin.waits_by_bridge(user)
    return [
        BridgeSummaryOut(
            b.id,
            b.partner_name,
            b.status,
            b.incoming,
            b.team_name,
            b.span,
            None if b.id not in waits else WaitsOut(**dataclasses.asdict(waits[b.id])),
        )
        for b in await service.my_bridges(user)
    ]


@post("/bridges", status_code=201, summary="Ask a teammate to build a bridge")
async def start_bridge(user: CurrentUser, data: JSONBody[BridgeIn]) -> BridgeOut:
    bridge_id = await service.start_bridge(user, msgspec.structs.asdict(data))
    return BridgeOut.of(await service.bridge_view(user, bridge_id))


@post("/bridges/link", status_code=201, summary="A single-use link inviting anyone to a bridge")
async def start_bridge_by_link(
    request: Request[Any, Any, Any], user: CurrentUser, data: JSONBody[LinkIn]
) -> LinkOut:
    bridge_id, token = await service.start_bridge_by_link(user, msgspec.structs.asdict(data))
    return LinkOut(bridge_id, str(request.url_for("bridge_invite", token=token)), token)


@get("/bridge-invites/{token:str}", summary="Who sent a bridge link and their message")
async def link_info(user: CurrentUser, token: FromPath[str]) -> LinkInfoOut:
    invite = await service.open_link(token)
    return LinkInfoOut(invite.inviter_name, invite.message)


@post("/bridge-invites/{token:str}", status_code=200, summary="Accept or decline a bridge link")
async def answer_link(
    user: CurrentUser, token: FromPath[str], data: JSONBody[AnswerIn]
) -> BridgeOut:
    bridge_id = await service.answer_link(token, user, data.accept)
    return BridgeOut.of(await service.bridge_view(user, bridge_id))


@get("/bridges/{bridge_id:int}", summary="One bridge")
async def get_bridge(user: CurrentUser, bridge_id: PathId) -> BridgeOut:
    return BridgeOut.of(await service.bridge_view(user, bridge_id))


@post("/bridges/{bridge_id:int}/accept", status_code=200, summary="Accept an invitation")
async def accept(user: CurrentUser, bridge_id: PathId) -> BridgeOut:
    await service.accept(user, bridge_id)
    return BridgeOut.of(await service.bridge_view(user, bridge_id))


@post("/bridges/{bridge_id:int}/decline", status_code=200, summary="Decline an invitation")
async def decline(user: CurrentUser, bridge_id: PathId) -> BridgeOut:
    await service.decline(user, bridge_id)
    return BridgeOut.of(await service.bridge_view(user, bridge_id))


@post("/bridges/{bridge_id:int}/archive", status_code=200, summary="Archive a bridge")
async def archive(user: CurrentUser, bridge_id: PathId) -> BridgeOut:
    await service.archive(user, bridge_id)
    return BridgeOut.of(await service.bridge_view(user, bridge_id))


ROUTES = [
    list_bridges,
    start_bridge,
    start_bridge_by_link,
    link_info,
    answer_link,
    get_bridge,
    accept,
    decline,
    archive,
]
