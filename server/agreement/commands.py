"""What a side asks of the plan's agreement or of a lead's request, parsed at the edge."""

from __future__ import annotations

from dataclasses import dataclass

from server.domain.agreement import Answer
from server.errors import InvalidInput
from server.lead.service import parse_choice
from server.repair.commands import Form, _choice, _id, _key
from server.text import clean, raise_if

CHANGE_NOTE_MAX = 1000


@dataclass(frozen=True)
class AnswerPlan:
    key: str
    part: int  # the version of the other side's part the person read
    answer: Answer
    note: str = ""
    # The ids of the other side's commitments the person read; None: not said (the
    # API's clients), then the answer is to the ones running when it arrives.
    commitments: frozenset[int] | None = None


@dataclass(frozen=True)
class AnswerShareRequest:
    share: bool  # False: not now


@dataclass(frozen=True)
class AskToShare:
    people: tuple[int, int]


def parse_answer_plan(form: Form) -> AnswerPlan:
    key = _key(form)
    part = _id(form.get("part"), "The part")
    value = _choice(form.get("answer"), tuple(a.value for a in Answer))
    if value is None:
        raise InvalidInput.field("answer", "Agree, or ask for a change.")
    errors: dict[str, str] = {}
    answer = Answer(value)
    note = clean(
        errors, "note", form.get("note"), "What to change", max_length=CHANGE_NOTE_MAX,
        required=False,
    )  # fmt: skip
    if answer is Answer.CHANGE and not note and not errors:
        errors["note"] = "Say what you would like changed, so the other side knows what to do."
    commitments = _commitment_ids(form.get("commitments"), errors)
    raise_if(errors)
    return AnswerPlan(key, part, answer, note if answer is Answer.CHANGE else "", commitments)


def _commitment_ids(value: object, errors: dict[str, str]) -> frozenset[int] | None:
    """The page's "3,7" (the commitments it showed) as ids; absent: None."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 2000:
        errors["commitments"] = "The commitments read: ids separated by commas."
        return None
    try:
        return frozenset(int(x) for x in value.split(",") if x.strip())
    except ValueError:
        errors["commitments"] = "The commitments read: ids separated by commas."
        return None


def parse_answer_share_request(form: Form) -> AnswerShareRequest:
    """The same yes or no as the sharing page's (`share`: on or off, a JSON boolean)."""
    return AnswerShareRequest(parse_choice(form.get("share")))


def parse_ask_to_share(form: Form) -> AskToShare:
    errors: dict[str, str] = {}
    people: list[int] = []
    for field, label in (("first", "First person"), ("second", "Second person")):
        value = form.get(field)
        try:
            people.append(_id(value, label))
        except InvalidInput:
            errors[field] = f"{label}: choose someone on the team."
    if not errors and people[0] == people[1]:
        errors["second"] = "Choose two different people."
    raise_if(errors)
    return AskToShare((people[0], people[1]))
