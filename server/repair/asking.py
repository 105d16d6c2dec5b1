"""Pausing days already past: asking the partner, and the partner's answer.

A pause from today on is a side's own (service.pause). One that starts in the past is
only asked for: a pause_asked act in the log and a stored pause that points at it,
written in one transaction; the partner's agreement or refusal is another act. Which
of them count is decided once, by domain.pauses.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from server import clock, formats
from server import domain as d
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.repair import commands as c
from server.repair import service
from server.repair.acts import _append, _open
from server.tables import User

ANSWERS = {"agree": d.ActKind.PAUSE_AGREED, "decline": d.ActKind.PAUSE_DECLINED}

_INSERT_ASKED_PAUSE = """
    INSERT INTO pause (bridge, side, person, start, "end", created_at, asked_act)
    SELECT {}, {}, {}, {}, {}, {}, id FROM trust_act WHERE idempotency_key = {}
"""


async def ask(user: User, bridge_id: int, command: c.Pause) -> int:
    """Ask the partner to pause days already past: the asking act's id."""
    asked = await pause(user, bridge_id, command, past_only=True)
    if asked is None:  # past_only refuses a pause from today on before this
        raise InvalidInput.field("start", "A pause from today on needs no asking.")
    return asked


async def pause(
    user: User, bridge_id: int, command: c.Pause, *, past_only: bool = False
) -> int | None:
    """Pause one's side: from today on at once (None), or over past days by asking the
    partner (the asking act's id). A range reaching past today does both."""
    # The pause form's one button, or an older client, sends no key.
    opened = await _open(user, bridge_id, command.key or uuid.uuid4().hex)
    if isinstance(opened, int):
        return opened
    key, data, side = opened
    today = data.people[side].today()
    yesterday = today - timedelta(days=1)
    start, end, reason = command.start or today, command.end, command.reason
    if past_only and (command.start is None or start >= today):
        raise InvalidInput.field(
            "start", "Say the first day you were away; a pause from today on needs no asking."
        )
    if start >= today:
        await service.pause(user, bridge_id, command)
        return None
    last = min(end, yesterday) if end is not None else yesterday
    if last < start:
        raise InvalidInput.field("end", "The end date cannot be before the start date.")
    if not d.may_ask(start, last, today):
        raise InvalidInput.field("start", f"A pause can reach back {d.ASK_BACK_DAYS} days at most.")
    until = end if end is not None and end >= today else last  # today on: a pause of one's own
    if any(p.side == side and p.start <= until and (p.end is None or p.end >= start)
           for p in data.pauses):  # fmt: skip
        raise Conflict("Your side was already paused on some of those days.")
    for request in data.pause_requests(today):
        overlaps = request.first <= last and start <= request.last
        if request.side == side and overlaps and request.state is not d.Asked.WITHDRAWN:
            raise Conflict("You already asked about some of those days.")
    asked = await _append(
        data, user, side, key, kind=d.ActKind.PAUSE_ASKED, owner=side, day=today,
        texts={"reason": reason} if reason else None,
        then=[(_INSERT_ASKED_PAUSE, (data.id, side.value, user.id, start, last, clock.now(), key))],
    )  # fmt: skip
    if end is not None and end >= today:  # and the rest, from today on, as a pause of one's own
        await service.pause(user, bridge_id, c.Pause(today, end))
    return asked


async def answer(user: User, bridge_id: int, command: c.AnswerPause) -> int:
    """The partner agrees to or declines a request to pause past days."""
    opened = await _open(user, bridge_id, command.key)
    if isinstance(opened, int):
        return opened
    key, data, side = opened
    asked_id, kind = command.request, ANSWERS[command.answer]
    today = data.people[side].today()
    request = next((r for r in data.pause_requests(today) if r.asked.id == asked_id), None)
    if request is None:
        raise NotFound("That request is not on this bridge.")
    if request.side == side:
        name = data.people[d.other(side)].name or "the other side"
        raise Forbidden(f"Only {name} can answer your request.")
    match request.state:
        case d.Asked.AGREED | d.Asked.DECLINED:
            raise Conflict("This request is already answered.")
        case d.Asked.WITHDRAWN:
            raise Conflict("This request was withdrawn.")
        case d.Asked.EXPIRED:
            raise Conflict(
                f"This request expired on {formats.short_day(request.expires_on)}: nothing changed."
            )
    return await _append(
        data, user, side, key, kind=kind, owner=request.side, day=today, target_id=asked_id
    )
