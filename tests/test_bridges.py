"""Bridges: ask a teammate or anyone by link; accept, decline, archive."""

from __future__ import annotations

import re

from tests.conftest import run


def _id(person) -> int:
    return int(person.api("GET", "/me").json()["id"])


def test_alice_asks_bob_and_bob_accepts(team, alice, bob):
    response = alice.post("/bridges", {"partner": _id(bob), "message": "I'm sorry about March."})
    assert response.status_code == 303
    bridge_page = response.headers["location"]
    assert "Waiting for Bob to accept" in alice.get(bridge_page).text
    assert "Alice asks to build a bridge with you" in bob.get("/").text
    invitation = bob.get(bridge_page).text
    assert "I&#39;m sorry about March." in invitation
    assert bob.post(bridge_page + "/accept").status_code == 303
    assert "Building" in alice.get(bridge_page).text
    assert "Building" in bob.get(bridge_page).text


def test_until_bob_accepts_he_sees_only_alices_name_and_message(team, alice, bob):
    bridge_id = alice.api("POST", "/bridges", {"partner": _id(bob), "message": "Hi"}).json()["id"]
    seen = bob.api("GET", f"/bridges/{bridge_id}").json()
    assert seen == {
        "id": bridge_id,
        "status": "pending",
        "my_side": "b",
        "partner_name": "Alice",
        "message": "Hi",
        "limited": True,
    }
    assert "Product Team" not in bob.get(f"/bridges/{bridge_id}").text


def test_bob_declines_and_the_invitation_leaves_his_list(team, alice, bob):
    bridge_id = alice.api("POST", "/bridges", {"partner": _id(bob)}).json()["id"]
    assert bob.api("POST", f"/bridges/{bridge_id}/decline").json()["status"] == "declined"
    assert bob.api("GET", "/bridges").json() == []
    assert alice.api("GET", "/bridges").json()[0]["status"] == "declined"


def test_a_bridge_with_yourself_is_refused_with_a_message(team, alice):
    response = alice.post("/bridges", {"partner": _id(alice)})
    assert response.status_code == 400
    assert "A bridge needs two people" in response.text


def test_a_second_open_bridge_with_the_same_person_is_refused(bridge, alice, bob):
    response = bob.api("POST", "/bridges", {"partner": _id(alice)})
    assert response.status_code == 409
    assert response.json()["detail"] == "You already have a bridge with this person."


def test_an_overlong_message_is_refused_and_nothing_is_saved(team, alice, bob, db):
    from server.tables import Bridge

    response = alice.api("POST", "/bridges", {"partner": _id(bob), "message": "x" * 501})
    assert response.status_code == 400
    assert "at most 500 characters" in response.json()["errors"]["message"]
    assert run(Bridge.count()) == 0


def test_anyone_with_a_bridge_link_can_accept_it_once(alice, browser):
    erin = browser("erin")
    erin.sign_up()
    page = alice.post("/bridges/link", {"message": "Coffee and a fresh start?"})
    link = re.search(r'value="http://testserver.local(/b/[^"]+)"', page.text).group(1)
    invitation = erin.get(link)
    assert "Alice asks to build a bridge with you" in invitation.text
    assert "Coffee and a fresh start?" in invitation.text
    accepted = erin.post(link, {"answer": "accept"})
    assert accepted.status_code == 303
    assert "Building" in erin.get(accepted.headers["location"]).text
    frank = browser("frank")
    frank.sign_up()
    assert frank.get(link).status_code == 410


def test_alice_cannot_accept_her_own_link(alice):
    token = alice.api("POST", "/bridges/link", {"message": ""}).json()["token"]
    response = alice.api("POST", f"/bridge-invites/{token}", {"accept": True})
    assert response.status_code == 400
    assert "your own invitation" in response.json()["detail"]


def test_either_side_archives_and_the_bridge_stays_readable(bridge, alice, bob):
    assert bob.post(f"/bridges/{bridge}/archive").status_code == 303
    page = alice.get(f"/bridges/{bridge}").text
    assert "Archived" in page
    assert bob.api("GET", f"/bridges/{bridge}").json()["status"] == "archived"
    assert alice.api("POST", f"/bridges/{bridge}/archive").status_code == 409


def test_a_signed_out_visitor_opening_a_bridge_link_can_sign_in_to_answer(alice, browser):
    token = alice.api("POST", "/bridges/link", {}).json()["token"]
    response = browser().get(f"/b/{token}")
    assert response.status_code == 200
    assert "Alice asks to build a bridge with you" in response.text
    assert f'href="/signin?next=/b/{token}"' in response.text
