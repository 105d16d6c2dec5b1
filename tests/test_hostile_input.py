"""Odd input gets a clear 4xx, never a 500: ids past 64 bits, deep JSON, wrong content types."""

from __future__ import annotations

import logging

import pytest

TOO_BIG = 2**63  # one past what SQLite's INTEGER holds
TOO_SMALL = -(2**63) - 1
NO_SUCH_ID = 2**31  # one past PostgreSQL's SERIAL, which every id is


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/bridges/{TOO_BIG}/state"),
        ("GET", f"/bridges/{TOO_SMALL}/state"),
        ("GET", f"/teams/{TOO_BIG}"),
        ("GET", f"/teams/{NO_SUCH_ID}"),
        ("DELETE", f"/reminders/devices/{TOO_BIG}"),
        ("POST", f"/bridges/1/commitments/{TOO_BIG}/retire"),
        ("GET", "/bridges/" + "9" * 5000 + "/state"),
    ],
)
def test_an_api_id_no_database_can_hold_is_simply_not_found(alice, caplog, method, path):
    response = alice.api(method, path)
    assert response.status_code == 404, response.text
    assert response.json()["detail"].rstrip(".").lower() == "not found"
    _no_tracebacks(caplog)


@pytest.mark.parametrize(
    "path", [f"/bridges/{TOO_BIG}", f"/teams/{TOO_BIG}/dashboard.csv", f"/teams/{TOO_SMALL}"]
)
def test_a_page_for_an_id_no_database_can_hold_is_the_not_found_page(alice, caplog, path):
    response = alice.get(path)
    assert response.status_code == 404
    assert "Not found" in response.text
    _no_tracebacks(caplog)


def test_the_largest_id_a_database_holds_is_looked_up_like_any_other(alice, caplog):
    response = alice.api("GET", f"/bridges/{NO_SUCH_ID - 1}/state")
    assert response.status_code == 404
    assert response.json()["detail"] == "Bridge not found."


def test_a_partner_id_past_64_bits_is_a_400_naming_the_field(alice, caplog):
    response = alice.api("POST", "/bridges", {"partner": -33776313412957245440})
    assert response.status_code == 400
    assert "partner" in response.json()["errors"]
    _no_tracebacks(caplog)


def test_a_check_in_for_a_commitment_past_64_bits_is_a_400_naming_the_field(alice, bridge, caplog):
    response = alice.api(
        "POST", f"/bridges/{bridge}/checkins", {"commitment": TOO_BIG, "outcome": "kept"}
    )
    assert response.status_code == 400
    assert "commitment" in response.json()["errors"]
    _no_tracebacks(caplog)


def test_a_confirmation_of_acts_past_64_bits_is_a_400_naming_the_field(bob, bridge, caplog):
    response = bob.api("POST", f"/bridges/{bridge}/confirmations/kept", {"acts": [1, TOO_BIG]})
    assert response.status_code == 400
    assert response.json()["errors"] == {"acts[1]": "Expected `int` <= 2147483647"}
    _no_tracebacks(caplog)


def test_a_form_naming_a_partner_past_64_bits_is_refused_on_the_form(alice, team, caplog):
    response = alice.post("/bridges", {"partner": str(TOO_BIG), "message": "hi"})
    assert response.status_code == 400
    assert "Choose a teammate" in response.text
    _no_tracebacks(caplog)


@pytest.mark.parametrize("commitment", [TOO_BIG, NO_SUCH_ID])
def test_a_form_check_in_for_a_commitment_no_database_holds_is_refused(
    alice, bridge, caplog, commitment
):
    response = alice.post(
        f"/bridges/{bridge}/checkins", {"commitment": str(commitment), "outcome": "kept"}
    )
    assert response.status_code == 400
    _no_tracebacks(caplog)


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/session"), ("PATCH", "/me"), ("POST", "/bridges")]
)
def test_json_nested_a_thousand_deep_is_a_400_with_a_message(alice, caplog, method, path):
    deep = b"[" * 1000 + b"]" * 1000
    response = alice.api(method, path, content=deep, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "nests more than" in response.json()["detail"]
    _no_tracebacks(caplog)


def test_brackets_inside_strings_do_not_count_as_nesting(alice):
    response = alice.api("PATCH", "/me", {"display_name": "[{" * 25, "time_zone": "UTC"})
    assert response.status_code == 200, response.text
    assert response.json()["display_name"] == "[{" * 25


def test_json_sent_as_text_plain_is_refused_with_415(browser, alice):
    response = alice.api(
        "POST",
        "/session",
        content=b'{"email": "alice@example.com", "password": "x"}',
        headers={"content-type": "text/plain"},
    )
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_a_form_posted_as_json_is_refused_with_415(alice):
    response = alice.client.post(
        "/signin",
        content=b'{"email": "alice@example.com"}',
        headers={"content-type": "application/json", "x-csrftoken": alice.csrf()},
    )
    assert response.status_code == 415


def test_a_form_with_invalid_percent_encoded_utf8_is_refused(alice, caplog):
    body = f"_csrf_token={alice.csrf()}&email=%ff%fe%40example.com&password=x".encode()
    response = alice.client.post(
        "/signin", content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 400
    assert "UTF-8" in response.text
    _no_tracebacks(caplog)


def test_the_openapi_schema_says_which_ids_exist(app, alice):
    schema = alice.client.get("/api/v1/schema/openapi.json").json()
    operation = schema["paths"]["/api/v1/bridges/{bridge_id}/state"]["get"]
    (parameter,) = [p for p in operation["parameters"] if p["name"] == "bridge_id"]
    assert parameter["schema"]["minimum"] == 1
    assert parameter["schema"]["maximum"] == NO_SUCH_ID - 1
