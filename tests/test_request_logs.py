"""Every request leaves one JSON line an operator can follow by its request id — the
id the client got back — with the route template, status, duration and person id,
and never anything a person wrote, their name or their email."""

from __future__ import annotations

import io
import json
import logging
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from piccolo.engine.postgres import PostgresEngine

from server.app import create_app
from server.observe import logs
from server.settings import load_settings
from tests.conftest import Browser, _bind, create_team, join_team
from tests.observe_helpers import Relay
from tests.repair_helpers import act, check_in, commit


class Captured:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def captured() -> Iterator[Captured]:
    """What a production process writes to stderr, debug lines included."""
    out = Captured()
    previous = logging.getLogger().level
    handler = logs.configure("json", out.stream, level=logging.DEBUG)
    yield out
    logging.getLogger().removeHandler(handler)
    logging.getLogger().setLevel(previous)


def requests_in(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line.get("event") == "request"]


def test_each_request_is_one_line_with_the_id_the_client_got_back(captured, alice):
    response = alice.get("/today")
    assert response.status_code == 200
    [line] = [r for r in requests_in(captured.lines()) if r["route"] == "/today"]
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["duration_ms"] >= 0
    assert line["person"] == alice.api("GET", "/me").json()["id"]


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(captured, alice):
    kept = alice.get("/today", headers={"x-request-id": "caddy-4b1d9e2f-77"})
    assert kept.headers["x-request-id"] == "caddy-4b1d9e2f-77"
    odd = alice.get("/today", headers={"x-request-id": 'x" , "status": 200'})
    assert odd.headers["x-request-id"] != 'x" , "status": 200'
    ids = [r["request_id"] for r in requests_in(captured.lines()) if r["route"] == "/today"]
    assert ids == ["caddy-4b1d9e2f-77", odd.headers["x-request-id"]]


def test_a_route_is_logged_by_its_template_never_with_the_id_in_the_path(captured, alice, bridge):
    alice.get(f"/bridges/{bridge}")
    [line] = [r for r in requests_in(captured.lines()) if r["route"].startswith("/bridges/")]
    assert line["route"] == "/bridges/{bridge_id}"


def test_a_500_logs_the_error_with_its_traceback_under_the_id_the_client_saw(
    postgres_url, captured
):
    relay = Relay(postgres_url)
    _bind(PostgresEngine(config={"dsn": relay.url}))
    settings = load_settings({**os.environ, "DATABASE_URL": relay.url})
    try:
        # The run's shared database: a bob of his own, whichever tests ran before.
        bob = Browser(create_app(settings, run_migrations=False), f"bob{uuid.uuid4().hex[:8]}")
        assert bob.sign_up().status_code in (200, 303)
        relay.cut()  # PostgreSQL goes away under bob's next page
        response = bob.get("/today")
        bob.close()
    finally:
        if relay.listener is not None:
            relay.close()
    assert response.status_code == 500
    rid = response.headers["x-request-id"]
    mine = [line for line in captured.lines() if line.get("request_id") == rid]
    [error] = [line for line in mine if "traceback" in line]
    assert error["level"] == "error"
    assert "Traceback (most recent call last)" in error["traceback"]
    [request] = requests_in(mine)
    assert (request["status"], request["route"], request["level"]) == (500, "/today", "error")
    assert bob.email not in captured.text()


WRITTEN = {
    "my part": "I-rewrote-Bobs-slides-without-asking",
    "restored": "Trust-looks-like-a-heads-up-first",
    "commitment": "Share-drafts-before-Thursday-standup",
    "summary": "We-talked-about-the-quarterly-review",
    "private": "Felt-defensive-at-first-private",
    "mistake": "Skipped-the-retro-invite",
    "differently": "Invite-everyone-on-the-list",
}


def test_a_whole_journey_leaves_no_text_name_or_email_in_the_logs(captured, browser):
    carol = browser("carol")
    carol.sign_up("Carolina Vantablack")
    alice = browser("alice")
    alice.sign_up("Alicia Quartermaine")
    bob = browser("bob")
    bob.sign_up("Roberto Zeppelin")
    join_team(carol, create_team(carol, "Quokka Squad"), alice, bob)
    bob_id = bob.api("GET", "/me").json()["id"]
    asked = alice.api("POST", "/bridges", {"partner": bob_id, "message": "Coffee-and-clear-air"})
    bridge = int(asked.json()["id"])
    assert bob.api("POST", f"/bridges/{bridge}/accept").status_code == 200
    plan = {"my_part": WRITTEN["my part"], "restored_trust": WRITTEN["restored"]}
    assert alice.api("PUT", f"/bridges/{bridge}/plan", plan).status_code == 200
    commitment = commit(alice, bridge, WRITTEN["commitment"])
    kept = check_in(alice, bridge, commitment, "kept").json()["act_id"]
    assert act(bob, bridge, "confirmations", {"act": kept}).status_code == 201
    listening = {"summary": WRITTEN["summary"], "private_notes": WRITTEN["private"]}
    assert act(alice, bridge, "listening", listening).status_code == 201
    mistake = {
        "what_happened": WRITTEN["mistake"],
        "my_part": WRITTEN["my part"],
        "differently": WRITTEN["differently"],
    }
    assert act(bob, bridge, "mistakes", mistake).status_code == 201
    for person in (alice, bob):
        assert person.get("/today").status_code == 200
        assert person.get(f"/bridges/{bridge}").status_code == 200
    assert len(requests_in(captured.lines())) > 20
    text = captured.text()
    for word in [*WRITTEN.values(), "Coffee-and-clear-air", "Quokka Squad"]:
        assert word not in text
    for name in ("Carolina", "Alicia", "Quartermaine", "Roberto", "Zeppelin", "@example.com"):
        assert name not in text
