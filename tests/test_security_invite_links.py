"""Invite links: each works once, for a limited time, and a dead one says so (410)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from server.tables import Bridge, Membership, User
from tests.conftest import PASSWORD, create_team, run


def members(team_id: int) -> list[str]:
    rows = run(Membership.select(Membership.person.display_name).where(Membership.team == team_id))
    return sorted(row["person.display_name"] for row in rows)


def team_link(lead) -> tuple[int, str]:
    team_id = create_team(lead)
    return team_id, lead.api("POST", f"/teams/{team_id}/invites").json()["token"]


def bridge_link(inviter) -> str:
    response = inviter.api("POST", "/bridges/link", {"message": "Can we talk?"})
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


def bridge_row() -> dict:
    return run(Bridge.select(Bridge.status, Bridge.side_b.display_name).first())


def later(days: int, minutes: int = 1):
    return time_machine.travel(datetime.now(UTC) + timedelta(days=days, minutes=minutes))


def assert_gone(response, words: str) -> None:
    assert response.status_code == 410, response.text
    assert words in response.text


# ---------------------------------------------------------------- team links


def test_a_team_link_lets_one_person_join_and_then_stops_working(carol, alice, bob):
    team_id, token = team_link(carol)
    joined = alice.post(f"/join/{token}")
    assert joined.status_code == 303
    assert joined.headers["location"] == f"/teams/{team_id}?joined=1"
    assert_gone(bob.get(f"/join/{token}"), "already been used")
    assert_gone(bob.post(f"/join/{token}"), "already been used")
    assert_gone(bob.api("POST", f"/invites/{token}/accept"), "already been used")
    assert members(team_id) == ["Alice", "Carol"]


def test_a_team_link_used_through_the_api_is_gone_for_the_next_person(carol, alice, bob):
    team_id, token = team_link(carol)
    assert alice.api("POST", f"/invites/{token}/accept").status_code == 200
    second = bob.api("POST", f"/invites/{token}/accept")
    assert second.status_code == 410
    assert second.json()["detail"] == (
        "This invite link has already been used. Ask your team lead for a new one."
    )
    assert_gone(bob.api("GET", f"/invites/{token}"), "already been used")
    assert_gone(bob.get(f"/join/{token}"), "already been used")
    assert members(team_id) == ["Alice", "Carol"]


def test_an_expired_team_link_is_gone(carol, alice, browser):
    team_id, token = team_link(carol)
    with later(days=7):
        assert_gone(alice.get(f"/join/{token}"), "expired")
        assert_gone(alice.post(f"/join/{token}"), "expired")
        assert_gone(alice.api("GET", f"/invites/{token}"), "expired")
        assert_gone(alice.api("POST", f"/invites/{token}/accept"), "expired")
        newcomer = browser("dave")
        form = {"email": "dave@example.com", "display_name": "Dave", "password": PASSWORD}
        assert_gone(newcomer.post(f"/join/{token}", form), "expired")
    assert members(team_id) == ["Carol"]
    assert run(User.count().where(User.email == "dave@example.com")) == 0


def test_a_team_link_still_works_a_minute_before_it_expires(carol, alice):
    team_id, token = team_link(carol)
    with later(days=6, minutes=24 * 60 - 1):
        assert alice.api("POST", f"/invites/{token}/accept").status_code == 200
    assert members(team_id) == ["Alice", "Carol"]


def test_made_up_links_are_gone_with_a_message_saying_what_to_do(alice):
    for response in (
        alice.get("/join/made-up"),
        alice.post("/join/made-up"),
        alice.api("GET", "/invites/made-up"),
        alice.api("POST", "/invites/made-up/accept"),
    ):
        assert_gone(response, "Ask your team lead for a new one")
    for response in (
        alice.get("/b/made-up"),
        alice.post("/b/made-up", {"answer": "accept"}),
        alice.api("GET", "/bridge-invites/made-up"),
        alice.api("POST", "/bridge-invites/made-up", {"accept": True}),
    ):
        assert_gone(response, "no longer open")


# ---------------------------------------------------------------- joining as a new person


def test_a_bad_sign_up_form_on_a_join_link_makes_no_account_and_keeps_the_link(carol, browser):
    team_id, token = team_link(carol)
    dave = browser("dave")
    form = {"email": "dave@example.com", "display_name": "Dave", "time_zone": "UTC"}
    refused = dave.post(f"/join/{token}", {**form, "password": "short"})
    assert refused.status_code == 400 and "at least 8 characters" in refused.text
    assert run(User.count().where(User.email == "dave@example.com")) == 0
    assert "bw_session" not in dave.client.cookies
    joined = dave.post(f"/join/{token}", {**form, "password": PASSWORD})
    assert joined.status_code == 303
    assert members(team_id) == ["Carol", "Dave"]


def test_joining_with_an_email_that_has_an_account_keeps_the_link(carol, alice, browser):
    team_id, token = team_link(carol)
    twin = browser("twin")
    form = {"email": "alice@example.com", "display_name": "Twin", "password": "another secret"}
    refused = twin.post(f"/join/{token}", form)
    assert refused.status_code == 409 and "already exists" in refused.text
    assert run(User.count()) == 2
    assert alice.api("POST", f"/invites/{token}/accept").status_code == 200
    assert members(team_id) == ["Alice", "Carol"]


# ---------------------------------------------------------------- bridge links


@pytest.mark.parametrize("first_answer_by", ["page", "api"])
def test_a_bridge_link_is_answered_once_and_then_gone(alice, bob, carol, first_answer_by):
    token = bridge_link(alice)
    if first_answer_by == "page":
        assert bob.post(f"/b/{token}", {"answer": "accept"}).status_code == 303
    else:
        assert bob.api("POST", f"/bridge-invites/{token}", {"accept": True}).status_code == 200
    assert_gone(carol.get(f"/b/{token}"), "no longer open")
    assert_gone(carol.post(f"/b/{token}", {"answer": "accept"}), "no longer open")
    assert_gone(carol.api("GET", f"/bridge-invites/{token}"), "no longer open")
    assert_gone(carol.api("POST", f"/bridge-invites/{token}", {"accept": True}), "no longer open")
    assert bridge_row() == {"status": "active", "side_b.display_name": "Bob"}


def test_a_declined_bridge_link_cannot_be_accepted_by_anyone_else(alice, bob, carol):
    token = bridge_link(alice)
    assert bob.api("POST", f"/bridge-invites/{token}", {"accept": False}).status_code == 200
    assert_gone(carol.api("POST", f"/bridge-invites/{token}", {"accept": True}), "no longer open")
    assert bridge_row() == {"status": "declined", "side_b.display_name": "Bob"}


def test_an_expired_bridge_link_is_gone(alice, bob):
    token = bridge_link(alice)
    with later(days=14):
        assert_gone(bob.get(f"/b/{token}"), "expired")
        assert_gone(bob.post(f"/b/{token}", {"answer": "accept"}), "expired")
        assert_gone(bob.api("GET", f"/bridge-invites/{token}"), "expired")
        assert_gone(bob.api("POST", f"/bridge-invites/{token}", {"accept": True}), "expired")
    assert bridge_row() == {"status": "pending", "side_b.display_name": None}


def test_a_bridge_link_shows_only_who_sent_it_and_their_message(alice, bob):
    token = bridge_link(alice)
    assert bob.api("GET", f"/bridge-invites/{token}").json() == {
        "inviter_name": "Alice",
        "message": "Can we talk?",
    }
    page = bob.get(f"/b/{token}")
    assert "Alice asks to build a bridge with you" in page.text
    assert "Can we talk?" in page.text
    assert "alice@example.com" not in page.text
