"""Home says, on each bridge being built, what waits for the reader there: their items
due today and still open from yesterday, and the partner's planks to confirm — the
figures Today shows, and nothing when nothing waits."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from server import db
from server.checkin.service import today_view
from server.repair import derived
from server.tables import User
from tests.conftest import join_team, run
from tests.reminders_helpers import utc
from tests.repair_helpers import act, check_in, commit, state

FRIDAY_NOON = utc(2026, 11, 20, 12, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FRIDAY_NOON, tick=False) as traveller:
        yield traveller


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def row_on_home(person: Any, bridge: int) -> str:
    """The text of `bridge`'s row on `person`'s home."""
    page = person.get("/").text
    found = re.search(rf'<a class="bridge-row" href="/bridges/{bridge}">(.*?)</a>', page, re.S)
    assert found, f"no row for bridge {bridge} on {person.name}'s home"
    return _text(found.group(1))


def waits_on_home(person: Any, bridge: int) -> str:
    """What waits for `person` on `bridge`, as their home row says it ("" if nothing)."""
    page = person.get("/").text
    row = re.search(rf'<a class="bridge-row" href="/bridges/{bridge}">(.*?)</a>', page, re.S)
    assert row, f"no row for bridge {bridge} on {person.name}'s home"
    said = re.search(r'<small class="waits">(.*?)</small>', row.group(1), re.S)
    return _text(said.group(1)) if said else ""


def _partners_planks_to_confirm(person: Any, bridge: int) -> list[int]:
    return [
        e["id"]
        for e in state(person, bridge)["timeline"]
        if e["kind"] == "kept" and not e["mine"] and not e["confirmed"]
    ]


def test_alice_reads_her_item_due_and_bobs_two_planks_to_confirm(bridge, alice, bob):
    commit(alice, bridge, "Reply within a day")
    drafts = commit(bob, bridge, "Review Alice's drafts")
    agenda = commit(bob, bridge, "Share the agenda the day before")
    commit(bob, bridge, "Ask before reassigning work")
    check_in(bob, bridge, drafts, "kept")
    check_in(bob, bridge, agenda, "kept")

    assert waits_on_home(alice, bridge) == "1 due today · 2 planks to confirm"
    assert row_on_home(alice, bridge).startswith("Bob")
    assert waits_on_home(bob, bridge) == "1 due today"  # his own third item; nothing of hers


def test_bob_reads_alices_plank_once_she_keeps_her_item(bridge, alice, bob):
    reply = commit(alice, bridge, "Reply within a day")
    commit(bob, bridge, "Review Alice's drafts")
    check_in(alice, bridge, reply, "kept")

    assert waits_on_home(bob, bridge) == "1 due today · 1 plank to confirm"
    assert waits_on_home(alice, bridge) == ""


def test_once_alice_checks_in_and_confirms_her_row_says_nothing_waits(bridge, alice, bob):
    reply = commit(alice, bridge, "Reply within a day")
    for text in ("Review Alice's drafts", "Share the agenda the day before"):
        check_in(bob, bridge, commit(bob, bridge, text), "kept")
    assert waits_on_home(alice, bridge) == "1 due today · 2 planks to confirm"

    assert check_in(alice, bridge, reply, "kept").status_code == 201
    for plank in _partners_planks_to_confirm(alice, bridge):
        assert act(alice, bridge, "confirmations", {"act": plank}).status_code == 201

    assert waits_on_home(alice, bridge) == ""
    assert "to confirm" not in row_on_home(alice, bridge)
    assert row_on_home(alice, bridge) == "Bob · Product Team Building"


def test_yesterdays_open_item_is_counted_apart_from_todays(frozen, bridge, alice, bob):
    frozen.move_to(FRIDAY_NOON - timedelta(days=1))
    commit(alice, bridge, "Reply within a day")
    frozen.move_to(FRIDAY_NOON)

    assert waits_on_home(alice, bridge) == "1 due today · 1 open from yesterday"


def test_a_bridge_still_waiting_for_an_answer_shows_no_counts(team, alice, bob):
    bob_id = bob.api("GET", "/me").json()["id"]
    asked = alice.api("POST", "/bridges", {"partner": bob_id}).json()["id"]
    assert waits_on_home(alice, asked) == ""
    [listed] = alice.api("GET", "/bridges").json()
    assert listed["id"] == asked and listed["waits"] is None


def test_the_apps_bridge_list_says_what_home_says_to_alice_and_bob(bridge, alice, bob):
    reply = commit(alice, bridge, "Reply within a day")
    commit(bob, bridge, "Review Alice's drafts")
    check_in(alice, bridge, reply, "kept")

    for person in (alice, bob):
        [listed] = person.api("GET", "/bridges").json()
        assert listed["id"] == bridge
        assert listed["waits"] == _home_figures(person, bridge)
    [bobs] = bob.api("GET", "/bridges").json()
    assert bobs["waits"] == {"due_today": 1, "from_yesterday": 0, "to_confirm": 1}


def test_mallory_reads_nothing_of_what_waits_on_their_bridge(bridge, alice, bob, mallory):
    commit(alice, bridge, "Reply within a day")
    page = mallory.get("/").text
    assert f"/bridges/{bridge}" not in page and "due today" not in page
    assert mallory.api("GET", "/bridges").json() == []


# What home says, tied to what Today shows: each person, each bridge.

_PHRASES = {
    "due today": "due_today",
    "open from yesterday": "from_yesterday",
    "plank to confirm": "to_confirm",
    "planks to confirm": "to_confirm",
}


def _home_figures(person: Any, bridge: int) -> dict[str, int]:
    said = waits_on_home(person, bridge)
    figures = {"due_today": 0, "from_yesterday": 0, "to_confirm": 0}
    for part in filter(None, said.split(" · ")):
        count, phrase = part.split(" ", 1)
        figures[_PHRASES[phrase]] = int(count)
    return figures


def _today_figures(person: Any, bridge: int) -> dict[str, int]:
    user = run(User.objects().where(User.email == person.email).first())
    today = run(today_view(user))
    open_here = [i for i in today.open_items if i.bridge_id == bridge]
    return {
        "due_today": sum(1 for i in open_here if not i.yesterday),
        "from_yesterday": sum(1 for i in open_here if i.yesterday),
        "to_confirm": sum(1 for w in today.confirmations if w.bridge_id == bridge),
    }


def test_home_counts_what_today_shows_for_both_sides_of_each_bridge(
    frozen, team, bridge, alice, bob, carol
):
    carol_id = carol.api("GET", "/me").json()["id"]
    with_carol = int(alice.api("POST", "/bridges", {"partner": carol_id}).json()["id"])
    assert carol.api("POST", f"/bridges/{with_carol}/accept").status_code == 200
    frozen.move_to(FRIDAY_NOON - timedelta(days=1))
    reply = commit(alice, bridge, "Reply within a day")
    commit(alice, bridge, "Weekly one-to-one", cadence="weekly")
    drafts = commit(bob, bridge, "Review Alice's drafts")
    notes = commit(alice, with_carol, "Send the notes the same day")
    hiring = commit(carol, with_carol, "Tell Alice about hiring first")
    check_in(bob, bridge, drafts, "kept")
    frozen.move_to(FRIDAY_NOON)
    check_in(alice, bridge, reply, "kept")
    check_in(bob, bridge, drafts, "missed")
    check_in(alice, with_carol, notes, "kept")
    check_in(carol, with_carol, hiring, "kept")
    check_in(carol, with_carol, hiring, "kept", day="2026-11-19")

    figures = {}
    sides = ((alice, (bridge, with_carol)), (bob, (bridge,)), (carol, (with_carol,)))
    for person, bridges in sides:
        for b in bridges:
            figures[person.name, b] = home = _home_figures(person, b)
            assert home == _today_figures(person, b), (person.name, b)
    # Something waits on every side, so the tie is not 0 == 0 throughout.
    assert all(sum(f.values()) for f in figures.values()), figures
    assert figures["alice", with_carol]["to_confirm"] == 2


# Home reads what waits on all bridges at once: more bridges, no more queries.


def count_queries(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every statement the app sends from now on, by how it was sent."""
    sent: Counter[str] = Counter()

    def counted(name: str, send: Any) -> Any:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            sent[name] += 1
            return await send(*args, **kwargs)

        return wrapper

    for name in ("fetch", "fetch_values", "write"):
        monkeypatch.setattr(db, name, counted(name, getattr(db, name)))
    kind = type(db.engine())  # PostgresEngine's instances take no attributes of their own
    monkeypatch.setattr(kind, "run_querystring", counted("piccolo", kind.run_querystring))
    return sent


def _queries_for(person: Any, path: str, monkeypatch: pytest.MonkeyPatch) -> int:
    assert person.get(path).status_code == 200  # anything read once a process is read
    derived._cache.clear()  # nothing derived kept: every bridge is read
    with monkeypatch.context() as patch:
        sent = count_queries(patch)
        assert person.get(path).status_code == 200
    return sum(sent.values())


def test_home_and_today_read_as_many_times_for_three_bridges_as_for_one(
    browser, team, bridge, alice, bob, carol, monkeypatch
):
    commit(alice, bridge, "Reply within a day")
    check_in(bob, bridge, commit(bob, bridge, "Review Alice's drafts"), "kept")
    with_one = {path: _queries_for(alice, path, monkeypatch) for path in ("/", "/today")}

    dave = browser("dave")
    assert dave.sign_up().status_code in (200, 303)
    join_team(carol, team, dave)
    for partner in (carol, dave):
        partner_id = partner.api("GET", "/me").json()["id"]
        other = int(alice.api("POST", "/bridges", {"partner": partner_id}).json()["id"])
        assert partner.api("POST", f"/bridges/{other}/accept").status_code == 200
        commit(alice, other, "Send the notes the same day")
        check_in(partner, other, commit(partner, other, "Ask before deciding"), "kept")
    assert waits_on_home(alice, other) == "1 due today · 1 plank to confirm"
    with_three = {path: _queries_for(alice, path, monkeypatch) for path in ("/", "/today")}

    assert with_three == with_one
