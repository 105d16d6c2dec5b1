"""The repair loop in the JSON API: every operation the screens (and the offline outbox) use.

(Over 400 lines: one short handler and its request/response shapes per operation.)

State-changing calls take the client's `Idempotency-Key` header: sending the same
request twice (a flaky connection, an outbox replay) creates one act.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from litestar import get, post, put
from litestar.params import HeaderParameter, JSONBody

from server.bounds import Id, PathId
from server.checkin import service as checkin
from server.repair import acts, asking, service, view
from server.repair import commands as c
from server.web import CurrentUser


class PlanIn(msgspec.Struct):
    my_part: str | None = ""
    restored_trust: str | None = ""


class CommitmentIn(msgspec.Struct):
    text: str | None = None
    cadence: str | None = None
    start: str | None = None
    end: str | None = None
    due_by: str | None = None
    weekdays: list[int] = []


class CheckInIn(msgspec.Struct):
    commitment: Id
    outcome: str
    day: str | None = None


class MissIn(msgspec.Struct):
    commitment: Id
    day: str | None = None
    note: str | None = ""


class ListeningIn(msgspec.Struct):
    agenda_by: str | None = "partner"
    summary: str | None = ""
    private_notes: str | None = ""
    day: str | None = None


class MistakeIn(msgspec.Struct):
    what_happened: str | None = None
    my_part: str | None = None
    differently: str | None = None


class ActRefIn(msgspec.Struct):
    act: Id


class ActsIn(msgspec.Struct):
    acts: list[Id]


class ResponseIn(msgspec.Struct):
    act: Id
    text: str | None = None


class ResponseOut(msgspec.Struct):
    response_id: int


class PauseIn(msgspec.Struct):
    start: str | None = None
    end: str | None = None
    reason: str | None = ""  # read only when `start` is in the past (a request)


class AnswerIn(msgspec.Struct):
    answer: str | None = None  # "agree" or "decline"


class PauseRequestOut(msgspec.Struct):
    id: int
    bridge_id: int
    mine: bool  # I asked; else the other side asks me
    first: date
    last: date
    state: str  # pending, agreed, declined, expired or withdrawn
    reason: str
    expires_on: date


class AwayOut(msgspec.Struct):
    bridge_id: int
    mine: bool  # my own silence; else the other side's
    first: date
    last: date
    days: int


class ActOut(msgspec.Struct):
    act_id: int


class ActsOut(msgspec.Struct):
    act_ids: list[int]


class CommitmentOut(msgspec.Struct):
    commitment_id: int


class SideOut(msgspec.Struct):
    name: str
    score: int
    planks: int
    secured: int
    paused: bool
    my_part: str
    restored_trust: str


class CommitmentViewOut(msgspec.Struct):
    id: int
    side: str
    text: str
    cadence: str
    start: date
    retired: bool


class EntryOut(msgspec.Struct, omit_defaults=True):
    id: int
    kind: str
    who: str
    mine: bool
    day: date
    confirmed: bool
    withdrawn: bool
    commitment_text: str = ""
    texts: dict[str, str] = {}
    private_note: str = ""  # present only on the author's own entries
    target: str = ""
    response: str = ""


class BridgeStateOut(msgspec.Struct):
    id: int
    status: str
    my_side: str
    health: int
    band: str
    explanation: str
    trend: list[int]
    percent: int
    half_needed: int
    milestones: list[int]
    complete: bool
    sides: dict[str, SideOut]
    commitments: list[CommitmentViewOut]
    timeline: list[EntryOut]
    pause_requests: list[PauseRequestOut] = []
    away: list[AwayOut] = []  # sides silent for days, not settled yet


# Declared, so the OpenAPI says every change needs one and a generated client sends it;
# a missing or malformed key is a 400 naming the header, before any service runs.
IdempotencyKey = Annotated[
    str,
    HeaderParameter(
        name="Idempotency-Key",
        pattern=r"^[A-Za-z0-9_.:-]{8,80}$",
        description="Made by the client once per change (8 to 80 letters, digits or - _ . :); "
        "the same key again returns what the first request made.",
    ),
]


def _form(data: msgspec.Struct, key: str | None = None) -> dict[str, object]:
    """A body Litestar has decoded and typed, with its key, as `commands` reads it."""
    form: dict[str, object] = msgspec.structs.asdict(data)
    if key is not None:
        form["idempotency_key"] = key
    return form


def state_out(screen: view.BridgeScreen) -> BridgeStateOut:
    sides = {
        side.value: SideOut(
            name=screen.data.people[side].name,
            score=screen.report.sides[side],
            planks=screen.progress.planks[side],
            secured=screen.progress.secured[side],
            paused=screen.paused[side],
            **screen.plan(side),
        )
        for side in (screen.me, screen.partner)
    }
    commitments = [
        CommitmentViewOut(c.id, c.side.value, c.text, c.cadence, c.start, c.retired)
        for side in (screen.me, screen.partner)
        for c in screen.commitments[side]
    ]
    timeline = [
        EntryOut(
            e.id,
            e.kind.value,
            e.who,
            e.mine,
            e.day,
            e.confirmed,
            e.withdrawn,
            e.commitment_text,
            e.texts,
            e.private_note,
            e.target_label,
            e.response,
        )
        for e in screen.timeline
    ]
    return BridgeStateOut(
        id=screen.data.id,
        status=screen.data.status,
        my_side=screen.me.value,
        health=screen.report.score,
        band=screen.report.band.value,
        explanation=screen.report.explanation,
        trend=screen.report.trend,
        percent=screen.progress.percent,
        half_needed=screen.progress.half_needed,
        milestones=list(screen.progress.milestones),
        complete=screen.progress.complete,
        sides=sides,
        commitments=commitments,
        timeline=timeline,
        pause_requests=[
            PauseRequestOut(
                a.id,
                a.bridge_id,
                a.mine,
                a.first,
                a.last,
                a.state.value,
                a.reason,
                a.expires_on,
            )
            for a in screen.asks
        ],
        away=[
            AwayOut(screen.data.id, side == screen.me, found.first, found.last, found.days)
            for side, found in screen.away.items()
            if found is not None
        ],
    )


@get("/bridges/{bridge_id:int}/state", summary="Plan, commitments, timeline and health")
async def bridge_state(user: CurrentUser, bridge_id: PathId) -> BridgeStateOut:
    return state_out(await view.bridge_screen(user, bridge_id))


@put("/bridges/{bridge_id:int}/plan", summary="Save my own part of the repair plan")
async def save_plan(user: CurrentUser, bridge_id: PathId, data: JSONBody[PlanIn]) -> BridgeStateOut:
    await service.update_plan(user, bridge_id, c.parse_save_plan(_form(data)))
    return state_out(await view.bridge_screen(user, bridge_id))


@post("/bridges/{bridge_id:int}/commitments", status_code=201, summary="Add a commitment")
async def add_commitment(
    idempotency_key: IdempotencyKey,
    user: CurrentUser,
    bridge_id: PathId,
    data: JSONBody[CommitmentIn],
) -> CommitmentOut:
    command = c.parse_add_commitment(_form(data, idempotency_key))
    made = await service.add_commitment(user, bridge_id, command)
    return CommitmentOut(made)


@post(
    "/bridges/{bridge_id:int}/commitments/{commitment_id:int}/retire",
    status_code=204,
    summary="Retire a commitment from tomorrow (its history stays)",
)
async def retire_commitment(user: CurrentUser, bridge_id: PathId, commitment_id: PathId) -> None:
    await service.retire_commitment(user, bridge_id, commitment_id)


@post(
    "/bridges/{bridge_id:int}/checkins",
    status_code=201,
    summary="Check in my commitment as kept or missed",
)
async def check_in(
    idempotency_key: IdempotencyKey,
    user: CurrentUser,
    bridge_id: PathId,
    data: JSONBody[CheckInIn],
) -> ActOut:
    command = c.parse_check_in(_form(data, idempotency_key))
    return ActOut(await acts.check_in(user, bridge_id, command))


@post(
    "/bridges/{bridge_id:int}/misses",
    status_code=201,
    summary="Report that the other side missed a commitment",
)
async def report_miss(
    idempotency_key: IdempotencyKey,
    user: CurrentUser,
    bridge_id: PathId,
    data: JSONBody[MissIn],
) -> ActOut:
    command = c.parse_report_miss(_form(data, idempotency_key))
    return ActOut(await acts.report_miss(user, bridge_id, command))


@post("/bridges/{bridge_id:int}/listening", status_code=201, summary="Log a listening session")
async def log_listening(
    idempotency_key: IdempotencyKey,
    user: CurrentUser,
    bridge_id: PathId,
    data: JSONBody[ListeningIn],
) -> ActOut:
    command = c.parse_log_listening(_form(data, idempotency_key))
    return ActOut(await acts.log_listening(user, bridge_id, command))


@post("/bridges/{bridge_id:int}/mistakes", status_code=201, summary="Own a mistake")
async def own_mistake(
    idempotency_key: IdempotencyKey,
    user: CurrentUser,
    bridge_id: PathId,
    data: JSONBody[MistakeIn],
) -> ActOut:
    command = c.parse_own_mistake(_form(data, idempotency_key))
    return ActOut(await acts.own_mistake(user, bridge_id, command))


@post(
    "/bridges/{bridge_id:int}/confirmations",
    status_code=201,
    summary="Confirm the other side's act",
)
async def confirm(
    idempotency_key: IdempotencyKey,
    user: CurrentUser,
    bridge_id: PathId,
    data: JSONBody[ActRefIn],
) -> ActOut:
    command = c.parse_confirm(_form(data, idempotency_key))
    return ActOut(await acts.confirm(user, bridge_id, command))


@post(
    "/bridges/{bridge_id:int}/confirmations/kept",
    status_code=201,
    summary="Confirm several of the other side's kept items at once",
)
async def confirm_kept(
    idempotency_key: IdempotencyKey,
    user: CurrentUser,
    bridge_id: PathId,
    data: JSONBody[ActsIn],
) -> ActsOut:
    command = c.parse_confirm_kept(_form(data, idempotency_key))
    return ActsOut(await acts.confirm_kept(user, bridge_id, command))


@post(
    "/bridges/{bridge_id:int}/withdrawals",
    status_code=201,
    summary="Withdraw my own act within 24 hours",
)
async def withdraw(
    idempotency_key: IdempotencyKey,
    user: CurrentUser,
    bridge_id: PathId,
    data: JSONBody[ActRefIn],
) -> ActOut:
    command = c.parse_withdraw(_form(data, idempotency_key))
    return ActOut(await acts.withdraw(user, bridge_id, command))


@post(
    "/bridges/{bridge_id:int}/responses",
    status_code=201,
    summary="Answer a miss the other side reported about my commitment",
)
async def respond_to_miss(
    user: CurrentUser, bridge_id: PathId, data: JSONBody[ResponseIn]
) -> ResponseOut:
    command = c.parse_respond_to_miss(_form(data))
    return ResponseOut(await acts.respond_to_miss(user, bridge_id, command))


@post(
    "/bridges/{bridge_id:int}/pause",
    status_code=204,
    summary="Pause my side (from a past day: ask the other side to agree)",
)
async def pause(user: CurrentUser, bridge_id: PathId, data: JSONBody[PauseIn]) -> None:
    await asking.pause(user, bridge_id, c.parse_pause(_form(data)))


@post(
    "/bridges/{bridge_id:int}/pause-requests",
    status_code=201,
    summary="Ask the other side to pause days already past",
)
async def ask_pause(
    idempotency_key: IdempotencyKey,
    user: CurrentUser,
    bridge_id: PathId,
    data: JSONBody[PauseIn],
) -> ActOut:
    return ActOut(await asking.ask(user, bridge_id, c.parse_pause(_form(data, idempotency_key))))


@post(
    "/bridges/{bridge_id:int}/pause-requests/{request_id:int}/answer",
    status_code=201,
    summary="Agree to or decline the other side's request to pause past days",
)
async def answer_pause(
    idempotency_key: IdempotencyKey,
    user: CurrentUser,
    bridge_id: PathId,
    request_id: PathId,
    data: JSONBody[AnswerIn],
) -> ActOut:
    form = {**_form(data, idempotency_key), "request": request_id}
    return ActOut(await asking.answer(user, bridge_id, c.parse_answer_pause(form)))


@post("/bridges/{bridge_id:int}/resume", status_code=204, summary="Resume my side")
async def resume(user: CurrentUser, bridge_id: PathId) -> None:
    await service.resume(user, bridge_id)


class DueItemOut(msgspec.Struct):
    bridge_id: int
    partner_name: str
    commitment_id: int
    text: str
    day: date
    outcome: str
    act_id: int | None


class WaitingOut(msgspec.Struct):
    bridge_id: int
    partner_name: str
    act_id: int
    kind: str
    text: str
    day: date


class TodayOut(msgspec.Struct):
    today: date
    streak: int
    items: list[DueItemOut]
    confirmations: list[WaitingOut]
    badges: list[str]
    away: list[AwayOut] = []  # my own silences: "Were you away?"
    pause_requests: list[PauseRequestOut] = []  # waiting for an answer, either way
    still_open: int = 0  # the app badge: open check-ins and planks to confirm


@get("/today", summary="Everything due for me today, and what waits for my confirmation")
async def today(user: CurrentUser) -> TodayOut:
    t = await checkin.today_view(user)
    return TodayOut(
        today=t.today,
        streak=t.streak,
        items=[
            DueItemOut(
                i.bridge_id, i.partner_name, i.commitment_id, i.text, i.day, i.outcome, i.act_id
            )
            for i in t.items
        ],
        confirmations=[
            WaitingOut(w.bridge_id, w.partner_name, w.act_id, w.kind.value, w.text, w.day)
            for w in t.confirmations
        ],
        badges=sorted(b.value for b in t.badges),
        away=[AwayOut(s.bridge_id, True, s.first, s.last, s.days) for s in t.away],
        pause_requests=[
            PauseRequestOut(
                a.id, a.bridge_id, a.mine, a.first, a.last, a.state.value, a.reason, a.expires_on
            )
            for a in t.asks
        ],
        still_open=t.still_open,
    )


ROUTES = [
    bridge_state,
    save_plan,
    add_commitment,
    retire_commitment,
    check_in,
    report_miss,
    log_listening,
    own_mistake,
    confirm,
    confirm_kept,
    withdraw,
    respond_to_miss,
    pause,
    ask_pause,
    answer_pause,
    resume,
    today,
]
