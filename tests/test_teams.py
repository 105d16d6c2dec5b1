"""Teams: a lead starts one, invites by single-use link, manages members."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD, create_team, join_team, run


def _invite_link(page_html: str) -> str:
    match = re.search(r'value="(http[^"]+/join/[^"]+)"', page_html)
    assert match, "no invite link on the page"
    return match.group(1).split("testserver.local", 1)[1]


def test_carol_creates_a_team_and_is_its_lead(carol):
    response = carol.post("/teams", {"name": "Platform"})
    assert response.status_code == 303
    page = carol.get(response.headers["location"])
    assert "<h1>Platform</h1>" in page.text
    assert "you lead this team" in page.text


def test_a_team_needs_a_name(carol):
    response = carol.post("/teams", {"name": "   "})
    assert response.status_code == 400
    assert "Team name is required." in response.text


def test_a_new_person_joins_by_link_and_signs_up_in_one_step(carol, browser):
    team_id = create_team(carol)
    link = _invite_link(carol.post(f"/teams/{team_id}/invites").text)
    dave = browser("dave")
    page = dave.get(link)
    assert "Join Product Team" in page.text
    assert "Carol invited you" in page.text
    response = dave.post(
        link,
        {
            "email": "dave@example.com",
            "display_name": "Dave",
            "password": PASSWORD,
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/teams/{team_id}?joined=1"
    members = carol.api("GET", f"/teams/{team_id}").json()["members"]
    assert [m["display_name"] for m in members] == ["Carol", "Dave"]


def test_an_existing_person_joins_by_link_with_one_tap(carol, alice):
    team_id = create_team(carol)
    link = _invite_link(carol.post(f"/teams/{team_id}/invites").text)
    assert "You are signed in as Alice" in alice.get(link).text
    assert alice.post(link).status_code == 303
    assert alice.api("GET", f"/teams/{team_id}").json()["my_role"] == "member"


def test_an_invite_link_works_only_once(carol, alice, bob):
    team_id = create_team(carol)
    link = _invite_link(carol.post(f"/teams/{team_id}/invites").text)
    alice.post(link)
    response = bob.get(link)
    assert response.status_code == 410
    assert "already been used" in response.text
    assert bob.post(link).status_code == 410
    assert bob.api("GET", f"/teams/{team_id}").status_code == 404


def test_a_failed_sign_up_on_the_join_page_keeps_the_link_usable(carol, browser, db):
    from server.tables import User

    team_id = create_team(carol)
    link = _invite_link(carol.post(f"/teams/{team_id}/invites").text)
    dave = browser("dave")
    bad = dave.post(
        link,
        {
            "email": "dave@example.com",
            "display_name": "Dave",
            "password": "short",
            "time_zone": "UTC",
        },
    )
    assert bad.status_code == 400
    assert "at least 8 characters" in bad.text
    assert run(User.count().where(User.email == "dave@example.com")) == 0
    good = dave.post(
        link,
        {
            "email": "dave@example.com",
            "display_name": "Dave",
            "password": PASSWORD,
            "time_zone": "UTC",
        },
    )
    assert good.status_code == 303


def test_a_person_can_be_on_several_teams(carol, bob, alice):
    first, second = create_team(carol, "Platform"), create_team(bob, "Design")
    join_team(carol, first, alice)
    join_team(bob, second, alice)
    names = sorted(t["name"] for t in alice.api("GET", "/teams").json())
    assert names == ["Design", "Platform"]


def test_the_lead_removes_a_member(carol, team, alice):
    alice_id = alice.api("GET", "/me").json()["id"]
    assert carol.post(f"/teams/{team}/members/{alice_id}/remove").status_code == 303
    assert alice.api("GET", f"/teams/{team}").status_code == 404


def test_the_lead_hands_over_the_lead_role(carol, team, alice):
    alice_id = alice.api("GET", "/me").json()["id"]
    response = carol.api("POST", f"/teams/{team}/lead", {"person": alice_id})
    assert response.status_code == 200
    roles = {m["display_name"]: m["role"] for m in response.json()["members"]}
    assert roles == {"Alice": "lead", "Bob": "member", "Carol": "member"}
    # carol is a member now: she can no longer invite.
    assert carol.api("POST", f"/teams/{team}/invites").status_code == 403


def test_the_lead_cannot_remove_herself_without_handing_over(carol, team):
    carol_id = carol.api("GET", "/me").json()["id"]
    response = carol.post(f"/teams/{team}/members/{carol_id}/remove")
    assert response.status_code == 400
    assert "Hand the lead role to someone else" in response.text


def test_a_member_leaves_a_team(team, bob):
    assert bob.post(f"/teams/{team}/leave").status_code == 303
    assert bob.api("GET", "/teams").json() == []
