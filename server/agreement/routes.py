"""Pages of the agreements: the plan both sides answer, and a lead's request to share."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server.agreement import commands as ac
from server.agreement import service, sharing
from server.bounds import PathId
from server.errors import Conflict, InvalidInput
from server.lead.routes import dashboard_page  # the page the lead's form lives on
from server.repair.routes import new_key
from server.tables import User
from server.web import CurrentUser, Form, page, see_other


async def _agreement_page(
    user: User,
    bridge_id: int,
    status_code: int = 200,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    answered: str = "",
) -> Template:
    plan = await service.plan_agreement(user, bridge_id)
    return page(
        "agreement/plan.html",
        status_code,
        viewer=user,
        plan=plan,
        form=form or {},
        errors=errors or {},
        key=new_key(),
        answered=answered,
    )


@get("/bridges/{bridge_id:int}/agreement", name="plan_agreement")
async def agreement_page(
    user: CurrentUser, bridge_id: PathId, answered: FromQuery[str] = ""
) -> Template:
    return await _agreement_page(user, bridge_id, answered=answered[:10])


@post("/bridges/{bridge_id:int}/plan/answers")
async def answer_plan(user: CurrentUser, bridge_id: PathId, data: Form) -> Template | Redirect:
    try:
        command = ac.parse_answer_plan(data)
        await service.answer(user, bridge_id, command)
    except InvalidInput as error:
        return await _agreement_page(user, bridge_id, 400, data, error.errors)
    except Conflict as error:
        # A part changed while the page was open: show it again, saying so.
        return await _agreement_page(user, bridge_id, 409, data, {"": str(error)})
    return see_other(f"/bridges/{bridge_id}/agreement?answered={command.answer.value}#answer")


@post("/bridges/{bridge_id:int}/share-request")
async def answer_share_request(user: CurrentUser, bridge_id: PathId, data: Form) -> Redirect:
    command = ac.parse_answer_share_request(data)
    await sharing.answer(user, bridge_id, command)
    said = "share" if command.share else "not_now"
    return see_other(f"/bridges/{bridge_id}?shared={said}#share-ask")


@post("/teams/{team_id:int}/share-requests")
async def ask_to_share(user: CurrentUser, team_id: PathId, data: Form) -> Template | Redirect:
    await sharing.require_lead(user, team_id)
    try:
        await sharing.ask(user, team_id, ac.parse_ask_to_share(data))
    except InvalidInput as error:
        return await dashboard_page(user, team_id, 400, error.errors, data, anchor="ask")
    return see_other(f"/teams/{team_id}/dashboard?asked=1#ask")


ROUTES = [agreement_page, answer_plan, answer_share_request, ask_to_share]
