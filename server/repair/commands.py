"""What a person asks the repair loop to do, parsed at the edge into typed commands.

A handler (a page's form or the JSON API, whose msgspec shapes are read as the
same mapping) turns the request into one of these with the `parse_*` function of
its operation; the services in acts.py and service.py take the command and never
see raw input. What can be checked from the request alone is checked here, with
the messages people read; what needs the bridge (a day relative to the person's
local today, whose commitment it is, what the log allows) stays in the services.

A day left out is `None`: the service reads it as the person's own today.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar, get_args

from server import domain as d
from server.bounds import to_id
from server.errors import InvalidInput
from server.tables import User
from server.text import clean, raise_if

PLAN_MAX = 2000
COMMITMENT_MAX = 200
NOTE_MAX = 2000
CONFIRM_AT_ONCE_MAX = 500

Outcome = Literal["kept", "missed"]
Answer = Literal["agree", "decline"]
Agenda = Literal["partner", "both", "me"]  # who set a listening session's agenda
Form = Mapping[str, object]


@dataclass(frozen=True)
class CheckIn:
    key: str
    commitment: int
    outcome: Outcome
    day: date | None = None


@dataclass(frozen=True)
class ReportMiss:
    key: str
    commitment: int
    day: date | None = None
    note: str = ""


@dataclass(frozen=True)
class RespondToMiss:
    act: int
    text: str


@dataclass(frozen=True)
class LogListening:
    key: str
    day: date | None = None
    agenda_by: Agenda = "partner"
    summary: str = ""
    private_notes: str = ""


@dataclass(frozen=True)
class OwnMistake:
    key: str
    what_happened: str
    my_part: str
    differently: str


@dataclass(frozen=True)
class Confirm:
    key: str
    act: int


@dataclass(frozen=True)
class ConfirmKept:
    key: str
    acts: tuple[int, ...]  # distinct, in the order they were sent


@dataclass(frozen=True)
class Withdraw:
    key: str
    act: int


@dataclass(frozen=True)
class SavePlan:
    my_part: str = ""
    restored_trust: str = ""


@dataclass(frozen=True)
class AddCommitment:
    key: str
    text: str
    cadence: d.Cadence
    start: date | None = None
    end: date | None = None
    due_by: date | None = None
    weekdays: tuple[int, ...] = ()


@dataclass(frozen=True)
class Pause:
    start: date | None = None
    end: date | None = None
    reason: str = ""  # only a request to pause past days carries one
    key: str | None = None  # asking the partner writes an act, so it needs one


@dataclass(frozen=True)
class AnswerPause:
    key: str
    request: int
    answer: Answer


# ---------------------------------------------------------------- the parts

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,80}$")


def _key(form: Form) -> str:
    """The client's idempotency key, checked before anything else is read."""
    key = form.get("idempotency_key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise InvalidInput.field(
            "idempotency_key",
            "Every change needs an idempotency key: 8 to 80 letters, digits or - _ . :",
        )
    return key


def stored_key(user: User, key: str) -> str:
    """The stored form of a client's key: unique per person."""
    return f"{user.id}:{key}"


def _day(
    errors: dict[str, str], field: str, value: object, label: str | None = None
) -> date | None:
    """A day typed into a form or sent as text; left out (or empty) is None. What is
    wrong with one is said under `field`, naming it by its `label` when it has one."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _not_a_date(str(value).strip(), label)
        return None


def _not_a_date(text: str, label: str | None) -> str:
    # A date box shows dates in the reader's own format and sends them as 2026-03-31,
    # so an example in either form would be wrong for someone: name the problem.
    shaped = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not shaped:
        why = "that is not a date"
    elif not 1 <= (month := int(shaped[2])) <= 12:
        why = f"there is no month {month}, a year has 12"
    else:
        year = int(shaped[1])
        days = calendar.monthrange(year, month)[1]
        why = f"{calendar.month_name[month]} {year} has only {days} days"
    return f"{label}: {why}." if label else f"{why[0].upper()}{why[1:]}."


T = TypeVar("T")


def _choice(value: object, choices: tuple[T, ...]) -> T | None:
    """`value` if it is one of `choices` (a form may send anything, even a list)."""
    return next((choice for choice in choices if choice == value), None)


def _id(value: object, what: str) -> int:
    try:
        return to_id(value)
    except ValueError:
        raise InvalidInput.field("", f"{what} must be a number.") from None


# ---------------------------------------------------------------- the acts


def parse_check_in(form: Form) -> CheckIn:
    key = _key(form)
    commitment = _id(form.get("commitment"), "The commitment")
    errors: dict[str, str] = {}
    day = _day(errors, "day", form.get("day"))
    raise_if(errors)
    outcome = _choice(form.get("outcome"), get_args(Outcome))
    if outcome is None:
        raise InvalidInput.field("outcome", "Say whether you kept it or missed it.")
    return CheckIn(key, commitment, outcome, day)


def parse_report_miss(form: Form) -> ReportMiss:
    key = _key(form)
    commitment = _id(form.get("commitment"), "The commitment")
    errors: dict[str, str] = {}
    day = _day(errors, "day", form.get("day"))
    note = clean(
        errors, "note", form.get("note"), "What you saw", max_length=NOTE_MAX, required=False
    )
    raise_if(errors)
    return ReportMiss(key, commitment, day, note)


def parse_respond_to_miss(form: Form) -> RespondToMiss:
    act = _id(form.get("act"), "The act")
    errors: dict[str, str] = {}
    text = clean(errors, "text", form.get("text"), "Your answer", max_length=NOTE_MAX)
    raise_if(errors)
    return RespondToMiss(act, text)


def parse_log_listening(form: Form) -> LogListening:
    key = _key(form)
    errors: dict[str, str] = {}
    day = _day(errors, "day", form.get("day"))
    agenda = _choice(form.get("agenda_by") or "partner", get_args(Agenda))
    if agenda is None:
        errors["agenda_by"] = "Say who set the agenda."
    summary = clean(
        errors, "summary", form.get("summary"), "Shared summary", max_length=NOTE_MAX,
        required=False,
    )  # fmt: skip
    private = clean(
        errors, "private_notes", form.get("private_notes"), "Private notes", max_length=NOTE_MAX,
        required=False,
    )  # fmt: skip
    raise_if(errors)
    return LogListening(key, day, agenda or "partner", summary, private)


def parse_own_mistake(form: Form) -> OwnMistake:
    key = _key(form)
    errors: dict[str, str] = {}
    what = clean(
        errors, "what_happened", form.get("what_happened"), "What happened", max_length=NOTE_MAX
    )
    part = clean(errors, "my_part", form.get("my_part"), "Your part", max_length=NOTE_MAX)
    change = clean(
        errors, "differently", form.get("differently"), "What you will do differently",
        max_length=NOTE_MAX,
    )  # fmt: skip
    raise_if(errors)
    return OwnMistake(key, what, part, change)


def parse_confirm(form: Form) -> Confirm:
    key = _key(form)
    return Confirm(key, _id(form.get("act"), "The act"))


def parse_withdraw(form: Form) -> Withdraw:
    key = _key(form)
    return Withdraw(key, _id(form.get("act"), "The act"))


def parse_confirm_kept(form: Form) -> ConfirmKept:
    """Act ids from a form ("12,13,14") or the JSON API ([12, 13, 14])."""
    key = _key(form)
    value = form.get("acts")
    parts = value.split(",") if isinstance(value, str) else value
    if not isinstance(parts, list | tuple) or not parts:
        raise InvalidInput.field("acts", "Say which entries to confirm.")
    if len(parts) > CONFIRM_AT_ONCE_MAX:
        raise InvalidInput.field("acts", f"Confirm at most {CONFIRM_AT_ONCE_MAX} entries at once.")
    try:
        ids = tuple(dict.fromkeys(to_id(part) for part in parts))
    except ValueError:
        raise InvalidInput.field("acts", "Each entry must be a number.") from None
    return ConfirmKept(key, ids)


# ---------------------------------------------------------------- plan, commitments, pauses


def parse_save_plan(form: Form) -> SavePlan:
    errors: dict[str, str] = {}
    my_part = clean(
        errors, "my_part", form.get("my_part"), "Your part", max_length=PLAN_MAX, required=False
    )
    restored = clean(
        errors, "restored_trust", form.get("restored_trust"), "Restored trust",
        max_length=PLAN_MAX, required=False,
    )  # fmt: skip
    raise_if(errors)
    return SavePlan(my_part, restored)


def parse_add_commitment(form: Form) -> AddCommitment:
    key = _key(form)
    errors: dict[str, str] = {}
    text = clean(errors, "text", form.get("text"), "What you will do", max_length=COMMITMENT_MAX)
    try:
        cadence = d.Cadence(str(form.get("cadence") or ""))
    except ValueError:
        errors["cadence"] = "Choose how often: once, daily, on chosen weekdays, or weekly."
        cadence = d.Cadence.DAILY
    start = _day(errors, "start", form.get("start"), "Starting")
    end = _day(errors, "end", form.get("end"), "Ending")
    due_by = _day(errors, "due_by", form.get("due_by"), "Done by")
    # A form's checkboxes arrive as one value or several; the API sends a list.
    raw_days = form.get("weekdays") or []
    if isinstance(raw_days, str):
        raw_days = [x for x in raw_days.split(",") if x.strip()]
    try:
        weekdays = (
            tuple(sorted({int(str(x)) for x in raw_days})) if isinstance(raw_days, list) else ()
        )
    except ValueError:
        errors["weekdays"] = "Weekdays run from Monday (0) to Sunday (6)."
        weekdays = ()
    raise_if(errors)
    return AddCommitment(key, text, cadence, start, end, due_by, weekdays)


PAUSE_REASON_MAX = 500


def parse_pause(form: Form) -> Pause:
    """A pause from a day on, or a request to pause past days (then with a key,
    which an older client or the one-button form may leave out: one is made)."""
    errors: dict[str, str] = {}
    start = _day(errors, "start", form.get("start"))
    end = _day(errors, "end", form.get("end"))
    reason = clean(
        errors, "reason", form.get("reason"), "Reason", max_length=PAUSE_REASON_MAX,
        required=False,
    )  # fmt: skip
    raise_if(errors)
    key = _key(form) if form.get("idempotency_key") not in (None, "") else None
    return Pause(start, end, reason or "", key)


def parse_answer_pause(form: Form) -> AnswerPause:
    key = _key(form)
    request = _id(form.get("request"), "The request")
    answer = _choice(form.get("answer"), get_args(Answer))
    if answer is None:
        raise InvalidInput.field("answer", "Answer agree or decline.")
    return AnswerPause(key, request, answer)
