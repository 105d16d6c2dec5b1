"""Mallory against every route: nobody reads or changes a team they are not in,
or a bridge they are not a side of.

ROUTE_TABLE names every (method, path) the app serves and how mallory is
checked on it. A route the table does not list fails
`test_every_route_of_the_app_is_in_the_mallory_table`, so a new route cannot
ship without someone deciding who may use it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

from server.app import create_app
from server.settings import load_settings
from server.tables import Bridge, Membership, Session, Team, TeamInvite, User
from tests.conftest import TABLES, run

# How mallory (signed in, on no team, in no bridge) is checked on a route.
PUBLIC = "public"  # anyone may use it; it shows nobody's data
OWN = "own"  # acts only on the caller's own account, teams and bridges
TEAMMATE = "teammate"  # names another person: only someone on one of the caller's teams
TEAM = "team"  # a team id in the path: only its members
BRIDGE = "bridge"  # a bridge id in the path: only its two sides
TEAM_LINK = "team link"  # a join token in the path: the link is the permission
BRIDGE_LINK = "bridge link"  # a bridge invitation token in the path: likewise
DEVICE = "device"  # a reminder device id in the path: only its owner (test_reminders_mallory)
EMAIL_LINK = (
    "email link"  # a signed token from an email in the path: the signature is the permission
)
OPERATOR = "operator"  # only METRICS_NETWORKS or the METRICS_TOKEN bearer (test_metrics)
PASSKEY = "passkey"  # a passkey id in the path: only its owner (test_passkeys_adding_and_removing)

# Whether a signed-out browser is sent to sign in (HTML) or gets a 401 (API).
OPEN, SIGNED_IN = "open", "signed in"

ROUTE_TABLE: dict[tuple[str, str], tuple[str, str]] = {
    # pages
    ("GET", "/"): (OWN, OPEN),  # signed out: the landing page
    ("GET", "/signup"): (PUBLIC, OPEN),
    ("POST", "/signup"): (PUBLIC, OPEN),
    ("GET", "/signin"): (PUBLIC, OPEN),
    ("POST", "/signin"): (PUBLIC, OPEN),
    ("POST", "/signout"): (OWN, OPEN),
    ("GET", "/settings"): (OWN, SIGNED_IN),
    ("POST", "/settings/profile"): (OWN, SIGNED_IN),
    ("POST", "/settings/password"): (OWN, SIGNED_IN),
    ("GET", "/teams/new"): (OWN, SIGNED_IN),
    ("POST", "/teams"): (OWN, SIGNED_IN),
    ("GET", "/teams/{team_id:int}"): (TEAM, SIGNED_IN),
    ("POST", "/teams/{team_id:int}/invites"): (TEAM, SIGNED_IN),
    ("POST", "/teams/{team_id:int}/members/{member_id:int}/remove"): (TEAM, SIGNED_IN),
    ("POST", "/teams/{team_id:int}/lead"): (TEAM, SIGNED_IN),
    ("POST", "/teams/{team_id:int}/leave"): (TEAM, SIGNED_IN),
    ("GET", "/join/{token:str}"): (TEAM_LINK, OPEN),
    ("POST", "/join/{token:str}"): (TEAM_LINK, OPEN),
    ("GET", "/bridges/new"): (OWN, SIGNED_IN),
    ("POST", "/bridges"): (TEAMMATE, SIGNED_IN),
    ("POST", "/bridges/link"): (OWN, SIGNED_IN),
    ("GET", "/bridges/{bridge_id:int}"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/accept"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/decline"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/archive"): (BRIDGE, SIGNED_IN),
    ("GET", "/b/{token:str}"): (BRIDGE_LINK, OPEN),  # signed out: sign up to answer
    ("POST", "/b/{token:str}"): (BRIDGE_LINK, OPEN),
    ("GET", "/today"): (OWN, SIGNED_IN),
    ("GET", "/bridges/{bridge_id:int}/plan"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/plan"): (BRIDGE, SIGNED_IN),
    ("GET", "/bridges/{bridge_id:int}/commitments/new"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/commitments"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/commitments/{commitment_id:int}/retire"): (
        BRIDGE,
        SIGNED_IN,
    ),
    ("POST", "/bridges/{bridge_id:int}/checkins"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/misses"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/responses"): (BRIDGE, SIGNED_IN),
    ("GET", "/bridges/{bridge_id:int}/listening/new"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/listening"): (BRIDGE, SIGNED_IN),
    ("GET", "/bridges/{bridge_id:int}/mistakes/new"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/mistakes"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/confirmations"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/confirmations/kept"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/withdrawals"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/pause"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/pause-requests/answer"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/resume"): (BRIDGE, SIGNED_IN),
    # the lead view and one's own data
    ("GET", "/teams/{team_id:int}/dashboard"): (TEAM, SIGNED_IN),
    ("GET", "/teams/{team_id:int}/dashboard.csv"): (TEAM, SIGNED_IN),
    ("POST", "/teams/{team_id:int}/dashboard/settings"): (TEAM, SIGNED_IN),
    ("GET", "/bridges/{bridge_id:int}/sharing"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/sharing"): (BRIDGE, SIGNED_IN),
    # the plan as an agreement, and a lead's request to share (server/agreement)
    ("GET", "/bridges/{bridge_id:int}/agreement"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/plan/answers"): (BRIDGE, SIGNED_IN),
    ("POST", "/bridges/{bridge_id:int}/share-request"): (BRIDGE, SIGNED_IN),
    ("POST", "/teams/{team_id:int}/share-requests"): (TEAM, SIGNED_IN),
    ("GET", "/settings/export"): (OWN, SIGNED_IN),
    ("GET", "/settings/delete"): (OWN, SIGNED_IN),
    ("POST", "/settings/delete"): (OWN, SIGNED_IN),
    ("GET", "/static/{file_path:path}"): (PUBLIC, OPEN),
    ("HEAD", "/static/{file_path:path}"): (PUBLIC, OPEN),
    ("GET", "/sw.js"): (PUBLIC, OPEN),
    ("GET", "/manifest.webmanifest"): (PUBLIC, OPEN),
    ("GET", "/offline"): (PUBLIC, OPEN),
    ("GET", "/health"): (PUBLIC, OPEN),
    ("GET", "/ready"): (PUBLIC, OPEN),
    ("GET", "/metrics"): (OPERATOR, OPEN),
    ("GET", "/settings/reminders"): (OWN, SIGNED_IN),
    ("POST", "/settings/reminders"): (OWN, SIGNED_IN),
    ("POST", "/settings/reminders/pause"): (OWN, SIGNED_IN),
    ("POST", "/settings/reminders/resume"): (OWN, SIGNED_IN),
    ("POST", "/settings/reminders/test"): (OWN, SIGNED_IN),
    ("POST", "/settings/reminders/look-back"): (OWN, SIGNED_IN),
    ("POST", "/settings/reminders/last-call"): (OWN, SIGNED_IN),
    ("POST", "/settings/reminders/lock-screen"): (OWN, SIGNED_IN),
    ("POST", "/settings/reminders/devices/{device_id:int}/remove"): (DEVICE, SIGNED_IN),
    ("POST", "/settings/reminders/email"): (OWN, SIGNED_IN),
    ("GET", "/email/confirm/{token:str}"): (EMAIL_LINK, OPEN),
    ("GET", "/email/unsubscribe/{token:str}"): (EMAIL_LINK, OPEN),
    ("POST", "/email/unsubscribe/{token:str}"): (EMAIL_LINK, OPEN),
    # API
    ("POST", "/api/v1/accounts"): (PUBLIC, OPEN),
    ("POST", "/api/v1/session"): (PUBLIC, OPEN),
    ("DELETE", "/api/v1/session"): (OWN, OPEN),
    ("GET", "/api/v1/me"): (OWN, SIGNED_IN),
    ("PATCH", "/api/v1/me"): (OWN, SIGNED_IN),
    ("POST", "/api/v1/me/password"): (OWN, SIGNED_IN),
    ("GET", "/api/v1/teams"): (OWN, SIGNED_IN),
    ("POST", "/api/v1/teams"): (OWN, SIGNED_IN),
    ("GET", "/api/v1/teams/{team_id:int}"): (TEAM, SIGNED_IN),
    ("POST", "/api/v1/teams/{team_id:int}/invites"): (TEAM, SIGNED_IN),
    ("POST", "/api/v1/teams/{team_id:int}/members/{member_id:int}/remove"): (TEAM, SIGNED_IN),
    ("POST", "/api/v1/teams/{team_id:int}/lead"): (TEAM, SIGNED_IN),
    ("POST", "/api/v1/teams/{team_id:int}/leave"): (TEAM, SIGNED_IN),
    ("GET", "/api/v1/invites/{token:str}"): (TEAM_LINK, OPEN),
    ("POST", "/api/v1/invites/{token:str}/accept"): (TEAM_LINK, SIGNED_IN),
    ("GET", "/api/v1/bridges"): (OWN, SIGNED_IN),
    ("POST", "/api/v1/bridges"): (TEAMMATE, SIGNED_IN),
    ("POST", "/api/v1/bridges/link"): (OWN, SIGNED_IN),
    ("GET", "/api/v1/bridges/{bridge_id:int}"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/accept"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/decline"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/archive"): (BRIDGE, SIGNED_IN),
    ("GET", "/api/v1/bridge-invites/{token:str}"): (BRIDGE_LINK, SIGNED_IN),
    ("POST", "/api/v1/bridge-invites/{token:str}"): (BRIDGE_LINK, SIGNED_IN),
    ("GET", "/api/v1/today"): (OWN, SIGNED_IN),
    ("GET", "/api/v1/bridges/{bridge_id:int}/state"): (BRIDGE, SIGNED_IN),
    ("PUT", "/api/v1/bridges/{bridge_id:int}/plan"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/commitments"): (BRIDGE, SIGNED_IN),
    (
        "POST",
        "/api/v1/bridges/{bridge_id:int}/commitments/{commitment_id:int}/retire",
    ): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/checkins"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/misses"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/responses"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/listening"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/mistakes"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/confirmations"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/confirmations/kept"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/withdrawals"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/pause"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/pause-requests"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/pause-requests/{request_id:int}/answer"): (
        BRIDGE,
        SIGNED_IN,
    ),
    ("POST", "/api/v1/bridges/{bridge_id:int}/resume"): (BRIDGE, SIGNED_IN),
    ("GET", "/api/v1/teams/{team_id:int}/dashboard"): (TEAM, SIGNED_IN),
    ("PUT", "/api/v1/teams/{team_id:int}/dashboard/settings"): (TEAM, SIGNED_IN),
    ("GET", "/api/v1/bridges/{bridge_id:int}/sharing"): (BRIDGE, SIGNED_IN),
    ("PUT", "/api/v1/bridges/{bridge_id:int}/sharing"): (BRIDGE, SIGNED_IN),
    ("GET", "/api/v1/bridges/{bridge_id:int}/plan/agreement"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/plan/answers"): (BRIDGE, SIGNED_IN),
    ("POST", "/api/v1/bridges/{bridge_id:int}/share-request"): (BRIDGE, SIGNED_IN),
    ("GET", "/api/v1/teams/{team_id:int}/share-requests"): (TEAM, SIGNED_IN),
    ("POST", "/api/v1/teams/{team_id:int}/share-requests"): (TEAM, SIGNED_IN),
    ("GET", "/api/v1/me/export"): (OWN, SIGNED_IN),
    ("DELETE", "/api/v1/me"): (OWN, SIGNED_IN),
    ("GET", "/api/v1/schema"): (PUBLIC, OPEN),
    ("GET", "/api/v1/schema/openapi.json"): (PUBLIC, OPEN),
    ("GET", "/api/v1/schema/{path:str}"): (PUBLIC, OPEN),
    ("GET", "/api/v1/reminders"): (OWN, SIGNED_IN),
    ("PUT", "/api/v1/reminders"): (OWN, SIGNED_IN),
    ("POST", "/api/v1/reminders/pause"): (OWN, SIGNED_IN),
    ("POST", "/api/v1/reminders/resume"): (OWN, SIGNED_IN),
    ("POST", "/api/v1/reminders/test"): (OWN, SIGNED_IN),
    ("POST", "/api/v1/reminders/devices"): (OWN, SIGNED_IN),
    ("DELETE", "/api/v1/reminders/devices/{device_id:int}"): (DEVICE, SIGNED_IN),
    ("GET", "/api/v1/reminders/public-key"): (PUBLIC, OPEN),
    # A browser renewing its subscription proves itself with the old one's secret.
    ("POST", "/api/v1/reminders/devices/renew"): (PUBLIC, OPEN),
    # passkeys and single sign-on (server/signin/)
    ("GET", "/settings/sign-in"): (OWN, SIGNED_IN),
    ("POST", "/settings/passkeys/{passkey_id:int}/remove"): (PASSKEY, SIGNED_IN),
    ("GET", "/signin/sso"): (PUBLIC, OPEN),
    ("GET", "/signin/sso/callback"): (PUBLIC, OPEN),
    ("POST", "/signin/sso/link"): (PUBLIC, OPEN),
    ("GET", "/welcome"): (OWN, SIGNED_IN),
    ("POST", "/welcome"): (OWN, SIGNED_IN),
    ("GET", "/signed-out"): (PUBLIC, OPEN),
    ("POST", "/api/v1/passkeys/options"): (OWN, SIGNED_IN),
    ("POST", "/api/v1/passkeys"): (OWN, SIGNED_IN),
    ("GET", "/api/v1/passkeys"): (OWN, SIGNED_IN),
    ("DELETE", "/api/v1/passkeys/{passkey_id:int}"): (PASSKEY, SIGNED_IN),
    ("POST", "/api/v1/session/passkey/options"): (PUBLIC, OPEN),
    ("POST", "/api/v1/session/passkey"): (PUBLIC, OPEN),
    ("POST", "/api/v1/accounts/passkey/options"): (PUBLIC, OPEN),
    ("POST", "/api/v1/accounts/passkey"): (PUBLIC, OPEN),
}

MADE_UP_TOKEN = "mallory-made-this-up-0123456789abcdef"
IDEMPOTENCY_KEY = "mallory-attempt-0001"
CAROLS_MESSAGE = "Carol would like to talk about the launch"
# What mallory must never read: names, emails, the team's name, messages.
SECRETS = [
    "Alice",
    "Bob",
    "Carol",
    "alice@",
    "bob@",
    "carol@",
    "Product Team",
    "Can we fix this?",
    CAROLS_MESSAGE,
]


def served_routes(app: Any) -> set[tuple[str, str]]:
    """Every (method, path template) the app answers, but Litestar's own OPTIONS replies."""
    found = set()
    for route in app.routes:
        handlers = getattr(route, "route_handler_map", None)
        if handlers is None:  # a websocket or mounted ASGI app: it must be in the table too
            found.add((type(route).__name__, route.path))
            continue
        for method, (handler, _) in handlers.items():
            if method == "OPTIONS" and handler.fn.__module__.startswith("litestar."):
                continue
            found.add((method, route.path))
    return found


def test_every_route_of_the_app_is_in_the_mallory_table():
    # Listing routes needs no database, so this one test runs once, not per database.
    served = served_routes(create_app(load_settings(os.environ), run_migrations=False))
    missing = sorted(served - ROUTE_TABLE.keys())
    assert not missing, f"routes no test checks mallory on; add them to ROUTE_TABLE: {missing}"
    stale = sorted(ROUTE_TABLE.keys() - served)
    assert not stale, f"ROUTE_TABLE lists routes the app no longer serves: {stale}"


# ---------------------------------------------------------------- the world mallory attacks


@dataclass
class World:
    team_id: int
    alice_id: int
    bob_id: int
    carol_id: int
    mallory_id: int
    active_bridge: int  # alice and bob
    pending_bridge: int  # carol asked alice, who has not answered


@pytest.fixture
def world(team, bridge, alice, bob, carol, mallory) -> World:
    alice_id = alice.api("GET", "/me").json()["id"]
    response = carol.api("POST", "/bridges", {"partner": alice_id, "message": CAROLS_MESSAGE})
    assert response.status_code == 201, response.text
    return World(
        team_id=team,
        alice_id=alice_id,
        bob_id=bob.api("GET", "/me").json()["id"],
        carol_id=carol.api("GET", "/me").json()["id"],
        mallory_id=mallory.api("GET", "/me").json()["id"],
        active_bridge=bridge,
        pending_bridge=response.json()["id"],
    )


# A sign-in ceremony anyone may start (a passkey challenge) belongs to no one yet.
_NOBODYS = {"sign_in_challenge"}


async def _everything() -> dict[str, list[dict[str, Any]]]:
    async with User._meta.db.transaction():  # one connection, not one per table
        return {
            t._meta.tablename: await t.select().order_by(t._meta.primary_key)
            for t in TABLES
            if t._meta.tablename not in _NOBODYS
        }


def everything_in_the_database() -> dict[str, list[dict[str, Any]]]:
    return run(_everything())


async def _others(w: World) -> dict[str, list[dict[str, Any]]]:
    others = [w.alice_id, w.bob_id, w.carol_id]
    async with User._meta.db.transaction():  # one connection, not one per table
        return {
            "people": await User.select().where(User.id.is_in(others)).order_by(User.id),
            "sessions": await Session.select()
            .where(Session.person.is_in(others))
            .order_by(Session.id),
            "team": await Team.select().where(Team.id == w.team_id),
            "members": await Membership.select()
            .where(Membership.team == w.team_id)
            .order_by(Membership.id),
            "invites": await TeamInvite.select().where(TeamInvite.team == w.team_id),
            "bridges": await Bridge.select().where(Bridge.side_a.is_in(others)).order_by(Bridge.id),
        }


def what_belongs_to_the_others(w: World) -> dict[str, list[dict[str, Any]]]:
    return run(_others(w))


def fill(template: str, **values: Any) -> str:
    return re.sub(r"\{(\w+):\w+\}", lambda m: str(values[m.group(1)]), template)


def send(person: Any, method: str, path: str, body: dict[str, Any] | None) -> Any:
    """The request a page or the app's script would make (with the CSRF token)."""
    if path.startswith("/api/v1/"):
        if method in ("GET", "HEAD"):
            return person.api(method, path.removeprefix("/api/v1"))
        key = {"Idempotency-Key": IDEMPOTENCY_KEY}  # what the repair loop's changes require
        return person.api(method, path.removeprefix("/api/v1"), body, headers=key)
    if method in ("GET", "HEAD"):
        return person.client.request(method, path)
    # A form sends a list as the pages do: "1,2" (the body must pass every form's checks).
    form = {
        k: ",".join(map(str, v)) if isinstance(v, list) else str(v)
        for k, v in (body or {}).items()
        if k != "accept"
    }
    # An invitation is answered "accept"; a request to pause past days, "agree".
    answer = "agree" if path.endswith("/pause-requests/answer") else "accept"
    return person.post(path, {**form, "answer": answer} if body else form)


def mallorys_attempt(w: World, mallory_email: str) -> dict[str, Any]:
    """A body that passes every form's checks, so refusals come from who she is."""
    return {
        "email": mallory_email,
        "password": "not the right password",
        "display_name": "Mallory",
        "time_zone": "UTC",
        "current_password": "a guess at a password",
        "new_password": "a brand new password",
        "name": "Mallory's team",
        "person": w.mallory_id,
        "partner": w.bob_id,
        "message": "let me in",
        "accept": True,
        # the repair loop: a plan, a commitment, acts on it
        "my_part": "let me in",
        "restored_trust": "let me in",
        "text": "let me in",
        "cadence": "daily",
        "commitment": 1,
        "outcome": "kept",
        "act": 1,
        "acts": [1],
        "request": 1,  # a request to pause past days, and the API's answer to it
        "part": 1,  # the version of a plan part an answer is about
        "answer": "agree",
        "summary": "let me in",
        "what_happened": "let me in",
        "differently": "let me in",
        "idempotency_key": IDEMPOTENCY_KEY,
        # the lead view: sharing a bridge, the team's minimum for its figures
        "share": True,
        "min_bridges": 5,
    }


def routes_of(*kinds: str) -> list[tuple[str, str]]:
    return [route for route, (kind, _) in ROUTE_TABLE.items() if kind in kinds]


def leaks(response: Any) -> list[str]:
    return [secret for secret in SECRETS if secret in response.text]


def attempts(
    w: World,
    mallory: Any,
    routes: list[tuple[str, str]],
    refused_with: tuple[int, ...] = (),
    **path_values: Any,
) -> list[str]:
    """mallory tries each route; one line per thing that went wrong.

    Each attempt must be refused with one of `refused_with` (when given), never
    fail with a 5xx, reveal none of the others' secrets, and change nothing in
    the database (nothing of the others', for her own and public routes).
    """
    own = all(ROUTE_TABLE[route][0] in (OWN, PUBLIC) for route in routes)
    snapshot = (lambda: what_belongs_to_the_others(w)) if own else everything_in_the_database
    problems = []
    before = snapshot()
    for method, template in routes:
        path = fill(template, **path_values)
        response = send(mallory, method, path, mallorys_attempt(w, mallory.email))
        status = response.status_code
        if (refused_with and status not in refused_with) or status >= 500:
            problems.append(f"{method} {path}: {status}")
        if leaked := leaks(response):
            problems.append(f"{method} {path} revealed {leaked}")
        if (after := snapshot()) != before:
            problems.append(f"{method} {path} changed the database")
            before = after
    return problems


# ---------------------------------------------------------------- teams and bridges


def test_mallory_cannot_read_or_change_a_team_she_is_not_in(world, mallory, carol):
    values = {"team_id": world.team_id, "member_id": world.alice_id}
    problems = attempts(world, mallory, routes_of(TEAM), (403, 404), **values)
    assert not problems, "\n".join(problems)
    for method, template in routes_of(TEAM):  # the lead is shown what mallory was not
        if method == "GET":
            insider = send(carol, method, fill(template, **values), None)
            assert insider.status_code == 200 and "Product Team" in insider.text


def test_a_member_who_is_not_the_lead_gets_no_dashboard(world, alice):
    dashboards = [route for route in routes_of(TEAM) if "/dashboard" in route[1]]
    assert len(dashboards) == 5
    problems = attempts(world, alice, dashboards, (403,), team_id=world.team_id)
    assert not problems, "\n".join(problems)


def test_mallory_cannot_read_or_change_a_bridge_she_is_not_a_side_of(world, mallory, alice):
    for bridge_id in (world.active_bridge, world.pending_bridge):
        values = {"bridge_id": bridge_id, "commitment_id": 1, "request_id": 1}
        problems = attempts(world, mallory, routes_of(BRIDGE), (403, 404), **values)
        assert not problems, "\n".join(problems)
        for method, template in routes_of(BRIDGE):  # alice, a side of both, is not refused
            if method == "GET":
                insider = send(alice, method, fill(template, **values), None)
                assert insider.status_code not in (403, 404), template
                if template.endswith("{bridge_id:int}"):
                    assert leaks(insider)


def test_mallory_cannot_start_a_bridge_with_someone_on_no_team_of_hers(world, mallory):
    problems = attempts(world, mallory, routes_of(TEAMMATE), (400,))
    assert not problems, "\n".join(problems)
    for method, path in routes_of(TEAMMATE):
        response = send(mallory, method, path, mallorys_attempt(world, mallory.email))
        assert "your teams" in response.text  # says why, without saying who bob is


def test_a_made_up_link_gets_mallory_nothing_but_a_410(world, mallory):
    problems = attempts(
        world, mallory, routes_of(TEAM_LINK, BRIDGE_LINK), (410,), token=MADE_UP_TOKEN
    )
    assert not problems, "\n".join(problems)


def test_a_made_up_email_link_confirms_and_unsubscribes_nothing(world, mallory):
    changes = [
        route
        for route in routes_of(EMAIL_LINK)
        if route[1] != "/email/unsubscribe/{token:str}" or route[0] == "POST"
    ]
    problems = attempts(world, mallory, changes, (400,), token=f"{world.alice_id}.{MADE_UP_TOKEN}")
    # The unsubscribe page only shows a button (mail scanners open links): it changes nothing.
    problems += attempts(
        world, mallory, [("GET", "/email/unsubscribe/{token:str}")], (200,), token=MADE_UP_TOKEN
    )
    assert not problems, "\n".join(problems)


def _sign_outs_last(route: tuple[str, str]) -> bool:
    return route in (("POST", "/signout"), ("DELETE", "/api/v1/session"))


def test_mallorys_own_and_public_routes_show_her_nothing_of_anyone_else(world, mallory):
    assert mallory.api("GET", "/teams").json() == []
    assert mallory.api("GET", "/bridges").json() == []
    assert "Hello, Mallory" in mallory.get("/").text
    routes = sorted(routes_of(OWN, PUBLIC), key=_sign_outs_last)
    problems = attempts(world, mallory, routes, file_path="app.css", path="openapi.json")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- signed out


def test_signed_out_pages_go_to_sign_in_and_the_api_answers_401(world, browser):
    stranger = browser("stranger")
    problems = []
    before = everything_in_the_database()

    def signin_target(method: str, path: str) -> str:
        # After signing in, a page comes back; a form's POST path would answer 405.
        return f"/signin?next={quote(path)}" if method == "GET" else "/signin?next=/"

    for (method, template), (_, access) in ROUTE_TABLE.items():
        path = fill(
            template,
            team_id=world.team_id,
            member_id=world.alice_id,
            bridge_id=world.active_bridge,
            commitment_id=1,
            request_id=1,
            device_id=1,
            passkey_id=1,
            token=MADE_UP_TOKEN,
            file_path="app.css",
            path="openapi.json",
        )
        response = send(stranger, method, path, {})
        location = response.headers.get("location", "")
        if access == OPEN:
            if response.status_code == 401 or location.startswith("/signin?next="):
                problems.append(f"{method} {path} should be open: {response.status_code}")
        elif path.startswith("/api/"):
            if response.status_code != 401 or not response.json().get("detail"):
                problems.append(f"{method} {path}: {response.status_code} {response.text[:80]}")
        elif response.status_code != 303 or location != signin_target(method, path):
            problems.append(f"{method} {path}: {response.status_code} to {location!r}")
        if leaked := leaks(response):
            problems.append(f"{method} {path} revealed {leaked}")
    assert everything_in_the_database() == before
    assert not problems, "\n".join(problems)


def test_the_sign_in_redirect_keeps_the_query_so_she_comes_back_to_the_same_page(browser):
    response = browser("stranger").get("/bridges/new?partner=7")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/bridges/new%3Fpartner%3D7"
