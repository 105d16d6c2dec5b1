"""The lead view in the JSON API: numbers and names only, never a text anyone wrote."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import get, put
from litestar.params import JSONBody

from server.bounds import PathId
from server.lead import rules, service
from server.web import CurrentUser


class ShareIn(msgspec.Struct):
    share: bool | None = None


class SharingOut(msgspec.Struct):
    bridge_id: int
    team_name: str | None
    lead_name: str | None
    mine: bool
    partners: bool
    shown_to_lead: bool
    can_share: bool

    @classmethod
    def of(cls, s: service.Sharing) -> SharingOut:
        return cls(
            s.bridge_id, s.team_name, s.lead_name, s.mine, s.partners, s.shown_to_lead, s.can_share
        )


class MinimumIn(msgspec.Struct):
    min_bridges: int | None = None


class BridgeRowOut(msgspec.Struct):
    id: int
    people: list[str]
    health: int
    band: str
    trend: list[int]
    planks_laid: int
    planks_secured: int
    days_since_last_act: int | None
    paused: bool
    needs_support: bool
    fall: int


class TeamFiguresOut(msgspec.Struct):
    bridges: int
    median_health: int
    bands: dict[str, int]
    trend: list[int | None]


class DashboardOut(msgspec.Struct):
    team_id: int
    team_name: str
    as_of: date
    min_bridges: int
    bridges: list[BridgeRowOut]
    needs_support: list[int]
    team: TeamFiguresOut | None
    team_hidden_reason: str | None

    @classmethod
    def of(cls, board: rules.Dashboard) -> DashboardOut:
        rows = [
            BridgeRowOut(
                id=r.id,
                people=list(r.names),
                health=r.score,
                band="just_started" if r.just_started else r.band.value,
                trend=r.trend,
                planks_laid=r.laid,
                planks_secured=r.secured,
                days_since_last_act=r.days_since_last_act,
                paused=r.paused,
                needs_support=r.needs_support,
                fall=r.fall,
            )
            for r in board.rows
        ]
        f = board.figures
        team = None
        if f is not None:
            bands = {"just_started": f.just_started} | {b.value: n for b, n in f.bands.items()}
            team = TeamFiguresOut(f.bridges, f.median, bands, f.trend)
        return cls(
            team_id=board.team_id,
            team_name=board.team_name,
            as_of=board.as_of,
            min_bridges=board.minimum,
            bridges=rows,
            needs_support=[r.id for r in board.needs_support],
            team=team,
            team_hidden_reason=None if f is not None else rules.hidden_reason(board.minimum),
        )


@get("/teams/{team_id:int}/dashboard", summary="The lead's view of the team's bridge health")
async def dashboard(user: CurrentUser, team_id: PathId) -> DashboardOut:
    return DashboardOut.of(await service.dashboard(user, team_id))


@put(
    "/teams/{team_id:int}/dashboard/settings",
    summary="Raise the minimum of bridges team figures need (lead)",
)
async def save_settings(
    user: CurrentUser, team_id: PathId, data: JSONBody[MinimumIn]
) -> DashboardOut:
    await service.set_team_minimum(user, team_id, data.min_bridges)
    return DashboardOut.of(await service.dashboard(user, team_id))


@get("/bridges/{bridge_id:int}/sharing", summary="Whether each side shares this bridge")
async def sharing(user: CurrentUser, bridge_id: PathId) -> SharingOut:
    return SharingOut.of(await service.sharing_view(user, bridge_id))


@put("/bridges/{bridge_id:int}/sharing", summary="Share my side with the team lead, or stop")
async def set_sharing(user: CurrentUser, bridge_id: PathId, data: JSONBody[ShareIn]) -> SharingOut:
    return SharingOut.of(await service.set_sharing(user, bridge_id, data.share))


ROUTES = [dashboard, save_settings, sharing, set_sharing]
