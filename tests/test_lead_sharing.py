"""Each side chooses whether the team lead sees its bridge; either can withdraw at once."""

from __future__ import annotations

from tests.lead_helpers import dashboard, share, share_both


def test_carol_sees_the_bridge_only_once_both_alice_and_bob_share_it(
    team, bridge, alice, bob, carol
):
    assert dashboard(carol, team)["bridges"] == []
    share(alice, bridge)
    assert dashboard(carol, team)["bridges"] == []
    sharing = share(bob, bridge)
    assert sharing == {
        "bridge_id": bridge,
        "team_name": "Product Team",
        "lead_name": "Carol",
        "mine": True,
        "partners": True,
        "shown_to_lead": True,
        "can_share": True,
    }
    [row] = dashboard(carol, team)["bridges"]
    assert row["people"] == ["Alice", "Bob"]


def test_bob_withdraws_and_carol_loses_sight_of_the_bridge_at_once(team, bridge, alice, bob, carol):
    share_both(bridge, alice, bob)
    assert len(dashboard(carol, team)["bridges"]) == 1
    assert "Alice &amp; Bob" in carol.get(f"/teams/{team}/dashboard").text
    share(bob, bridge, on=False)
    assert dashboard(carol, team)["bridges"] == []
    assert "Alice &amp; Bob" not in carol.get(f"/teams/{team}/dashboard").text
    assert "Alice,Bob" not in carol.get(f"/teams/{team}/dashboard.csv").text


def test_alice_sees_whether_bob_shares_and_stops_sharing_from_the_page(team, bridge, alice, bob):
    share(bob, bridge)
    page = alice.get(f"/bridges/{bridge}/sharing")
    assert page.status_code == 200
    assert "Bob: sharing" in page.text and "You: not sharing" in page.text
    response = alice.post(f"/bridges/{bridge}/sharing", {"share": "on"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/bridges/{bridge}/sharing"
    assert "Carol sees this bridge" in alice.get(f"/bridges/{bridge}/sharing").text
    alice.post(f"/bridges/{bridge}/sharing", {"share": "off", "next": f"/bridges/{bridge}"})
    assert alice.api("GET", f"/bridges/{bridge}/sharing").json()["shown_to_lead"] is False


def test_the_bridge_page_offers_the_choice(bridge, alice):
    page = alice.get(f"/bridges/{bridge}")
    assert f'href="/bridges/{bridge}/sharing"' in page.text


def test_a_choice_that_is_neither_on_nor_off_gets_a_message(bridge, alice):
    api = alice.api("PUT", f"/bridges/{bridge}/sharing", {})
    assert api.status_code == 400
    assert api.json()["errors"] == {"share": "Say whether to share: on or off."}
    page = alice.post(f"/bridges/{bridge}/sharing", {"share": "maybe"})
    assert page.status_code == 400 and "Say whether to share" in page.text


def test_a_bridge_started_by_link_has_no_lead_to_share_with(team, alice, bob):
    link = alice.api("POST", "/bridges/link", {"message": ""}).json()
    bob.api("POST", f"/bridge-invites/{link['token']}", {"accept": True})
    response = alice.api("PUT", f"/bridges/{link['bridge_id']}/sharing", {"share": True})
    assert response.status_code == 409
    assert "no team lead" in response.json()["detail"]
    assert "on no team" in alice.get(f"/bridges/{link['bridge_id']}/sharing").text


def test_an_archived_bridge_cannot_be_shared_but_can_stop_being_shared(bridge, alice, bob):
    share(alice, bridge)
    alice.api("POST", f"/bridges/{bridge}/archive")
    refused = bob.api("PUT", f"/bridges/{bridge}/sharing", {"share": True})
    assert refused.status_code == 409
    assert share(alice, bridge, on=False)["mine"] is False


def test_an_invitation_not_yet_answered_has_no_sharing_to_choose(team, alice, bob):
    bob_id = bob.api("GET", "/me").json()["id"]
    pending = alice.api("POST", "/bridges", {"partner": bob_id, "message": "Hi"}).json()["id"]
    assert bob.api("GET", f"/bridges/{pending}/sharing").status_code == 409
    assert bob.api("PUT", f"/bridges/{pending}/sharing", {"share": True}).status_code == 409
