"""Pages of the lead view: the dashboard, its CSV, the team's minimum, each side's sharing."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server.agreement import sharing
from server.bounds import PathId
from server.errors import InvalidInput
from server.lead import rules, service
from server.web import CurrentUser, Form, page, safe_next, see_other


async def dashboard_page(
    user: CurrentUser,
    team_id: int,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    saved: bool = False,
    asked: bool = False,
    anchor: str = "",
) -> Template:
    board = await service.dashboard(user, team_id)
    return page(
        "lead/dashboard.html",
        status_code,
        viewer=user,
        board=board,
        hidden_reason=rules.hidden_reason(board.minimum),
        rules=rules,
        errors=errors or {},
        form=form if anchor != "ask" and form else {"min_bridges": board.minimum},
        saved=saved,
        # A request to share, asked by naming two people (server/agreement/sharing.py).
        asks=await sharing.lead_asks(user, team_id),
        ask_form=form if anchor == "ask" and form else {},
        asked=asked,
    )


@get("/teams/{team_id:int}/dashboard", name="lead_dashboard")
async def dashboard(
    user: CurrentUser, team_id: PathId, saved: FromQuery[int] = 0, asked: FromQuery[int] = 0
) -> Template:
    return await dashboard_page(user, team_id, saved=bool(saved), asked=bool(asked))


@get("/teams/{team_id:int}/dashboard.csv")
async def dashboard_csv(user: CurrentUser, team_id: PathId) -> Response[str]:
    board = await service.dashboard(user, team_id)
    filename = f"bridgework-team-{team_id}-{board.as_of.isoformat()}.csv"
    return Response(
        service.csv_text(board),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@post("/teams/{team_id:int}/dashboard/settings")
async def save_settings(user: CurrentUser, team_id: PathId, data: Form) -> Template | Redirect:
    try:
        await service.set_team_minimum(user, team_id, data.get("min_bridges"))
    except InvalidInput as error:
        return await dashboard_page(user, team_id, 400, error.errors, data)
    return see_other(f"/teams/{team_id}/dashboard?saved=1#privacy")


@get("/bridges/{bridge_id:int}/sharing", name="sharing")
async def sharing_page(user: CurrentUser, bridge_id: PathId) -> Template:
    sharing = await service.sharing_view(user, bridge_id)
    return page("lead/sharing.html", viewer=user, sharing=sharing, errors={})


@post("/bridges/{bridge_id:int}/sharing")
async def set_sharing(user: CurrentUser, bridge_id: PathId, data: Form) -> Template | Redirect:
    try:
        await service.set_sharing(user, bridge_id, data.get("share"))
    except InvalidInput as error:
        sharing = await service.sharing_view(user, bridge_id)
        return page("lead/sharing.html", 400, viewer=user, sharing=sharing, errors=error.errors)
    return see_other(safe_next(data.get("next"), f"/bridges/{bridge_id}/sharing"))


ROUTES = [dashboard, dashboard_csv, save_settings, sharing_page, set_sharing]
