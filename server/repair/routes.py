"""Pages of the repair loop: Today, the plan, commitments, listening, mistakes, one-tap acts."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any, TypeVar

from litestar import get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server.agreement import service as agreement
from server.bounds import PathId
from server.checkin import service as checkin
from server.errors import Conflict, InvalidInput, NotFound
from server.repair import acts, asking, service, view
from server.repair import commands as c
from server.repair import undo as undoing
from server.tables import User
from server.web import CurrentUser, Form, page, safe_next, see_other

Command = TypeVar("Command")
Parse = Callable[[c.Form], Command]  # a request's form -> the command of an operation
Action = Callable[[User, int, Command], Awaitable[object]]  # the service that takes it


def new_key() -> str:
    """A fresh idempotency key for a form: resubmitting the same form creates one act."""
    return uuid.uuid4().hex


class FormKeys:
    """Idempotency keys for the forms of one page: one random part, then a counter.

    Today and the bridge page carry dozens of forms; a uuid4 each was a tenth of
    rendering them. Keys stay unique, because each page gets its own random part.
    """

    def __init__(self) -> None:
        self._page = uuid.uuid4().hex[:28]  # ~108 random bits; with the counter, 32 hex
        self._count = 0

    def __call__(self) -> str:
        self._count += 1
        return f"{self._page}{self._count:04x}"


async def _today(user: User, status_code: int = 200, **flash: Any) -> Template:
    return page(
        "checkin/today.html",
        status_code,
        viewer=user,
        today=await checkin.today_view(user, celebrate=status_code == 200),
        new_key=FormKeys(),
        **{
            "laid": False,
            "kept": False,
            "missed": False,
            "secured": "",
            "many": False,
            "refused": "",
            "undo": None,
            "undone": "",
            **flash,
        },
    )


@get("/today", name="today")
async def today_page(
    user: CurrentUser,
    laid: FromQuery[int] = 0,
    kept: FromQuery[int] = 0,
    secured: FromQuery[int] = 0,
    many: FromQuery[int] = 0,
    missed: FromQuery[int] = 0,
    undo: FromQuery[int] = 0,
    undone: FromQuery[str] = "",
) -> Template:
    # `secured` is the bridge whose planks were just confirmed: its partner is named.
    partner = ""
    if secured:
        with suppress(NotFound, Conflict):  # not a bridge of hers (a made-up link): no note
            partner = await acts.partner_name(user, secured)
    return await _today(
        user,
        laid=bool(laid),
        kept=bool(kept),
        missed=bool(missed),
        secured=partner,
        many=bool(many),
        undo=await undoing.undoable(user, undo) if undo else None,
        undone=undone if undone in UNDONE else "",
    )


# What Today says after an Undo, by what was undone (`?undone=`).
UNDONE = ("checkin", "confirmation")


def _with(target: str, query: str) -> str:
    return target + ("&" if "?" in target else "?") + query


async def _one_tap(
    user: User,
    bridge_id: int,
    data: dict[str, Any],
    parse: Parse[Command],
    action: Action[Command],
) -> Redirect:
    await action(user, bridge_id, parse(data))
    return see_other(safe_next(data.get("next"), f"/bridges/{bridge_id}"))


@post("/bridges/{bridge_id:int}/checkins")
async def check_in(user: CurrentUser, bridge_id: PathId, data: Form) -> Template | Redirect:
    command = c.parse_check_in(data)
    kept = command.outcome == "kept"
    fresh = kept and await acts.lays_new_plank(user, bridge_id, command.day)
    target = safe_next(data.get("next"), "/today")
    try:
        act_id = await acts.check_in(user, bridge_id, command)
    except Conflict as error:
        if target != "/today":
            raise
        # Back, then Missed after Kept: Today says what it already has.
        return await _today(user, 409, refused=str(error))
    if kept:
        # The page says "Plank laid." only when this keep added one to the span.
        target = _with(target, "laid=1" if fresh else "kept=1")
    elif target == "/today":
        target = _with(target, "missed=1")
    if target.startswith("/today?"):
        target = _with(target, f"undo={act_id}")  # Today offers to take it back
    return see_other(target)


def _secured_note(redirect: Redirect, bridge_id: int, many: bool = False) -> Redirect:
    """Back on Today after a confirmation, say whose plank it secured."""
    if redirect.url == "/today":
        return see_other(f"/today?secured={bridge_id}" + ("&many=1" if many else ""))
    return redirect


@post("/bridges/{bridge_id:int}/confirmations")
async def confirm(user: CurrentUser, bridge_id: PathId, data: Form) -> Redirect:
    act_id = await acts.confirm(user, bridge_id, c.parse_confirm(data))
    done = see_other(safe_next(data.get("next"), f"/bridges/{bridge_id}"))
    if done.url == "/today":
        return see_other(f"/today?secured={bridge_id}&undo={act_id}")
    return done


@post("/bridges/{bridge_id:int}/confirmations/kept")
async def confirm_kept(user: CurrentUser, bridge_id: PathId, data: Form) -> Redirect:
    done = await _one_tap(user, bridge_id, data, c.parse_confirm_kept, acts.confirm_kept)
    return _secured_note(done, bridge_id, many=True)


@post("/bridges/{bridge_id:int}/withdrawals")
async def withdraw(user: CurrentUser, bridge_id: PathId, data: Form) -> Redirect:
    return await _one_tap(user, bridge_id, data, c.parse_withdraw, acts.withdraw)


@post("/bridges/{bridge_id:int}/misses")
async def report_miss(user: CurrentUser, bridge_id: PathId, data: Form) -> Redirect:
    return await _one_tap(user, bridge_id, data, c.parse_report_miss, acts.report_miss)


@post("/bridges/{bridge_id:int}/responses")
async def respond_to_miss(user: CurrentUser, bridge_id: PathId, data: Form) -> Redirect:
    await acts.respond_to_miss(user, bridge_id, c.parse_respond_to_miss(data))
    return see_other(f"/bridges/{bridge_id}#timeline-h")


async def _form_page(
    template: str,
    user: User,
    bridge_id: int,
    status_code: int = 200,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    with_agreement: bool = False,
) -> Template:
    screen = await view.bridge_screen(user, bridge_id)
    screen.data.require_active()
    # A commitment added after the partner agreed asks them again: the form says so.
    plan = await agreement.agreement_of(screen.data, screen.me) if with_agreement else None
    return page(
        template,
        status_code,
        viewer=user,
        screen=screen,
        form=form or {},
        errors=errors or {},
        key=(form or {}).get("idempotency_key") or new_key(),
        plan=plan,
    )


def _form_routes(
    slug: str,
    template: str,
    parse: Parse[Command],
    action: Action[Command],
    with_agreement: bool = False,
) -> list[Any]:
    async def show(user: CurrentUser, bridge_id: PathId) -> Template:
        return await _form_page(template, user, bridge_id, with_agreement=with_agreement)

    async def submit(user: CurrentUser, bridge_id: PathId, data: Form) -> Template | Redirect:
        try:
            await action(user, bridge_id, parse(data))
        except InvalidInput as error:
            return await _form_page(
                template, user, bridge_id, 400, data, error.errors, with_agreement
            )
        return see_other(f"/bridges/{bridge_id}")

    path = f"/bridges/{{bridge_id:int}}/{slug}"
    return [
        get(f"{path}/new", name=f"{slug}_form")(show),
        post(path, name=f"{slug}_submit")(submit),
    ]


@get("/bridges/{bridge_id:int}/plan", name="plan_form")
async def plan_form(user: CurrentUser, bridge_id: PathId) -> Template:
    screen = await view.bridge_screen(user, bridge_id)
    screen.data.require_active()
    return page(
        "repair/plan.html",
        viewer=user,
        screen=screen,
        form=screen.plan(screen.me),
        errors={},
        plan=await agreement.agreement_of(screen.data, screen.me),
    )


@post("/bridges/{bridge_id:int}/plan")
async def save_plan(user: CurrentUser, bridge_id: PathId, data: Form) -> Template | Redirect:
    try:
        await service.update_plan(user, bridge_id, c.parse_save_plan(data))
    except InvalidInput as error:
        screen = await view.bridge_screen(user, bridge_id)
        return page(
            "repair/plan.html", 400, viewer=user, screen=screen, form=data, errors=error.errors,
            plan=await agreement.agreement_of(screen.data, screen.me),
        )  # fmt: skip
    return see_other(f"/bridges/{bridge_id}#plan")


@post("/bridges/{bridge_id:int}/commitments/{commitment_id:int}/retire")
async def retire(user: CurrentUser, bridge_id: PathId, commitment_id: PathId) -> Redirect:
    await service.retire_commitment(user, bridge_id, commitment_id)
    return see_other(f"/bridges/{bridge_id}#commitments")


@post("/bridges/{bridge_id:int}/pause")
async def pause(user: CurrentUser, bridge_id: PathId, data: Form) -> Redirect:
    await asking.pause(user, bridge_id, c.parse_pause(data))
    return see_other(safe_next(data.get("next"), f"/bridges/{bridge_id}"))


@post("/bridges/{bridge_id:int}/pause-requests/answer")
async def answer_pause(user: CurrentUser, bridge_id: PathId, data: Form) -> Redirect:
    return await _one_tap(user, bridge_id, data, c.parse_answer_pause, asking.answer)


@post("/bridges/{bridge_id:int}/resume")
async def resume(user: CurrentUser, bridge_id: PathId) -> Redirect:
    await service.resume(user, bridge_id)
    return see_other(f"/bridges/{bridge_id}")


ROUTES = [
    today_page,
    check_in,
    confirm,
    confirm_kept,
    withdraw,
    report_miss,
    respond_to_miss,
    plan_form,
    save_plan,
    retire,
    pause,
    answer_pause,
    resume,
    *_form_routes(
        "commitments",
        "repair/commitment.html",
        c.parse_add_commitment,
        service.add_commitment,
        with_agreement=True,
    ),
    *_form_routes("listening", "repair/listening.html", c.parse_log_listening, acts.log_listening),
    *_form_routes("mistakes", "repair/mistake.html", c.parse_own_mistake, acts.own_mistake),
]
