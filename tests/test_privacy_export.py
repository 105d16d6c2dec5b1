"""Alice downloads everything she wrote and did as one JSON file, and nothing bob wrote."""

from __future__ import annotations

import json

import pytest

from tests.lead_helpers import share, write_everything
from tests.repair_helpers import act


@pytest.fixture
def words(bridge, alice, bob) -> dict[str, list[str]]:
    """alice and bob have each written everything there is to write on their bridge."""
    written = write_everything(alice, bob, bridge)[0] + write_everything(bob, alice, bridge)[0]
    share(alice, bridge)
    act(alice, bridge, "pause", {}, None)
    return {name: [w for w in written if w.startswith(name)] for name in ("alice", "bob")}


def download(person) -> dict:
    response = person.get("/settings/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith('attachment; filename="bridgework-')
    return json.loads(response.text)


def test_alices_export_holds_her_account_teams_and_everything_she_wrote(team, bridge, words, alice):
    export = download(alice)
    assert export["format"] == "bridgework-export-1"
    assert export["account"]["email"] == "alice@example.com"
    assert export["account"]["display_name"] == "Alice"
    assert export["teams"] == [
        {"name": "Product Team", "role": "member", "joined_at": export["teams"][0]["joined_at"]}
    ]
    [mine] = export["bridges"]
    assert (mine["id"], mine["my_side"], mine["partner_name"]) == (bridge, "a", "Bob")
    assert mine["invitation_message"] == "Can we fix this?"
    assert mine["shared_with_team_lead"] is True
    assert mine["plan_history"][-1]["my_part"] == f"alice{bridge}-plan-written"
    assert [c["text"] for c in mine["commitments"]] == [
        f"alice{bridge}-promise-written",
        f"alice{bridge}-unchecked-written",
    ]
    kinds = [a["kind"] for a in mine["acts"]]
    assert kinds == ["kept", "listening", "mistake", "missed_partner"]
    listening = mine["acts"][1]
    assert listening["texts"]["summary"] == f"alice{bridge}-summary-written"
    assert [n["text"] for n in mine["private_notes"]] == [f"alice{bridge}-private-written"]
    assert [r["text"] for r in mine["miss_responses"]] == [f"alice{bridge}-answer-written"]
    assert len(mine["pauses"]) == 1
    assert mine["acts"][3]["texts"] == {"note": f"alice{bridge}-report-written"}
    text = json.dumps(export)
    assert [word for word in words["alice"] if word not in text] == []


def test_alices_export_leaves_out_every_word_bob_wrote(bridge, words, alice):
    text = json.dumps(download(alice))
    assert len(words["bob"]) == 11  # every kind of text bob can write, and his report on hers
    assert [word for word in words["bob"] if word in text] == []


def test_bob_exports_his_side_but_not_alices_invitation_message(bridge, words, bob):
    [his] = download(bob)["bridges"]
    assert his["my_side"] == "b"
    assert his["invitation_message"] is None
    assert his["partner_name"] == "Alice"
    assert his["shared_with_team_lead"] is False
    assert his["plan_history"][-1]["my_part"] == f"bob{bridge}-plan-written"


def test_the_api_gives_the_same_export(bridge, words, alice):
    page = download(alice)
    api = alice.api("GET", "/me/export").json()
    page.pop("exported_at"), api.pop("exported_at")
    assert api == page


def test_the_settings_page_links_to_the_export_and_to_deleting(alice):
    page = alice.get("/settings").text
    assert 'href="/settings/export"' in page
    assert 'href="/settings/delete"' in page
