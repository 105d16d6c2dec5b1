"""Who may do what inside a team or a bridge: the lead's powers, each side's answers."""

from __future__ import annotations

import pytest

from server.tables import Bridge, Membership, TeamInvite
from tests.conftest import run
from tests.test_mallory_route_matrix import (
    BRIDGE,
    everything_in_the_database,
    fill,
    routes_of,
    send,
)


def person_id(person) -> int:
    return int(person.api("GET", "/me").json()["id"])


def roles(team_id: int) -> dict[str, str]:
    rows = run(
        Membership.select(Membership.person.display_name, Membership.role).where(
            Membership.team == team_id
        )
    )
    return {row["person.display_name"]: row["role"] for row in rows}


@pytest.fixture
def pending(team, alice, bob) -> int:
    """alice asked bob to build a bridge; bob has not answered."""
    response = alice.api("POST", "/bridges", {"partner": person_id(bob), "message": "Coffee?"})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


# ---------------------------------------------------------------- the lead's powers


def test_a_member_who_is_not_the_lead_cannot_make_invite_links(team, alice):
    page = alice.post(f"/teams/{team}/invites")
    api = alice.api("POST", f"/teams/{team}/invites")
    assert page.status_code == 403 and "lead can do that" in page.text
    assert api.status_code == 403 and "Only the team's lead" in api.json()["detail"]
    assert run(TeamInvite.count().where(TeamInvite.used_at.is_null())) == 0


def test_a_member_who_is_not_the_lead_cannot_remove_anyone_or_hand_over_the_lead(
    team, alice, bob, carol
):
    before = everything_in_the_database()
    for target in (bob, carol):
        path = f"/teams/{team}/members/{person_id(target)}/remove"
        assert alice.post(path).status_code == 403
        assert alice.api("POST", path).status_code == 403
    for target in (alice, bob):
        path = f"/teams/{team}/lead"
        assert alice.post(path, {"person": person_id(target)}).status_code == 403
        assert alice.api("POST", path, {"person": person_id(target)}).status_code == 403
    assert everything_in_the_database() == before
    assert roles(team) == {"Alice": "member", "Bob": "member", "Carol": "lead"}


def test_a_removed_member_can_no_longer_read_the_team(team, alice, carol):
    assert carol.api("POST", f"/teams/{team}/members/{person_id(alice)}/remove").status_code == 200
    assert alice.get(f"/teams/{team}").status_code == 404
    response = alice.api("GET", f"/teams/{team}")
    assert response.status_code == 404 and "Product Team" not in response.text


# ---------------------------------------------------------------- answering a bridge


def test_bob_cannot_accept_a_bridge_twice(bridge, bob):
    before = everything_in_the_database()
    page = bob.post(f"/bridges/{bridge}/accept")
    api = bob.api("POST", f"/bridges/{bridge}/accept")
    assert page.status_code == 409 and "only once" in page.text
    assert api.status_code == 409 and "only once" in api.json()["detail"]
    assert everything_in_the_database() == before  # accepted_at is the first acceptance's


def test_alice_cannot_accept_or_decline_her_own_invitation(pending, alice):
    for action in ("accept", "decline"):
        assert alice.post(f"/bridges/{pending}/{action}").status_code == 403
        response = alice.api("POST", f"/bridges/{pending}/{action}")
        assert (
            response.status_code == 403 and "Only the person invited" in response.json()["detail"]
        )
    assert run(Bridge.select(Bridge.status).where(Bridge.id == pending).first())["status"] == (
        "pending"
    )


def test_alice_cannot_accept_her_own_bridge_link(alice):
    token = alice.api("POST", "/bridges/link", {"message": "Talk?"}).json()["token"]
    page = alice.post(f"/b/{token}", {"answer": "accept"})
    api = alice.api("POST", f"/bridge-invites/{token}", {"accept": True})
    assert page.status_code == 400 and "your own invitation" in page.text
    assert api.status_code == 400 and "your own invitation" in api.json()["detail"]
    row = run(Bridge.select(Bridge.status, Bridge.side_b).first())
    assert row == {"status": "pending", "side_b": None}


# ---------------------------------------------------------------- starting a bridge


def test_nobody_can_start_a_bridge_with_themselves(team, alice):
    me = person_id(alice)
    page = alice.post("/bridges", {"partner": me, "message": "Me and me"})
    api = alice.api("POST", "/bridges", {"partner": me, "message": "Me and me"})
    assert page.status_code == 400 and "A bridge needs two people" in page.text
    assert api.status_code == 400 and "A bridge needs two people" in api.json()["detail"]
    assert api.json()["errors"] == {"partner": "A bridge needs two people: choose someone else."}
    assert run(Bridge.count()) == 0


def test_nobody_can_start_a_bridge_with_someone_on_none_of_their_teams(team, alice, mallory):
    stranger = person_id(mallory)
    page = alice.post("/bridges", {"partner": stranger})
    api = alice.api("POST", "/bridges", {"partner": stranger})
    assert page.status_code == 400 and "only ask someone on one of your teams" in page.text
    assert api.status_code == 400 and "partner" in api.json()["errors"]
    assert "Mallory" not in page.text + api.text
    nobody = alice.api("POST", "/bridges", {"partner": 999_999})
    assert nobody.status_code == 400 and "partner" in nobody.json()["errors"]
    assert run(Bridge.count()) == 0


# ---------------------------------------------------------------- what an invitee sees


def test_the_invitee_sees_only_who_asked_and_their_message(pending, bob, alice):
    assert bob.api("GET", f"/bridges/{pending}").json() == {
        "id": pending,
        "status": "pending",
        "my_side": "b",
        "partner_name": "Alice",
        "message": "Coffee?",
        "limited": True,
    }
    listed = bob.api("GET", "/bridges").json()
    assert [(b["id"], b["incoming"], b["team_name"]) for b in listed] == [(pending, True, None)]
    page = bob.get(f"/bridges/{pending}")
    assert page.status_code == 200
    assert "Alice asks to build a bridge with you" in page.text
    assert "Coffee?" in page.text
    assert f'action="/bridges/{pending}/accept"' in page.text
    assert f'action="/bridges/{pending}/decline"' in page.text
    assert "Product Team" not in page.text
    # alice, who asked, sees the whole bridge
    whole = alice.api("GET", f"/bridges/{pending}").json()
    assert whole["limited"] is False
    assert whole["team_name"] == "Product Team" and whole["span"] == 30


LIMITED = {"id", "status", "my_side", "partner_name", "message", "limited"}


def test_no_bridge_route_shows_the_invitee_more_than_who_asked_and_their_message(pending, bob):
    shown_more = []
    for method, template in routes_of(BRIDGE):
        if method != "GET":
            continue
        response = send(bob, method, fill(template, bridge_id=pending), None)
        if "Product Team" in response.text:
            shown_more.append(f"{template} shows the team's name")
        is_json = response.headers.get("content-type", "").startswith("application/json")
        if response.status_code == 200 and is_json and (extra := response.json().keys() - LIMITED):
            shown_more.append(f"{template} shows {sorted(extra)}")
    assert not shown_more, "\n".join(shown_more)


def test_an_invitation_archived_before_bob_answered_still_shows_him_only_name_and_message(
    team, alice, bob
):
    bob_id = bob.api("GET", "/me").json()["id"]
    bridge_id = alice.api("POST", "/bridges", {"partner": bob_id, "message": "Hi"}).json()["id"]
    alice.api("POST", f"/bridges/{bridge_id}/archive")
    seen = bob.api("GET", f"/bridges/{bridge_id}").json()
    assert seen["limited"] is True
    assert set(seen) == {"id", "status", "my_side", "partner_name", "message", "limited"}
    assert bob.api("GET", f"/bridges/{bridge_id}/state").status_code == 409
    page = bob.get(f"/bridges/{bridge_id}").text
    assert "This invitation was withdrawn." in page
    assert "Product Team" not in page
    assert alice.get(f"/bridges/{bridge_id}").status_code == 200
