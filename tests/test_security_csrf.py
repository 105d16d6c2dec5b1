"""CSRF: a request that changes anything must carry the token of the browser sending it.

A form carries it in `_csrf_token`, the app's script in the `x-csrftoken`
header; both must match the browser's `csrftoken` cookie. Without it: 403, and
nothing is saved.
"""

from __future__ import annotations

from typing import Any

from server.tables import Bridge, Session, Team, User
from tests.conftest import PASSWORD, run
from tests.test_mallory_route_matrix import (
    BRIDGE,
    MADE_UP_TOKEN,
    ROUTE_TABLE,
    everything_in_the_database,
    fill,
)

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def without_token(person: Any, method: str, path: str, body: dict[str, Any]) -> Any:
    """The request a page on another site could make: the cookies go, the token does not."""
    person.csrf()  # the browser has its CSRF cookie; only the request lacks the token
    if path.startswith("/api/v1/"):
        return person.client.request(method, path, json=body)
    return person.client.request(method, path, data=body)


def assert_refused(response: Any) -> None:
    assert response.status_code == 403, response.text
    assert "CSRF" in response.text


# A service worker renewing a push subscription cannot read the CSRF cookie; the old
# subscription's auth secret authorises it instead (tests/test_reminders_settings_page.py).
NO_CSRF_BY_DESIGN = {
    ("POST", "/api/v1/reminders/devices/renew"),
    # RFC 8058 one-click unsubscribe: a mail client POSTs it with no session and no
    # token; the signed link is the proof (tests/test_reminders_by_email.py).
    ("POST", "/email/unsubscribe/{token:str}"),
}


def person_id(person: Any) -> int:
    return int(person.api("GET", "/me").json()["id"])


def test_every_state_changing_route_refuses_a_request_without_the_token(team, bridge, carol, bob):
    """Every unsafe route the app serves, by someone who would otherwise be allowed."""
    bob_id = person_id(bob)
    body = {"name": "Team", "person": bob_id, "partner": bob_id}
    before = everything_in_the_database()
    problems = []
    for (method, template), (kind, _) in ROUTE_TABLE.items():
        if method not in UNSAFE or (method, template) in NO_CSRF_BY_DESIGN:
            continue
        actor = bob if kind == BRIDGE else carol
        path = fill(
            template,
            team_id=team,
            member_id=bob_id,
            bridge_id=bridge,
            commitment_id=1,
            device_id=1,
            passkey_id=1,
            request_id=1,
            token=MADE_UP_TOKEN,
        )
        response = without_token(actor, method, path, body)
        if response.status_code != 403 or "CSRF" not in response.text:
            problems.append(f"{method} {path}: {response.status_code}")
    assert not problems, "\n".join(problems)
    assert everything_in_the_database() == before


def test_a_token_from_another_browser_is_refused(team, alice, mallory):
    forged = mallory.csrf()
    alice.csrf()
    page = alice.client.post("/teams", data={"_csrf_token": forged, "name": "Forged"})
    api = alice.client.post(
        "/api/v1/teams", json={"name": "Forged"}, headers={"x-csrftoken": forged}
    )
    assert_refused(page)
    assert_refused(api)
    assert run(Team.count()) == 1


FORM = {"email": "dave@example.com", "display_name": "Dave", "password": PASSWORD}


def test_signing_up_without_the_token_is_refused_and_makes_no_account(browser):
    dave = browser("dave")
    assert_refused(without_token(dave, "POST", "/signup", FORM))
    assert_refused(without_token(dave, "POST", "/api/v1/accounts", FORM))
    assert run(User.count()) == 0
    assert "bw_session" not in dave.client.cookies


def test_signing_in_without_the_token_is_refused_and_starts_no_session(alice, browser):
    sessions = run(Session.count())
    elsewhere = browser("alice")
    credentials = {"email": "alice@example.com", "password": PASSWORD}
    assert_refused(without_token(elsewhere, "POST", "/signin", credentials))
    assert_refused(without_token(elsewhere, "POST", "/api/v1/session", credentials))
    assert run(Session.count()) == sessions
    assert elsewhere.get("/today").status_code == 303


def test_creating_a_team_without_the_token_is_refused(alice):
    assert_refused(without_token(alice, "POST", "/teams", {"name": "Sneaky"}))
    assert_refused(without_token(alice, "POST", "/api/v1/teams", {"name": "Sneaky"}))
    assert run(Team.count()) == 0


def test_starting_a_bridge_without_the_token_is_refused(team, alice, bob):
    ask = {"partner": person_id(bob), "message": "Sent from elsewhere"}
    assert_refused(without_token(alice, "POST", "/bridges", ask))
    assert_refused(without_token(alice, "POST", "/api/v1/bridges", ask))
    assert_refused(without_token(alice, "POST", "/bridges/link", ask))
    assert_refused(without_token(alice, "POST", "/api/v1/bridges/link", ask))
    assert run(Bridge.count()) == 0


def status_of(bridge_id: int) -> str:
    return str(run(Bridge.select(Bridge.status).where(Bridge.id == bridge_id).first())["status"])


def test_accepting_without_the_token_leaves_the_bridge_pending(team, alice, bob):
    asked = alice.api("POST", "/bridges", {"partner": person_id(bob)}).json()["id"]
    assert_refused(without_token(bob, "POST", f"/bridges/{asked}/accept", {}))
    assert_refused(without_token(bob, "POST", f"/api/v1/bridges/{asked}/accept", {}))
    assert status_of(asked) == "pending"


def test_archiving_without_the_token_leaves_the_bridge_active(bridge, alice):
    assert_refused(without_token(alice, "POST", f"/bridges/{bridge}/archive", {}))
    assert_refused(without_token(alice, "POST", f"/api/v1/bridges/{bridge}/archive", {}))
    assert status_of(bridge) == "active"


def test_changing_the_password_without_the_token_keeps_the_old_one(alice, browser):
    change = {"current_password": PASSWORD, "new_password": "a whole new secret"}
    stored = run(User.select(User.password_hash).first())
    assert_refused(without_token(alice, "POST", "/settings/password", change))
    assert_refused(without_token(alice, "POST", "/api/v1/me/password", change))
    assert run(User.select(User.password_hash).first()) == stored
    assert alice.get("/").status_code == 200  # still signed in: no session was dropped
    assert browser("alice").sign_in().status_code == 303


def test_signing_out_without_the_token_is_refused_and_keeps_the_session(alice):
    assert_refused(without_token(alice, "POST", "/signout", {}))
    assert_refused(without_token(alice, "DELETE", "/api/v1/session", {}))
    assert alice.get("/").status_code == 200
