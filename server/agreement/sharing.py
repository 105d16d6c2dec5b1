"""A lead asks two people to share their bridge; each side decides; the lead learns
one word.

The lead names a pair from the team, never a bridge: she does not know which bridges
exist, and asking about a pair with no bridge reads "not yet" exactly as a refusal
does. A side's yes is its own share choice (server/lead/service.set_sharing); its
"not now" is a reply that quiets the request for that side until the lead asks again.
What the lead reads is decided once, by server/lead/rules.share_answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from server import clock, db
from server import domain as d
from server.agreement import commands as ac
from server.agreement.tables import ShareReply, ShareRequest
from server.errors import Conflict, InvalidInput
from server.lead import rules
from server.lead import service as lead
from server.lead.tables import ShareChoice
from server.repair import state
from server.repair.state import BridgeData
from server.tables import Membership, User

ASK_AGAIN_DAYS = 14  # a lead may ask a pair again two weeks after asking


@dataclass(frozen=True)
class ShareAsk:
    """A lead's request on a bridge, as one of its sides reads it."""

    bridge_id: int
    lead_name: str
    partner_name: str
    asked_on: date
    mine: str  # "undecided", "shared" or "not_now"
    partner_shares: bool


@dataclass(frozen=True)
class AskedPair:
    """One of the lead's requests, as the lead reads it: two names and one word."""

    names: tuple[str, str]
    asked_on: date
    answer: str  # rules.share_answer: "yes" or "not yet"


@dataclass(frozen=True)
class LeadAsks:
    team_name: str
    members: list[tuple[int, str]]  # whom the lead may name (everyone but herself)
    asked: list[AskedPair]


def _pair(first: int, second: int) -> tuple[int, int]:
    return (first, second) if first < second else (second, first)


def _local(at: Any, zone: str) -> date:
    return d.local_today(state._instant(at), zone)


async def _choices(bridge_id: int) -> dict[str, bool]:
    rows = await ShareChoice.select(ShareChoice.side, ShareChoice.shared).where(
        ShareChoice.bridge == bridge_id
    )
    return {r["side"]: bool(r["shared"]) for r in rows}


async def ask_on(user: User, data: BridgeData, me: d.Side, team_id: int | None) -> ShareAsk | None:
    """The lead's request on this bridge for side `me`, while it waits for an answer."""
    if team_id is None or data.status != state.ACTIVE:
        return None
    people = [p.id for p in data.people.values()]
    if None in people:
        return None
    low, high = _pair(int(people[0] or 0), int(people[1] or 0))
    request = (
        await ShareRequest.select(
            ShareRequest.id, ShareRequest.asked_at, ShareRequest.lead.display_name
        )
        .where(
            (ShareRequest.team == team_id)
            & (ShareRequest.person_low == low)
            & (ShareRequest.person_high == high)
        )
        .first()
    )
    if request is None:
        return None
    choices = await _choices(data.id)
    mine, partners = choices.get(me.value, False), choices.get(d.other(me).value, False)
    if mine and partners:
        return None  # shared both ways: the lead reads "yes", nothing is left to ask
    reply = (
        await ShareReply.select(ShareReply.answered_at)
        .where((ShareReply.request == request["id"]) & (ShareReply.person == user.id))
        .first()
    )
    said_no = reply is not None and state._instant(reply["answered_at"]) >= state._instant(
        request["asked_at"]
    )
    return ShareAsk(
        bridge_id=data.id,
        lead_name=request["lead.display_name"] or "Your team lead",
        partner_name=data.people[d.other(me)].name or "The other side",
        asked_on=_local(request["asked_at"], user.time_zone),
        mine="shared" if mine else "not_now" if said_no else "undecided",
        partner_shares=partners,
    )


async def _request_for(row: dict[str, Any]) -> int | None:
    if row["team.id"] is None or row["side_b.id"] is None:
        return None
    low, high = _pair(row["side_a.id"], row["side_b.id"])
    found = (
        await ShareRequest.select(ShareRequest.id)
        .where(
            (ShareRequest.team == row["team.id"])
            & (ShareRequest.person_low == low)
            & (ShareRequest.person_high == high)
        )
        .first()
    )
    return None if found is None else int(found["id"])


async def answer(user: User, bridge_id: int, command: ac.AnswerShareRequest) -> None:
    """A side answers the lead's request: share its side, or not now."""
    row = await lead._my_bridge(user, bridge_id)
    request = await _request_for(row)
    if request is None:
        raise Conflict("Nobody has asked to see this bridge.")
    if command.share:
        await lead.set_sharing(user, bridge_id, True)
        return
    await lead.set_sharing(user, bridge_id, False)
    reply = ShareReply(request=request, person=user.id, answered_at=clock.now())
    await ShareReply.insert(reply).on_conflict(
        target=(ShareReply.request, ShareReply.person),
        action="DO UPDATE",
        values=[ShareReply.answered_at],
    )


# ---------------------------------------------------------------- the lead's side


async def _members(team_id: int) -> dict[int, str]:
    rows = await Membership.select(Membership.person.id, Membership.person.display_name).where(
        Membership.team == team_id
    )
    return {r["person.id"]: r["person.display_name"] or "" for r in rows}


_SHARED_BOTH_WAYS = """
    SELECT bridge.side_a, bridge.side_b FROM bridge
    JOIN lead_share_choice AS a ON a.bridge = bridge.id AND a.side = 'a' AND a.shared = {}
    JOIN lead_share_choice AS b ON b.bridge = bridge.id AND b.side = 'b' AND b.shared = {}
    WHERE bridge.team = {} AND bridge.status = 'active'
"""


async def require_lead(user: User, team_id: int) -> None:
    """NotFound for someone off the team, Forbidden for a member who does not lead it."""
    await lead._lead_team(user, team_id)


async def lead_asks(user: User, team_id: int) -> LeadAsks:
    """The lead's requests on her team, each with its one word, and whom she may name."""
    team_name = await lead._lead_team(user, team_id)
    members = await _members(team_id)
    shared = {
        _pair(r["side_a"], r["side_b"])
        for r in await db.fetch(_SHARED_BOTH_WAYS, True, True, team_id)
    }
    rows = (
        await ShareRequest.select(
            ShareRequest.person_low, ShareRequest.person_high, ShareRequest.asked_at
        )
        .where(ShareRequest.team == team_id)
        .order_by(ShareRequest.asked_at, ascending=False)
    )
    asked = []
    for r in rows:
        pair = (r["person_low"], r["person_high"])
        if pair[0] not in members or pair[1] not in members:
            continue  # someone left the team: the request goes with them
        names = tuple(sorted((members[pair[0]], members[pair[1]]), key=str.casefold))
        asked.append(
            AskedPair(
                (names[0], names[1]),
                _local(r["asked_at"], user.time_zone),
                rules.share_answer(pair in shared),
            )
        )
    others = sorted(
        ((pid, name) for pid, name in members.items() if pid != user.id),
        key=lambda item: item[1].casefold(),
    )
    return LeadAsks(team_name, others, asked)


async def ask(user: User, team_id: int, command: ac.AskToShare) -> None:
    """The lead asks two people on her team to share their bridge with her."""
    await lead._lead_team(user, team_id)
    members = await _members(team_id)
    first, second = command.people
    errors = {
        field: "Choose someone on the team."
        for field, person in (("first", first), ("second", second))
        if person not in members
    }
    if user.id in command.people:
        errors["second" if second == user.id else "first"] = (
            "Choose two other people: a bridge you are part of is yours to see already."
        )
    if errors:
        raise InvalidInput(errors)
    low, high = _pair(first, second)
    now = clock.now()
    existing = (
        await ShareRequest.select(ShareRequest.id, ShareRequest.asked_at)
        .where(
            (ShareRequest.team == team_id)
            & (ShareRequest.person_low == low)
            & (ShareRequest.person_high == high)
        )
        .first()
    )
    if existing is not None:
        asked: datetime = state._instant(existing["asked_at"])
        again = asked + timedelta(days=ASK_AGAIN_DAYS)
        if now < again:
            when = _local(again, user.time_zone)
            raise InvalidInput.field(
                "second",
                f"You asked {members[first]} and {members[second]} on "
                f"{_local(asked, user.time_zone):%-d %B}. To keep it a request, not "
                f"pressure, you can ask them again from {when:%-d %B}.",
            )
        await ShareRequest.update({ShareRequest.asked_at: now, ShareRequest.lead: user.id}).where(
            ShareRequest.id == existing["id"]
        )
        return
    await ShareRequest.insert(
        ShareRequest(team=team_id, lead=user.id, person_low=low, person_high=high, asked_at=now)
    )
