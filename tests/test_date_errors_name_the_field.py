"""Each date error sits under its own field and says the real problem."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from server import clock
from tests.repair_helpers import act


def field_errors(page: str) -> dict[str, str]:
    return {
        m[1]: unescape(m[2])
        for m in re.finditer(r'<p class="error" id="f-(\w+)-error">([^<]*)</p>', page)
    }


def commitment_form(alice, bridge: int, **fields: str):
    form = alice.get(f"/bridges/{bridge}/commitments/new").text
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form)[1]
    return alice.post(
        f"/bridges/{bridge}/commitments",
        {"idempotency_key": key, "text": "Send the notes", **fields},
    )


def test_february_30th_is_not_a_date_and_nothing_else_is_said(bridge, alice):
    response = commitment_form(alice, bridge, cadence="once", due_by="2026-02-30")
    assert response.status_code == 400
    assert field_errors(response.text) == {"due_by": "Done by: February 2026 has only 28 days."}


def test_a_past_done_by_date_is_named_under_done_by_without_a_start_date(bridge, alice):
    past = (clock.now() - timedelta(days=3)).date()
    response = commitment_form(alice, bridge, cadence="once", due_by=past.isoformat())
    assert response.status_code == 400
    errors = field_errors(response.text)
    assert list(errors) == ["due_by"]
    assert errors["due_by"].endswith("has passed: pick today or a later day.")
    assert "start" not in errors["due_by"]


def test_an_end_before_a_chosen_start_is_said_under_ending(bridge, alice):
    today = clock.now().date()
    start, end = today + timedelta(days=20), today + timedelta(days=10)
    response = commitment_form(
        alice, bridge, cadence="daily", start=start.isoformat(), end=end.isoformat()
    )
    assert field_errors(response.text) == {"end": "The end date cannot be before the start date."}


def test_the_api_names_the_field_too(bridge, alice):
    response = act(
        alice, bridge, "commitments", {"text": "x", "cadence": "daily", "start": "2026-13-01"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"start": "Starting: there is no month 13, a year has 12."}
