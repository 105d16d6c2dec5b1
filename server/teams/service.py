"""Teams: creating one, single-use invite links, members and the lead role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from server import clock, db
from server.accounts import service as accounts
from server.bounds import to_id
from server.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound
from server.tables import Membership, Team, TeamInvite, User
from server.text import clean, raise_if

INVITE_LIFETIME = timedelta(days=7)
LEAD, MEMBER = "lead", "member"


@dataclass(frozen=True)
class TeamSummary:
    id: int
    name: str
    role: str
    member_count: int


@dataclass(frozen=True)
class Member:
    id: int
    display_name: str
    role: str


@dataclass(frozen=True)
class TeamView:
    id: int
    name: str
    my_role: str
    members: list[Member]

    @property
    def is_lead(self) -> bool:
        return self.my_role == LEAD


@dataclass(frozen=True)
class InviteView:
    team_id: int
    team_name: str
    invited_by: str


async def create_team(user: User, data: dict[str, object]) -> int:
    errors: dict[str, str] = {}
    name = clean(errors, "name", data.get("name"), "Team name", max_length=80)
    raise_if(errors)
    now = clock.now()
    async with db.engine().transaction():
        team = Team(name=name, created_at=now)
        await team.save()
        await Membership.insert(Membership(team=team.id, person=user.id, role=LEAD, joined_at=now))
    return int(team.id)


async def my_teams(user: User) -> list[TeamSummary]:
    rows = (
        await Membership.select(Membership.team.id, Membership.team.name, Membership.role)
        .where(Membership.person == user.id)
        .order_by(Membership.team.name)
    )
    summaries = []
    for row in rows:
        count = await Membership.count().where(Membership.team == row["team.id"])
        summaries.append(TeamSummary(row["team.id"], row["team.name"], row["role"], count))
    return summaries


async def _role(user: User, team_id: int) -> str:
    """The person's role on the team; NotFound when they are not on it."""
    row = (
        await Membership.select(Membership.role)
        .where((Membership.team == team_id) & (Membership.person == user.id))
        .first()
    )
    if row is None:
        raise NotFound("Team not found.")
    return str(row["role"])


async def _require_lead(user: User, team_id: int) -> None:
    if await _role(user, team_id) != LEAD:
        raise Forbidden("Only the team's lead can do that.")


async def team_view(user: User, team_id: int) -> TeamView:
    role = await _role(user, team_id)
    team = await Team.select(Team.name).where(Team.id == team_id).first()
    if team is None:
        raise NotFound("Team not found.")
    rows = (
        await Membership.select(
            Membership.person.id, Membership.person.display_name, Membership.role
        )
        .where(Membership.team == team_id)
        .order_by(Membership.person.display_name)
    )
    members = [Member(r["person.id"], r["person.display_name"], r["role"]) for r in rows]
    members.sort(key=lambda m: (m.role != LEAD, m.display_name.lower()))
    return TeamView(team_id, team["name"], role, members)


async def create_invite(user: User, team_id: int) -> str:
    """A single-use join link's token (shown once; only its hash is kept)."""
    await _require_lead(user, team_id)
    token = secrets.token_urlsafe(24)
    now = clock.now()
    await TeamInvite.insert(
        TeamInvite(
            team=team_id,
            token_hash=accounts.token_hash(token),
            created_by=user.id,
            created_at=now,
            expires_at=now + INVITE_LIFETIME,
        )
    )
    return token


async def open_invite(token: str) -> InviteView:
    """What a join link offers; Gone when it is unknown, used or expired."""
    row = (
        await TeamInvite.select(
            TeamInvite.team.id,
            TeamInvite.team.name,
            TeamInvite.created_by.display_name,
            TeamInvite.used_at,
            TeamInvite.expires_at,
        )
        .where(TeamInvite.token_hash == accounts.token_hash(token))
        .first()
    )
    if row is None:
        raise Gone("This invite link is not valid. Ask your team lead for a new one.")
    if row["used_at"] is not None:
        raise Gone("This invite link has already been used. Ask your team lead for a new one.")
    if row["expires_at"] <= clock.now():
        raise Gone("This invite link has expired. Ask your team lead for a new one.")
    return InviteView(row["team.id"], row["team.name"], row["created_by.display_name"] or "")


async def _claim_invite(token: str, user: User) -> int:
    """Mark the link used by `user`; only one claim can ever succeed."""
    invite = await open_invite(token)
    if await Membership.exists().where(
        (Membership.team == invite.team_id) & (Membership.person == user.id)
    ):
        raise Conflict(f"You are already on {invite.team_name}.")
    now = clock.now()
    claimed = (
        await TeamInvite.update({TeamInvite.used_at: now, TeamInvite.used_by: user.id})
        .where(
            (TeamInvite.token_hash == accounts.token_hash(token))
            & TeamInvite.used_at.is_null()
            & (TeamInvite.expires_at > now)
        )
        .returning(TeamInvite.id)
    )
    if len(claimed) != 1:
        raise Gone("This invite link has already been used. Ask your team lead for a new one.")
    await Membership.insert(
        Membership(team=invite.team_id, person=user.id, role=MEMBER, joined_at=now)
    )
    return invite.team_id


async def join(token: str, user: User) -> int:
    """An existing person joins the team through a link; returns the team id."""
    async with db.engine().transaction():
        return await _claim_invite(token, user)


async def join_as_new_person(token: str, data: dict[str, object]) -> tuple[User, int]:
    """Sign up and join in one step: either both happen or neither does."""
    await open_invite(token)  # a dead link fails before any account is made
    form = accounts.check_sign_up(data)
    async with db.engine().transaction():
        user = await accounts.create_user(form)
        team_id = await _claim_invite(token, user)
    return user, team_id


async def remove_member(user: User, team_id: int, member_id: int) -> None:
    await _require_lead(user, team_id)
    if member_id == user.id:
        raise InvalidInput.field("", "Hand the lead role to someone else before you leave.")
    removed = (
        await Membership.delete()
        .where((Membership.team == team_id) & (Membership.person == member_id))
        .returning(Membership.id)
    )
    if not removed:
        raise NotFound("That person is not on this team.")


async def leave(user: User, team_id: int) -> None:
    if await _role(user, team_id) == LEAD:
        raise InvalidInput.field("", "Hand the lead role to someone else before you leave.")
    await Membership.delete().where((Membership.team == team_id) & (Membership.person == user.id))


async def hand_over_lead(user: User, team_id: int, new_lead_id: object) -> None:
    await _require_lead(user, team_id)
    try:
        new_lead = to_id(new_lead_id)
    except ValueError:
        raise InvalidInput.field("person", "Choose a member to hand the lead role to.") from None
    if new_lead == user.id:
        raise InvalidInput.field("person", "You are already the lead.")
    async with db.engine().transaction():
        promoted = (
            await Membership.update({Membership.role: LEAD})
            .where((Membership.team == team_id) & (Membership.person == new_lead))
            .returning(Membership.id)
        )
        if not promoted:
            raise InvalidInput.field("person", "That person is not on this team.")
        await Membership.update({Membership.role: MEMBER}).where(
            (Membership.team == team_id) & (Membership.person == user.id)
        )


async def shared_team(a: int, b: int) -> int | None:
    """A team both people are on (the lowest id), or None."""
    a_teams = {
        r["team"] for r in await Membership.select(Membership.team).where(Membership.person == a)
    }
    b_teams = {
        r["team"] for r in await Membership.select(Membership.team).where(Membership.person == b)
    }
    common = sorted(a_teams & b_teams)
    return common[0] if common else None


async def teammates(user: User) -> list[tuple[str, list[Member]]]:
    """For each of my teams, its name and everyone on it but me."""
    result = []
    for team in await my_teams(user):
        view = await team_view(user, team.id)
        result.append((team.name, [m for m in view.members if m.id != user.id]))
    return result


async def is_member(user_id: int, team_id: int) -> bool:
    return bool(
        await Membership.exists().where(
            (Membership.team == team_id) & (Membership.person == user_id)
        )
    )
