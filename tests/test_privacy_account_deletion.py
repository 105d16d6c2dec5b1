"""Alice deletes her account: her words and her name leave the database, her acts stay
without her name, and bob keeps his side of their bridge and sees that she left."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from server.moments.tables import CelebratedMoment, LookBack
from server.reminders.tables import LastCall, PushAttempt, Reminder
from server.tables import Membership, Team, User
from tests.conftest import PASSWORD, create_team, run
from tests.lead_helpers import dashboard, share_both, write_everything
from tests.reminders_helpers import Device, dispatch, remind_at, subscribe, utc
from tests.repair_helpers import check_in, commit, state

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture


async def _text_columns() -> list[tuple[str, str]]:
    """Every text or varchar column of every table in the database, from its catalogue."""
    if User._meta.db.engine_type == "sqlite":
        tables = await User.raw("SELECT name FROM sqlite_master WHERE type = 'table'")
        columns = []
        for table in tables:
            for column in await User.raw(f'PRAGMA table_info("{table["name"]}")'):
                if any(t in column["type"].upper() for t in ("TEXT", "CHAR", "CLOB")):
                    columns.append((table["name"], column["name"]))
        return columns
    rows = await User.raw(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' "
        "AND data_type IN ('text', 'character varying', 'character')"
    )
    return [(r["table_name"], r["column_name"]) for r in rows]


async def _where_found(needles: list[str]) -> list[str]:
    found = []
    for table, column in await _text_columns():
        # Names straight from the database's own catalogue, not from anyone's input.
        query = f'SELECT "{column}" AS value FROM "{table}"'  # noqa: S608
        for row in await User.raw(query):
            value = (row["value"] or "").lower()
            found += [f"{table}.{column}: {n}" for n in needles if n.lower() in value]
    return found


def anywhere_in_the_database(*needles: str) -> list[str]:
    """Where in the database any of `needles` is found, ignoring case."""
    return run(_where_found(list(needles)))


@pytest.fixture
def words(bridge, alice, bob) -> dict[str, list[str]]:
    written = write_everything(alice, bob, bridge)[0] + write_everything(bob, alice, bridge)[0]
    share_both(bridge, alice, bob)
    return {name: [w for w in written if w.startswith(name)] for name in ("alice", "bob")}


def delete(person, password: str = PASSWORD) -> Any:
    return person.post("/settings/delete", {"password": password})


def test_no_text_of_alice_is_left_anywhere_in_the_database(team, bridge, words, alice):
    assert anywhere_in_the_database("alice")  # her name, her email, her words
    response = delete(alice)
    assert response.status_code == 200
    assert "Your account is deleted" in response.text
    assert anywhere_in_the_database("alice", "Can we fix this?", *words["alice"]) == []


def test_bob_keeps_his_side_and_sees_that_alice_left(team, bridge, words, alice, bob):
    before = state(bob, bridge)
    delete(alice)
    after = state(bob, bridge)
    assert after["status"] == "archived"
    assert after["sides"]["b"] == before["sides"]["b"]
    assert after["sides"]["a"]["planks"] == before["sides"]["a"]["planks"]
    assert after["sides"]["a"]["my_part"] == "" and after["sides"]["a"]["name"] == ""
    assert [c["text"] for c in after["commitments"] if c["side"] == "b"] == [
        f"bob{bridge}-promise-written",
        f"bob{bridge}-unchecked-written",
    ]
    theirs = [e for e in after["timeline"] if not e["mine"]]
    # A miss alice reported is about bob's commitment: it names bob, the rest her.
    assert {e["who"] for e in theirs if e["kind"] != "missed_partner"} == {"Someone who left"}
    assert {e["who"] for e in theirs if e["kind"] == "missed_partner"} == {"Bob"}
    assert all(e.get("texts", {}) == {} for e in theirs)
    page = bob.get(f"/bridges/{bridge}").text
    assert "The other side left" in page and f"bob{bridge}-plan-written" in page
    assert [w for w in words["bob"] if not anywhere_in_the_database(w)] == []


def test_alice_is_signed_out_everywhere_and_cannot_sign_in_again(browser, bridge, words, alice):
    laptop = browser("alice")
    laptop.sign_in()
    delete(alice)
    assert alice.get("/today").status_code == 303
    assert laptop.api("GET", "/me").status_code == 401
    assert laptop.sign_in().status_code == 400
    again = browser("alice")  # her address is free: she may start afresh
    assert again.sign_up().status_code == 303


def test_her_teams_and_carols_dashboard_forget_her(team, bridge, words, alice, carol):
    assert len(dashboard(carol, team)["bridges"]) == 1
    delete(alice)
    assert run(Membership.count().where(Membership.team == team)) == 2
    assert dashboard(carol, team)["bridges"] == []
    assert "Alice" not in carol.get(f"/teams/{team}").text


def test_deleting_needs_her_password(bridge, words, alice):
    response = delete(alice, "not my password at all")
    assert response.status_code == 400
    assert "That is not your password." in response.text
    assert alice.api("GET", "/me").json()["display_name"] == "Alice"
    api = alice.api("DELETE", "/me", {})
    assert api.status_code == 400
    assert api.json()["errors"] == {"password": "This field is required."}


def test_carol_hands_over_the_lead_before_she_can_delete(team, carol):
    page = carol.get("/settings/delete").text
    assert "You lead Product Team" in page
    response = carol.api("DELETE", "/me", {"password": PASSWORD})
    assert response.status_code == 409
    assert "Hand the lead role to someone else first" in response.json()["detail"]
    assert carol.api("GET", "/me").status_code == 200


def test_a_lead_alone_on_her_team_takes_the_team_with_her(mallory):
    create_team(mallory, "Mallory's Corner")
    response = mallory.api("DELETE", "/me", {"password": PASSWORD})
    assert response.status_code == 204
    assert run(Team.count()) == 0
    assert mallory.api("GET", "/me").status_code == 401
    assert anywhere_in_the_database("mallory") == []


SATURDAY_EVENING = utc(2026, 11, 21, 18, 0)  # London is on UTC in November
SUNDAY_0830 = utc(2026, 11, 22, 8, 30)
PLANTS = "Water the office plants"  # short: the lock screen names it whole


def rows_of(person_id: int) -> dict[str, int]:
    """How many rows the dispatchers keep about one person, table by table, and the
    moments she was shown."""
    tables = (Reminder, PushAttempt, LastCall, LookBack, CelebratedMoment)
    return {
        t._meta.tablename: run(t.count().where(t.person == person_id))  # type: ignore[attr-defined]
        for t in tables
    }


def test_the_reminders_that_named_alices_commitment_are_forgotten_with_her(
    push, bridge, alice, bob
):
    with time_machine.travel(SATURDAY_EVENING, tick=False) as frozen:
        alice_id = int(alice.api("GET", "/me").json()["id"])
        check_in(alice, bridge, commit(alice, bridge, PLANTS))
        assert "Your first plank" in alice.get("/today").text  # shown, so remembered
        subscribe(alice, Device(push, "alice's phone"))
        remind_at(alice, "08:30")
        for path, form in (
            ("lock-screen", {"lock_screen_names": "on"}),
            ("last-call", {"last_call": "1", "last_call_time": "21:00"}),
            ("look-back", {"look_back": "1", "look_back_time": "19:00"}),
        ):
            assert alice.post(f"/settings/reminders/{path}", form).status_code == 303
        for hours in (0, 11, 13):  # her reminder, her look back, her last call
            frozen.move_to(SUNDAY_0830 + timedelta(hours=hours))
            dispatch()
        before = rows_of(alice_id)
        assert all(before.values()), before
        # The lock screen named it: the reminder's body and payload, the last call's body.
        assert {f.split(":")[0] for f in anywhere_in_the_database(PLANTS)} >= {
            "commitment.text",
            "reminder.body",
            "reminder.payload",
            "last_call.body",
        }

        assert delete(alice).status_code == 200
        assert rows_of(alice_id) == dict.fromkeys(before, 0)
        assert anywhere_in_the_database(PLANTS, "alice") == []
