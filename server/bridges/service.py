"""Bridges: asking a teammate (or anyone, by link), accepting, declining, archiving."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from server import clock, db
from server.accounts import service as accounts
from server.bounds import to_id
from server.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound
from server.tables import Bridge, User
from server.teams import service as teams
from server.text import clean, raise_if

INVITE_LIFETIME = timedelta(days=14)
PENDING, ACTIVE, DECLINED, ARCHIVED = "pending", "active", "declined", "archived"
OPEN = (PENDING, ACTIVE)
MESSAGE_MAX = 500


@dataclass(frozen=True)
class BridgeSummary:
    id: int
    partner_name: str
    status: str
    incoming: bool  # waiting for my answer
    team_name: str | None
    span: int
    accepted_lately: bool = False  # I asked, and they said yes within ACCEPTED_NEWS


# How long home tells the person who asked that their invitation was accepted.
ACCEPTED_NEWS = timedelta(days=7)


@dataclass(frozen=True)
class BridgeView:
    """One bridge as `viewer` may see it. `limited`: an invitation not yet answered,
    where the invitee sees only who asked and their message."""

    id: int
    status: str
    my_side: str
    partner_name: str
    message: str
    limited: bool
    team_name: str | None = None
    span: int = 30
    created_at: datetime | None = None
    accepted_at: datetime | None = None
    archived_at: datetime | None = None
    archived_by_me: bool = False

    @property
    def incoming(self) -> bool:
        return self.status == PENDING and self.my_side == "b"


_COLUMNS = (
    Bridge.id,
    Bridge.status,
    Bridge.message,
    Bridge.span,
    Bridge.created_at,
    Bridge.accepted_at,
    Bridge.archived_at,
    Bridge.archived_by,
    Bridge.side_a.id,
    Bridge.side_a.display_name,
    Bridge.side_a.time_zone,
    Bridge.side_b.id,
    Bridge.side_b.display_name,
    Bridge.side_b.time_zone,
    Bridge.team.id,
    Bridge.team.name,
)


def _message(errors: dict[str, str], data: dict[str, object]) -> str:
    return clean(
        errors, "message", data.get("message"), "Message", max_length=MESSAGE_MAX, required=False
    )


async def _open_bridge_between(a: int, b: int) -> bool:
    pair = ((Bridge.side_a == a) & (Bridge.side_b == b)) | (
        (Bridge.side_a == b) & (Bridge.side_b == a)
    )
    return bool(await Bridge.exists().where(pair & Bridge.status.is_in(list(OPEN))))


def _int(errors: dict[str, str], field: str, value: object, message: str) -> int:
    try:
        return to_id(value)
    except ValueError:
        errors[field] = message
        return 0


async def start_bridge(user: User, data: dict[str, object]) -> int:
    """Ask a teammate to build a bridge; returns the new bridge's id."""
    errors: dict[str, str] = {}
    partner_id = _int(errors, "partner", data.get("partner"), "Choose a teammate.")
    message = _message(errors, data)
    raise_if(errors)
    if partner_id == user.id:
        raise InvalidInput.field("partner", "A bridge needs two people: choose someone else.")
    team_id = await teams.shared_team(user.id, partner_id)
    if team_id is None:
        raise InvalidInput.field("partner", "You can only ask someone on one of your teams.")
    if await _open_bridge_between(user.id, partner_id):
        raise Conflict("You already have a bridge with this person.")
    bridge = Bridge(
        team=team_id,
        side_a=user.id,
        side_b=partner_id,
        status=PENDING,
        message=message,
        created_at=clock.now(),
    )
    await bridge.save()
    return int(bridge.id)


async def start_bridge_by_link(user: User, data: dict[str, object]) -> tuple[int, str]:
    """A bridge waiting for whoever opens a single-use link; returns (id, token)."""
    errors: dict[str, str] = {}
    message = _message(errors, data)
    raise_if(errors)
    token = secrets.token_urlsafe(24)
    now = clock.now()
    bridge = Bridge(
        team=None,
        side_a=user.id,
        side_b=None,
        status=PENDING,
        message=message,
        invite_token_hash=accounts.token_hash(token),
        invite_expires_at=now + INVITE_LIFETIME,
        created_at=now,
    )
    await bridge.save()
    return int(bridge.id), token


@dataclass(frozen=True)
class LinkInvite:
    inviter_name: str
    inviter_id: int
    message: str


async def open_link(token: str) -> LinkInvite:
    """Who asked and what they wrote; Gone when the link is unknown, used or expired."""
    row = (
        await Bridge.select(
            Bridge.side_a.id,
            Bridge.side_a.display_name,
            Bridge.message,
            Bridge.invite_expires_at,
            Bridge.side_b,
            Bridge.status,
        )
        .where(Bridge.invite_token_hash == accounts.token_hash(token))
        .first()
    )
    if row is None or row["side_b"] is not None or row["status"] != PENDING:
        raise Gone("This bridge invitation is no longer open. Ask the person who sent it.")
    if row["invite_expires_at"] is None or row["invite_expires_at"] <= clock.now():
        raise Gone("This bridge invitation has expired. Ask the person who sent it for a new one.")
    return LinkInvite(row["side_a.display_name"], row["side_a.id"], row["message"])


async def answer_link(token: str, user: User, accept: bool) -> int:
    """Accept or decline a link invitation as `user`; only the first answer counts."""
    invite = await open_link(token)
    if invite.inviter_id == user.id:
        raise InvalidInput.field("", "This is your own invitation: send the link to someone else.")
    if accept and await _open_bridge_between(invite.inviter_id, user.id):
        raise Conflict(f"You already have a bridge with {invite.inviter_name}.")
    now = clock.now()
    answered = (
        await Bridge.update(
            {
                Bridge.side_b: user.id,
                Bridge.status: ACTIVE if accept else DECLINED,
                Bridge.accepted_at: now if accept else None,
                Bridge.invite_token_hash: None,
            }
        )
        .where(
            (Bridge.invite_token_hash == accounts.token_hash(token))
            & Bridge.side_b.is_null()
            & (Bridge.status == PENDING)
        )
        .returning(Bridge.id)
    )
    if len(answered) != 1:
        raise Gone("This bridge invitation is no longer open. Ask the person who sent it.")
    return int(answered[0]["id"])


async def accept_link_as_new_person(token: str, data: dict[str, object]) -> tuple[User, int]:
    """Sign up and accept a bridge link in one step: either both happen or neither does."""
    await open_link(token)  # a dead link fails before any account is made
    form = accounts.check_sign_up(data)
    async with db.engine().transaction():
        user = await accounts.create_user(form)
        bridge_id = await answer_link(token, user, accept=True)
    return user, bridge_id


async def _row(user: User, bridge_id: int) -> dict[str, Any]:
    """The bridge if `user` is one of its sides; NotFound for everyone else."""
    row = (
        await Bridge.select(*_COLUMNS)
        .where((Bridge.id == bridge_id) & ((Bridge.side_a == user.id) | (Bridge.side_b == user.id)))
        .first()
    )
    if row is None:
        raise NotFound("Bridge not found.")
    return row


def _view(user: User, row: dict[str, Any]) -> BridgeView:
    my_side = "a" if row["side_a.id"] == user.id else "b"
    partner = row["side_b.display_name"] if my_side == "a" else row["side_a.display_name"]
    if my_side == "b" and row["accepted_at"] is None:
        # Never accepted (pending, declined, or archived before an answer): the
        # invitee sees only who asked and their message.
        return BridgeView(row["id"], row["status"], "b", partner, row["message"], limited=True)
    return BridgeView(
        id=row["id"],
        status=row["status"],
        my_side=my_side,
        partner_name=partner or "",
        message=row["message"],
        limited=False,
        team_name=row["team.name"],
        span=row["span"],
        created_at=row["created_at"],
        accepted_at=row["accepted_at"],
        archived_at=row["archived_at"],
        archived_by_me=row["archived_by"] == user.id,
    )


async def bridge_view(user: User, bridge_id: int) -> BridgeView:
    return _view(user, await _row(user, bridge_id))


async def bridge_view_and_row(user: User, bridge_id: int) -> tuple[BridgeView, dict[str, Any]]:
    """The bridge as `user` may see it, and its row: the bridge page hands the row on
    to the repair screen (it has every column state.load reads) instead of reading
    the bridge a second time."""
    row = await _row(user, bridge_id)
    return _view(user, row), row


async def my_bridges(user: User) -> list[BridgeSummary]:
    rows = (
        await Bridge.select(*_COLUMNS)
        .where((Bridge.side_a == user.id) | (Bridge.side_b == user.id))
        .order_by(Bridge.created_at, ascending=False)
    )
    summaries = []
    for row in rows:
        view = _view(user, row)
        if view.status == DECLINED and view.my_side == "b":
            continue  # declined invitations leave the invitee's list
        summaries.append(
            BridgeSummary(
                id=view.id,
                partner_name=view.partner_name,
                status=view.status,
                incoming=view.incoming,
                team_name=None if view.limited else view.team_name,
                span=view.span,
                accepted_lately=(
                    view.my_side == "a"
                    and view.status == ACTIVE
                    and view.accepted_at is not None
                    and clock.now() - view.accepted_at < ACCEPTED_NEWS
                ),
            )
        )
    return summaries


async def _transition(
    user: User,
    bridge_id: int,
    to: str,
    allowed_from: tuple[str, ...],
    side: str | None,
    refusal: str,
) -> None:
    row = await _row(user, bridge_id)
    my_side = "a" if row["side_a.id"] == user.id else "b"
    if side is not None and my_side != side:
        raise Forbidden(refusal)
    if row["status"] not in allowed_from:
        raise Conflict(refusal)
    now = clock.now()
    values: dict[Any, Any] = {Bridge.status: to}
    if to == ACTIVE:
        values[Bridge.accepted_at] = now
    if to == ARCHIVED:
        values[Bridge.archived_at] = now
        values[Bridge.archived_by] = user.id
    async with db.engine().transaction():
        changed = (
            await Bridge.update(values)
            .where((Bridge.id == bridge_id) & (Bridge.status == row["status"]))
            .returning(Bridge.id)
        )
    if not changed:
        raise Conflict("This bridge changed meanwhile; reload to see it.")


async def accept(user: User, bridge_id: int) -> None:
    await _transition(
        user,
        bridge_id,
        ACTIVE,
        (PENDING,),
        "b",
        "Only the person invited can accept, and only once.",
    )


async def decline(user: User, bridge_id: int) -> None:
    await _transition(
        user,
        bridge_id,
        DECLINED,
        (PENDING,),
        "b",
        "Only the person invited can decline, and only once.",
    )


async def archive(user: User, bridge_id: int) -> None:
    await _transition(user, bridge_id, ARCHIVED, OPEN, None, "This bridge is already closed.")
