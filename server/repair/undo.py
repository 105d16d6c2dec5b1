"""Undo on the spot: the act a person just made, while the withdrawal rule allows it.

Today offers Undo right after Kept, Missed and Confirm. Undo is the existing
withdrawal (acts.withdraw, domain.can_withdraw): this only finds whether the act
named in the page's link is the reader's own, not taken back yet, and still inside
the window, so a made-up or stale link offers nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from server import clock, db
from server import domain as d
from server.repair.state import domain_act
from server.tables import User


@dataclass(frozen=True)
class Undo:
    act_id: int
    bridge_id: int
    kind: d.ActKind
    until: datetime  # when the withdrawal window closes


_MINE = """
    SELECT a.id, a.bridge, a.kind, a.author_side, a.owner_side, a.day, a.created_at,
        a.commitment, a.target
    FROM trust_act AS a
    WHERE a.id = {} AND a.author = {} AND NOT EXISTS (
        SELECT 1 FROM trust_act AS w WHERE w.kind = 'withdrawal' AND w.target = a.id
    )
"""


async def undoable(user: User, act_id: int) -> Undo | None:
    """`act_id` as `user` may still undo it, or None."""
    if act_id <= 0:
        return None
    rows = await db.fetch(_MINE, act_id, user.id)
    if not rows:
        return None
    act = domain_act(rows[0])
    if not d.can_withdraw(act, act.author, clock.now()):
        return None
    return Undo(act.id, int(rows[0]["bridge"]), act.kind, act.created_at + d.WITHDRAW_WINDOW)
