"""The lead view: each side's sharing choice, the lead's dashboard and its CSV.

Privacy is enforced here, before anything is rendered: the queries read names,
choices and figures derived from the log, never a column a person writes, and
`rules` decides what of it the lead may see.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from server import clock, db
from server import domain as d
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.lead import figures, rules
from server.lead.tables import ShareChoice, TeamPrivacy
from server.repair import state
from server.tables import Bridge, Membership, User

LEAD = "lead"
ACTIVE = "active"
_YES = {"on", "true", "1", "yes", "share"}
_NO = {"off", "false", "0", "no", "stop"}


# ---------------------------------------------------------------- sharing


@dataclass(frozen=True)
class Sharing:
    """One bridge's sharing, as one of its sides sees it."""

    bridge_id: int
    status: str
    team_name: str | None  # None: the bridge is on no team, so there is no lead
    lead_name: str | None
    lead_is_me: bool
    partner_name: str
    mine: bool
    partners: bool

    @property
    def can_share(self) -> bool:
        return self.status == ACTIVE and self.team_name is not None

    @property
    def shown_to_lead(self) -> bool:
        """The lead's dashboard shows it (while both sides are still on the team)."""
        return self.mine and self.partners and self.can_share


async def _my_bridge(user: User, bridge_id: int) -> dict[str, Any]:
    row = (
        await Bridge.select(
            Bridge.id,
            Bridge.status,
            Bridge.team.id,
            Bridge.team.name,
            Bridge.side_a.id,
            Bridge.side_a.display_name,
            Bridge.side_b.id,
            Bridge.side_b.display_name,
        )
        .where((Bridge.id == bridge_id) & ((Bridge.side_a == user.id) | (Bridge.side_b == user.id)))
        .first()
    )
    if row is None:
        raise NotFound("Bridge not found.")
    if row["status"] == "pending":
        # Until it is accepted the invitee sees only who asked and their message.
        raise Conflict("This bridge has not been accepted yet.")
    return row


async def _choices(bridge_ids: list[int]) -> dict[tuple[int, str], bool]:
    if not bridge_ids:
        return {}
    rows = await ShareChoice.select(ShareChoice.bridge, ShareChoice.side, ShareChoice.shared).where(
        ShareChoice.bridge.is_in(bridge_ids)
    )
    return {(r["bridge"], r["side"]): bool(r["shared"]) for r in rows}


async def _lead_of(team_id: int) -> tuple[int, str] | None:
    row = (
        await Membership.select(Membership.person.id, Membership.person.display_name)
        .where((Membership.team == team_id) & (Membership.role == LEAD))
        .first()
    )
    return None if row is None else (row["person.id"], row["person.display_name"])


async def sharing_view(user: User, bridge_id: int) -> Sharing:
    """Whether each side of the bridge shares it with the team lead."""
    row = await _my_bridge(user, bridge_id)
    me = "a" if row["side_a.id"] == user.id else "b"
    partner = "b" if me == "a" else "a"
    choices = await _choices([bridge_id])
    lead = await _lead_of(row["team.id"]) if row["team.id"] is not None else None
    return Sharing(
        bridge_id=bridge_id,
        status=row["status"],
        team_name=row["team.name"] if row["team.id"] is not None else None,
        lead_name=lead[1] if lead else None,
        lead_is_me=lead is not None and lead[0] == user.id,
        partner_name=row[f"side_{partner}.display_name"] or "",
        mine=choices.get((bridge_id, me), False),
        partners=choices.get((bridge_id, partner), False),
    )


def parse_choice(value: object) -> bool:
    """A yes or no from a form field or a JSON boolean."""
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise InvalidInput.field("share", "Say whether to share: on or off.")


async def set_sharing(user: User, bridge_id: int, value: object) -> Sharing:
    """Share this side's view of the bridge with the lead, or stop at once."""
    row = await _my_bridge(user, bridge_id)
    share = parse_choice(value)
    if share and row["team.id"] is None:
        raise Conflict("This bridge is not on a team, so there is no team lead to share it with.")
    if share and row["status"] != ACTIVE:
        raise Conflict("Only a bridge being built can be shared; you can still stop sharing.")
    side = "a" if row["side_a.id"] == user.id else "b"
    choice = ShareChoice(bridge=bridge_id, side=side, shared=share, changed_at=clock.now())
    await ShareChoice.insert(choice).on_conflict(
        target=(ShareChoice.bridge, ShareChoice.side),
        action="DO UPDATE",
        values=[ShareChoice.shared, ShareChoice.changed_at],
    )
    return await sharing_view(user, bridge_id)


# ---------------------------------------------------------------- the dashboard


async def _lead_team(user: User, team_id: int) -> str:
    """The team's name, if `user` leads it; NotFound for outsiders, Forbidden for members."""
    row = (
        await Membership.select(Membership.role, Membership.team.name)
        .where((Membership.team == team_id) & (Membership.person == user.id))
        .first()
    )
    if row is None:
        raise NotFound("Team not found.")
    if row["role"] != LEAD:
        raise Forbidden("Only the team's lead sees its dashboard.")
    return str(row["team.name"])


async def team_minimum(team_id: int) -> int:
    row = (
        await TeamPrivacy.select(TeamPrivacy.min_bridges).where(TeamPrivacy.team == team_id).first()
    )
    return rules.minimum_bridges(row["min_bridges"] if row else None)


async def _team_bridges(team_id: int) -> list[dict[str, Any]]:
    """The team's bridges being built, between two people who are still on the team."""
    members = {
        r["person"]
        for r in await Membership.select(Membership.person).where(Membership.team == team_id)
    }
    rows = await state.team_rows(team_id)
    return [r for r in rows if r["side_a.id"] in members and r["side_b.id"] in members]


async def dashboard(user: User, team_id: int) -> rules.Dashboard:
    """What the lead sees: shared bridges one by one, the team as a whole where allowed."""
    today = d.local_today(clock.now(), user.time_zone)
    # One transaction for the reads: one connection, and one consistent snapshot.
    async with db.engine().transaction():
        team_name = await _lead_team(user, team_id)
        rows = await _team_bridges(team_id)
        choices = await _choices([r["id"] for r in rows])
        minimum = await team_minimum(team_id)
    derived = dict(
        zip([r["id"] for r in rows], await figures.for_bridges(rows, today), strict=True)
    )
    bridges = [
        rules.TeamBridge(
            id=r["id"],
            names=(r["side_a.display_name"], r["side_b.display_name"]),
            shared=choices.get((r["id"], "a"), False) and choices.get((r["id"], "b"), False),
            lead_is_side=user.id in (r["side_a.id"], r["side_b.id"]),
            figures=derived[r["id"]].figures(user.time_zone),
        )
        for r in rows
    ]
    return rules.dashboard(team_id, team_name, bridges, today, minimum)


async def set_team_minimum(user: User, team_id: int, value: object) -> int:
    """The lead raises (or lowers, not below MIN_BRIDGES) the minimum for team figures."""
    await _lead_team(user, team_id)
    low, high = rules.MIN_BRIDGES, rules.MAX_TEAM_MINIMUM
    message = (
        f"Choose a whole number from {low} to {high}: "
        f"figures over fewer than {low} bridges could single one out."
    )
    try:
        minimum = int(str(value).strip())
    except ValueError:
        raise InvalidInput.field("min_bridges", message) from None
    if not low <= minimum <= high:
        raise InvalidInput.field("min_bridges", message)
    setting = TeamPrivacy(team=team_id, min_bridges=minimum, changed_at=clock.now())
    await TeamPrivacy.insert(setting).on_conflict(
        target=TeamPrivacy.team,
        action="DO UPDATE",
        values=[TeamPrivacy.min_bridges, TeamPrivacy.changed_at],
    )
    return minimum


def csv_text(board: rules.Dashboard) -> str:
    """The dashboard as a CSV file."""
    out = io.StringIO()
    csv.writer(out).writerows(rules.csv_rows(board))
    return out.getvalue()
