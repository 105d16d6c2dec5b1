"""The agreements in the JSON API: the plan's answers, a lead's request to share.

Answering the plan takes the client's `Idempotency-Key` header, as every act does:
the same answer sent twice (an outbox replay) is recorded once.
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from litestar import get, post
from litestar.params import JSONBody

from server.agreement import commands as ac
from server.agreement import service, sharing
from server.bounds import Id, PathId
from server.repair.api import IdempotencyKey, _form
from server.web import CurrentUser


class PlanAnswerIn(msgspec.Struct):
    part: Id  # the version of the other side's part that was read
    answer: str | None = None  # "agree" or "change"
    note: str | None = ""  # what to change (required with "change")


class PlanAnswerOut(msgspec.Struct):
    answer_id: int


class SideAgreementOut(msgspec.Struct):
    side: str
    name: str
    part_id: int | None  # the side's current part, None before it is written
    my_part: str
    restored_trust: str
    answer_to_other: str  # nothing, waiting, agreed, change_asked or changed_since
    since: datetime | None  # when that answer was given (changed_since: when the part or
    # its commitments changed)
    note: str  # the change this side asks for, while it stands


class PlanAgreementOut(msgspec.Struct):
    bridge_id: int
    my_side: str
    agreed_since: datetime | None  # both sides agree to each other's current part
    sides: list[SideAgreementOut]


class ShareAnswerIn(msgspec.Struct):
    share: bool | str | None = None  # true: share my side; false: not now


class AskToShareIn(msgspec.Struct):
    # Read by commands.parse_ask_to_share once the caller is known to lead the team:
    # nobody else learns what a well-formed request looks like.
    first: int | str | None = None
    second: int | str | None = None


class AskedPairOut(msgspec.Struct):
    names: list[str]
    asked_on: date
    answer: str  # "yes" or "not yet": never who declined


class ShareRequestsOut(msgspec.Struct):
    team_name: str
    requests: list[AskedPairOut]  # newest first


@get("/bridges/{bridge_id:int}/plan/agreement", summary="Who agreed to the plan, and since when")
async def plan_agreement(user: CurrentUser, bridge_id: PathId) -> PlanAgreementOut:
    plan = await service.plan_agreement(user, bridge_id)
    sides = []
    for side, answer in plan.answers.items():
        part = plan.parts[side]
        sides.append(
            SideAgreementOut(
                side=side.value,
                name=plan.names[side],
                part_id=part.id if part else None,
                my_part=part.my_part if part else "",
                restored_trust=part.restored_trust if part else "",
                answer_to_other=answer.standing.value,
                since=answer.since,
                note=plan.notes[side],
            )
        )
    return PlanAgreementOut(plan.bridge_id, plan.me.value, plan.agreed_since, sides)


@post(
    "/bridges/{bridge_id:int}/plan/answers",
    status_code=201,
    summary="Agree to the other side's part, or ask for a change with a note",
)
async def answer_plan(
    idempotency_key: IdempotencyKey,
    user: CurrentUser,
    bridge_id: PathId,
    data: JSONBody[PlanAnswerIn],
) -> PlanAnswerOut:
    command = ac.parse_answer_plan(_form(data, idempotency_key))
    return PlanAnswerOut(await service.answer(user, bridge_id, command))


@post(
    "/bridges/{bridge_id:int}/share-request",
    status_code=204,
    summary="Answer the team lead's request to share this bridge: share, or not now",
)
async def answer_share_request(
    user: CurrentUser, bridge_id: PathId, data: JSONBody[ShareAnswerIn]
) -> None:
    await sharing.answer(user, bridge_id, ac.parse_answer_share_request(_form(data)))


@post(
    "/teams/{team_id:int}/share-requests",
    status_code=204,
    summary="As the team's lead, ask two people to share their bridge",
)
async def ask_to_share(user: CurrentUser, team_id: PathId, data: JSONBody[AskToShareIn]) -> None:
    await sharing.require_lead(user, team_id)
    await sharing.ask(user, team_id, ac.parse_ask_to_share(_form(data)))


@get("/teams/{team_id:int}/share-requests", summary="The lead's requests: yes or not yet")
async def share_requests(user: CurrentUser, team_id: PathId) -> ShareRequestsOut:
    asks = await sharing.lead_asks(user, team_id)
    return ShareRequestsOut(
        asks.team_name, [AskedPairOut(list(a.names), a.asked_on, a.answer) for a in asks.asked]
    )


ROUTES = [plan_agreement, answer_plan, answer_share_request, ask_to_share, share_requests]
