"""(Over 400 lines: the six writers share one opening and one append; apart, the
rules of what may be written would be in several places again.)

The log's writers: check-ins, misses, listening sessions, owned mistakes,
confirmations and withdrawals.

Each act is appended to the bridge's log and never edited. Each writer opens the
same way (`_open`: the idempotency key, a replay of the same request, the bridge,
that it is being built) and appends through `_append`; which acts an occurrence
allows is decided once, by `domain.occurrences`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, NamedTuple

from server import clock, db, formats
from server import domain as d
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.observe import metrics
from server.repair import commands as c
from server.repair import state
from server.repair.state import BridgeData
from server.tables import MissResponse, User

ALREADY_CHECKED_IN = "You already checked this in. Withdraw it first to change it."
_SETTLED_AS = {"kept": "kept", "secured": "kept", "missed": "missed", "missed_self": "missed"}


def already_checked_in(day: date, settled: str) -> str:
    """The refusal that says which day was checked in, and as what."""
    return (
        f"You already checked this in for {formats.day(day)}: "
        f"{_SETTLED_AS.get(settled, settled)}. Withdraw it first to change it."
    )


# ---------------------------------------------------------------- the log


async def _existing(key: str) -> int | None:
    rows = await db.fetch("SELECT id FROM trust_act WHERE idempotency_key = {}", key)
    return int(rows[0]["id"]) if rows else None


async def _append(
    data: BridgeData,
    user: User,
    side: d.Side,
    key: str,
    *,
    kind: d.ActKind,
    owner: d.Side,
    day: date,
    commitment_id: int | None = None,
    target_id: int | None = None,
    texts: dict[str, Any] | None = None,
    private_note: str = "",
    once_between: tuple[date, date] | None = None,
    then: list[db.Statement] | None = None,
) -> int:
    """Append one act to the log; a repeated key returns the act it made the first time.

    `then`: statements run after the insert in the same transaction (they find the new
    act by its key, as the private note does).

    `once_between`: a check-in or a report, refused if an act already settled that
    occurrence of its commitment (a live check-in or report on those days). The
    caller checked already; this closes the race of two requests with different keys
    (two phones, a queued tap and a fresh one, both sides at once) at the same time.
    """
    now = clock.now()
    statements: list[db.Statement] = [
        (
            _INSERT_ACT,
            (
                data.id,
                kind.value,
                user.id,
                side.value,
                owner.value,
                day,
                now,
                commitment_id,
                target_id,
                json.dumps(texts or {}, ensure_ascii=False),
                key,
            ),
        )
    ]
    if private_note:
        statements.append((_INSERT_NOTE, (user.id, private_note, now, key)))
    statements += then or []
    if once_between is not None:
        first, last = once_between
        statements.insert(0, (_HOLD_BRIDGE, (data.id,)))
        statements.append((_UNDO_IF_CHECKED_IN, (key, data.id, commitment_id, first, last, key)))
    try:
        written = await db.write(*statements)
    except Exception:
        # Two deliveries of the same request raced; the first one's act stands.
        existing = await _existing(key)
        if existing is None:
            raise
        return existing
    if once_between is not None:
        if written[-1]:  # another check-in landed first: this one was taken back
            raise Conflict(ALREADY_CHECKED_IN)
        written = written[1:]
    metrics.TRUST_ACTS.labels(kind.value).inc()
    return int(written[0][0]["id"])


# Acting is the hot write path: plain SQL, one transaction in one trip (db.write).
_INSERT_ACT = """
    INSERT INTO trust_act (bridge, kind, author, author_side, owner_side, day, created_at,
        commitment, target, details, idempotency_key)
    VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})
    RETURNING id
"""
# PostgreSQL: wait here for any other act on this bridge to commit (the row lock),
# so the check below sees it. SQLite: writers already go one at a time.
_HOLD_BRIDGE = "UPDATE bridge SET version = version WHERE id = {}"
# The check-in just inserted (by its key) is taken back, in its own transaction,
# before anyone saw it, if another live check-in of the commitment covers those days.
_UNDO_IF_CHECKED_IN = """
    DELETE FROM trust_act WHERE idempotency_key = {} AND EXISTS (
        SELECT 1 FROM trust_act AS a
        WHERE a.bridge = {} AND a.commitment = {} AND a.day BETWEEN {} AND {}
            AND a.kind IN ('kept', 'missed_self', 'missed_partner')
            AND (a.idempotency_key IS NULL OR a.idempotency_key <> {})
            AND NOT EXISTS (
                SELECT 1 FROM trust_act AS w WHERE w.kind = 'withdrawal' AND w.target = a.id
            )
    )
    RETURNING id
"""
_INSERT_NOTE = """
    INSERT INTO private_note (act, author, text, created_at)
    SELECT id, {}, {}, {} FROM trust_act WHERE idempotency_key = {}
"""


class Opened(NamedTuple):
    """An act writer's start: the request's stored key, the bridge, the writer's side."""

    key: str
    data: BridgeData
    side: d.Side


async def _open(
    user: User,
    bridge_id: int,
    client_key: str,
    *,
    active: bool = True,
    commitment: int | None = None,
    answering: int | None = None,
) -> Opened | int:
    """The opening every act writer shares: the idempotency key; the act an earlier
    delivery of the same request created (returned as is: a replay); the bridge
    (only its one commitment's part when `commitment` is given, for a check-in; only
    one act and its answers when `answering` is, for a confirmation or a withdrawal);
    and that it is being built, unless `active` is False."""
    key = c.stored_key(user, client_key)
    if (replayed := await _existing(key)) is not None:
        return replayed
    if commitment is not None:
        data, side = await state.load_for_commitment(user, bridge_id, commitment)
    elif answering is not None:
        data, side = await state.load_for_acts(user, bridge_id, [answering])
    else:
        data, side = await state.load(user, bridge_id)
    if active:
        data.require_active()
    return Opened(key, data, side)


def _live_ids(data: BridgeData) -> set[int]:
    return {live.act.id for live in d.live_acts(data.acts)}


def _confirmed_ids(data: BridgeData) -> set[int]:
    return {live.act.id for live in d.live_acts(data.acts) if live.confirmed}


# ---------------------------------------------------------------- check-ins


async def check_in(user: User, bridge_id: int, command: c.CheckIn) -> int:
    """Tick a commitment of one's own as kept or missed for a day (today or yesterday)."""
    opened = await _open(user, bridge_id, command.key, commitment=command.commitment)
    if isinstance(opened, int):
        await _same_answer(opened, command.outcome)
        return opened
    key, data, side = opened
    commitment = _commitment(data, command.commitment)
    if commitment.owner != side:
        raise Forbidden("You can only check in your own commitments.")
    today = data.people[side].today()
    day = command.day or today
    if not d.can_check_in(day, today):
        raise InvalidInput.field(
            "day", "You can check in today's items, and yesterday's until the end of today."
        )
    occurrence = _occurrence(data, commitment, day, today)
    if occurrence.state is d.OccurrenceState.REPORTED:
        raise Conflict(
            f"{data.people[d.other(side)].name or 'The other side'} reported this as missed. "
            "You can answer the report on the bridge page."
        )
    if occurrence.state is not d.OccurrenceState.OPEN:
        raise Conflict(already_checked_in(day, occurrence.state.value))
    kind = d.ActKind.KEPT if command.outcome == "kept" else d.ActKind.MISSED_SELF
    return await _append(
        data, user, side, key, kind=kind, owner=side, day=day, commitment_id=commitment.id,
        once_between=(occurrence.opens, occurrence.due),
    )  # fmt: skip


async def _same_answer(act_id: int, outcome: object) -> None:
    """A replayed check-in must say what the first one said. The same form sent again
    (Back, then Missed after Kept) carries the same key: say so rather than ignore it."""
    rows = await db.fetch("SELECT kind, day FROM trust_act WHERE id = {}", act_id)
    kind = str(rows[0]["kind"])
    if _SETTLED_AS.get(kind) != outcome:
        day = rows[0]["day"]
        raise Conflict(
            already_checked_in(day if isinstance(day, date) else date.fromisoformat(day), kind)
        )


def _occurrence(data: BridgeData, commitment: d.Commitment, day: date, today: date) -> d.Occurrence:
    """The occurrence a check-in or report for `day` refers to; refused if none is due."""
    occurrence = d.occurrence_for(commitment, data.acts, data.pauses, day, today)
    if occurrence is None:
        if d.bridge_paused(day, data.pauses):
            raise InvalidInput.field("day", "The bridge is paused that day: nothing is due.")
        raise InvalidInput.field("day", "This commitment is not due on that day.")
    return occurrence


async def lays_new_plank(user: User, bridge_id: int, day: date | None) -> bool:
    """Whether `user` keeping something on that day (their today if None) would add a
    plank toward the span: only the first plank of a side's day counts.

    One small query, not the bridge: asked before a check-in that checks the bridge
    itself, and its answer is used only if that check-in is accepted.
    """
    day = day or d.local_today(clock.now(), user.time_zone or "UTC")
    return not await db.fetch(_A_PLANK_THAT_DAY, bridge_id, user.id, day)


async def partner_name(user: User, bridge_id: int) -> str:
    """The other side's name on a bridge of `user`'s (for a note on Today)."""
    people = state.bridge_data(await state.bridge_row(user, bridge_id), [], [], [], [])
    return people.people[d.other(people.side_of(user.id))].name or "The other side"


# A live kept, listening or mistake act of that person on that day: its plank counts
# (such acts are their author's own, so the author is the side).
_A_PLANK_THAT_DAY = """
    SELECT 1 FROM trust_act AS a
    WHERE a.bridge = {} AND a.author = {} AND a.day = {}
        AND a.kind IN ('kept', 'listening', 'mistake')
        AND NOT EXISTS (
            SELECT 1 FROM trust_act AS w WHERE w.kind = 'withdrawal' AND w.target = a.id
        )
    LIMIT 1
"""


def _commitment(data: BridgeData, commitment_id: int) -> d.Commitment:
    for commitment in data.commitments:
        if commitment.id == commitment_id:
            return commitment
    raise NotFound("Commitment not found.")


async def report_miss(user: User, bridge_id: int, command: c.ReportMiss) -> int:
    """The partner says an item was not kept; the owner can answer in the timeline."""
    opened = await _open(user, bridge_id, command.key)
    if isinstance(opened, int):
        return opened
    key, data, side = opened
    commitment = _commitment(data, command.commitment)
    if commitment.owner == side:
        raise Forbidden("To report your own miss, check it in as missed.")
    today = data.people[side].today()
    day = command.day or today
    if not d.can_check_in(day, today):
        raise InvalidInput.field(
            "day", "You can report a miss for today or yesterday, on a day the commitment was due."
        )
    occurrence = _occurrence(data, commitment, day, today)
    if day < occurrence.due:
        raise InvalidInput.field(
            "day", "It can still be done: it is due by " + formats.short_day(occurrence.due) + "."
        )
    owner = data.people[commitment.owner].name or "The other side"
    match occurrence.state:
        case d.OccurrenceState.KEPT | d.OccurrenceState.SECURED:
            raise Conflict(
                f"{owner} checked this in as kept. If you don't agree, leave it unconfirmed "
                "and talk it through."
            )
        case d.OccurrenceState.MISSED:
            raise Conflict(f"{owner} already said they missed this.")
        case d.OccurrenceState.REPORTED:
            raise Conflict("You already reported this miss.")
    return await _append(
        data,
        user,
        side,
        key,
        kind=d.ActKind.MISSED_PARTNER,
        owner=commitment.owner,
        day=day,
        commitment_id=commitment.id,
        texts={"note": command.note} if command.note else None,
        once_between=(occurrence.opens, occurrence.due),
    )


async def respond_to_miss(user: User, bridge_id: int, command: c.RespondToMiss) -> int:
    """The owner answers a miss the partner reported: once, in words both sides read."""
    data, side = await state.load(user, bridge_id)
    data.require_active()
    target = _target(data, command.act)
    if target.kind is not d.ActKind.MISSED_PARTNER or target.owner != side:
        raise Forbidden("You can answer only a miss reported about your own commitment.")
    if await MissResponse.exists().where(MissResponse.act == target.id):
        raise Conflict("You already answered this report.")
    response = MissResponse(
        act=target.id, author=user.id, side=side.value, text=command.text, created_at=clock.now()
    )
    try:
        await response.save()
    except Exception as error:  # a twin request won the unique index
        raise Conflict("You already answered this report.") from error
    return int(response.id)


# ---------------------------------------------------------------- listening and mistakes


async def log_listening(user: User, bridge_id: int, command: c.LogListening) -> int:
    opened = await _open(user, bridge_id, command.key)
    if isinstance(opened, int):
        return opened
    key, data, side = opened
    today = data.people[side].today()
    day = command.day or today
    if not d.can_check_in(day, today):
        raise InvalidInput.field("day", "Log a session on the day it happened or the day after.")
    return await _append(
        data,
        user,
        side,
        key,
        kind=d.ActKind.LISTENING,
        owner=side,
        day=day,
        texts={"agenda_by": command.agenda_by, "summary": command.summary},
        private_note=command.private_notes,
    )


async def own_mistake(user: User, bridge_id: int, command: c.OwnMistake) -> int:
    opened = await _open(user, bridge_id, command.key)
    if isinstance(opened, int):
        return opened
    key, data, side = opened
    today = data.people[side].today()
    return await _append(
        data,
        user,
        side,
        key,
        kind=d.ActKind.MISTAKE,
        owner=side,
        day=today,
        texts={
            "what_happened": command.what_happened,
            "my_part": command.my_part,
            "differently": command.differently,
        },
    )


# ---------------------------------------------------------------- confirm and withdraw


def _target(data: BridgeData, act_id: int) -> d.TrustAct:
    for act in data.acts:
        if act.id == act_id:
            return act
    raise NotFound("That entry is not on this bridge.")


def _refuse_aged_out(data: BridgeData, side: d.Side, targets: list[d.TrustAct]) -> None:
    """A plank whose confirmation window closed can no longer be secured: say so."""
    today = data.people[side].today()
    for target in targets:
        if not d.confirmable_on(target, today):
            owner = data.people[target.owner].name
            raise Conflict(
                f"{owner}'s entry for {formats.day(target.day)} can no longer be confirmed: "
                f"confirmations are open for {d.CONFIRM_DAYS} days after the day they are about."
            )


async def confirm(user: User, bridge_id: int, command: c.Confirm) -> int:
    """The partner confirms a kept item, "I felt heard", or acknowledges a mistake."""
    opened = await _open(user, bridge_id, command.key, answering=command.act)
    if isinstance(opened, int):
        return opened
    key, data, side = opened
    target = _target(data, command.act)
    if not d.can_confirm(target, side):
        raise Forbidden("Only the other side can confirm this.")
    _refuse_aged_out(data, side, [target])
    if target.id not in _live_ids(data):
        raise Conflict("This entry was withdrawn; there is nothing to confirm.")
    if target.id in _confirmed_ids(data):
        raise Conflict("You already confirmed this.")
    return await _append(
        data,
        user,
        side,
        key,
        kind=d.ActKind.CONFIRMATION,
        owner=target.owner,
        day=target.day,
        target_id=target.id,
    )


async def confirm_kept(user: User, bridge_id: int, command: c.ConfirmKept) -> list[int]:
    """The partner confirms several kept items at once: the ones their page listed.

    Only kept items: "I felt heard" and acknowledging a mistake are answered one at a
    time. An item already confirmed, or withdrawn since the page was drawn, is passed
    over; any other that cannot be confirmed refuses the whole request, which saves
    nothing. Each confirmation's key is the request's key and its target, so the same
    request twice, or racing, creates each confirmation once.
    """
    key = c.stored_key(user, command.key)
    data, side = await state.load_for_acts(user, bridge_id, list(command.acts))
    data.require_active()
    targets = [_target(data, act_id) for act_id in command.acts]
    for target in targets:
        if not d.can_confirm(target, side):
            raise Forbidden("Only the other side can confirm this.")
        if target.kind is not d.ActKind.KEPT:
            raise InvalidInput.field(
                "acts", "Listening sessions and owned mistakes are answered one at a time."
            )
    _refuse_aged_out(data, side, targets)
    live, confirmed = _live_ids(data), _confirmed_ids(data)
    now = clock.now()
    keys = [f"{key}.{target.id}" for target in targets]
    statements: list[db.Statement] = []
    for target, each_key in zip(targets, keys, strict=True):
        if target.id in live and target.id not in confirmed:
            values = (data.id, d.ActKind.CONFIRMATION.value, user.id, side.value,
                      target.owner.value, target.day, now, target.id, "{}", each_key)  # fmt: skip
            statements.append((_CONFIRM_ONCE, values))
    if statements:
        await db.write(*statements)
        metrics.TRUST_ACTS.labels(d.ActKind.CONFIRMATION.value).inc(len(statements))
    # What this request made, in this delivery or an earlier one.
    placeholders = ", ".join("{}" for _ in keys)
    made = await db.fetch(_MADE_BY_KEYS.format(keys=placeholders), *keys)
    return [int(row["id"]) for row in made]


# A confirmation whose key is already stored was made by an earlier delivery.
_CONFIRM_ONCE = """
    INSERT INTO trust_act (bridge, kind, author, author_side, owner_side, day, created_at,
        target, details, idempotency_key)
    VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {})
    ON CONFLICT (idempotency_key) DO NOTHING
"""
_MADE_BY_KEYS = "SELECT id FROM trust_act WHERE idempotency_key IN ({keys}) ORDER BY id"


async def withdraw(user: User, bridge_id: int, command: c.Withdraw) -> int:
    """Take back one's own act within 24 hours; the withdrawal is itself recorded."""
    # A slip is undone anyway, on a bridge no longer being built too.
    opened = await _open(user, bridge_id, command.key, active=False, answering=command.act)
    if isinstance(opened, int):
        return opened
    key, data, side = opened
    target = _target(data, command.act)
    if target.author != side:
        raise Forbidden("You can only withdraw what you logged yourself.")
    if target.id in d.withdrawn_ids(data.acts):
        raise Conflict("This entry is already withdrawn.")
    if not d.can_withdraw(target, side, clock.now()):
        raise Conflict("Entries can be withdrawn only within 24 hours of logging them.")
    return await _append(
        data,
        user,
        side,
        key,
        kind=d.ActKind.WITHDRAWAL,
        owner=target.owner,
        day=target.day,
        target_id=target.id,
    )
