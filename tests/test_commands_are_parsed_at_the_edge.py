"""A request becomes a typed command before any service runs: a form and the JSON
API asking for the same thing make the same command, and bad input is refused with
the words the pages and the API have always used."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from server import domain as d
from server.errors import InvalidInput
from server.repair import commands as c

KEY = "alice-key-0001"


def refusal(parse: Callable[[c.Form], object], form: c.Form) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        parse(form)
    return refused.value.errors


def test_alices_check_in_from_a_form_and_from_the_api_is_one_command():
    from_form = c.parse_check_in(
        {"idempotency_key": KEY, "commitment": "12", "outcome": "kept", "day": "2026-03-31"}
    )
    from_api = c.parse_check_in(
        {"idempotency_key": KEY, "commitment": 12, "outcome": "kept", "day": "2026-03-31"}
    )
    assert from_form == from_api == c.CheckIn(KEY, 12, "kept", date(2026, 3, 31))


def test_a_check_in_without_a_day_leaves_the_day_to_the_persons_own_today():
    command = c.parse_check_in({"idempotency_key": KEY, "commitment": 12, "outcome": "missed"})
    assert command.day is None and command.outcome == "missed"


def test_bad_check_ins_are_refused_in_todays_words():
    form = {"idempotency_key": KEY, "commitment": 12, "outcome": "kept"}
    no_key = refusal(c.parse_check_in, {**form, "idempotency_key": "short"})
    assert no_key == {
        "idempotency_key": "Every change needs an idempotency key: "
        "8 to 80 letters, digits or - _ . :"
    }
    assert refusal(c.parse_check_in, {**form, "commitment": "twelve"}) == {
        "": "The commitment must be a number."
    }
    assert refusal(c.parse_check_in, {**form, "day": "31/03/2026"}) == {
        "day": "That is not a date."
    }
    assert refusal(c.parse_check_in, {**form, "outcome": ["kept", "missed"]}) == {
        "outcome": "Say whether you kept it or missed it."
    }


def test_weekdays_from_checkboxes_a_list_or_text_make_the_same_commitment():
    form = {"idempotency_key": KEY, "text": "Stand-up notes", "cadence": "weekdays"}
    one = c.parse_add_commitment({**form, "weekdays": "2"})
    several = c.parse_add_commitment({**form, "weekdays": ["4", "2", "2"]})
    from_api = c.parse_add_commitment({**form, "weekdays": [2, 4]})
    assert one.weekdays == (2,)
    assert several == from_api and several.weekdays == (2, 4)
    assert several.cadence is d.Cadence.WEEKDAYS


def test_a_commitment_names_every_field_that_is_wrong_at_once():
    errors = refusal(
        c.parse_add_commitment,
        {"idempotency_key": KEY, "text": " ", "cadence": "hourly", "weekdays": ["Mon"]},
    )
    assert errors == {
        "text": "What you will do is required.",
        "cadence": "Choose how often: once, daily, on chosen weekdays, or weekly.",
        "weekdays": "Weekdays run from Monday (0) to Sunday (6).",
    }


def test_confirming_several_at_once_reads_a_form_list_and_drops_repeats():
    command = c.parse_confirm_kept({"idempotency_key": KEY, "acts": "7,5,7"})
    assert command == c.ConfirmKept(KEY, (7, 5))
    assert refusal(c.parse_confirm_kept, {"idempotency_key": KEY, "acts": []}) == {
        "acts": "Say which entries to confirm."
    }
    assert refusal(c.parse_confirm_kept, {"idempotency_key": KEY, "acts": "7,x"}) == {
        "acts": "Each entry must be a number."
    }


def test_a_listening_session_says_who_set_the_agenda_or_is_refused():
    command = c.parse_log_listening({"idempotency_key": KEY, "summary": "  We talked  "})
    assert command.agenda_by == "partner" and command.summary == "We talked"
    assert refusal(c.parse_log_listening, {"idempotency_key": KEY, "agenda_by": "boss"}) == {
        "agenda_by": "Say who set the agenda."
    }
