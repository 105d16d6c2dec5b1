"""The weekly look back: off until a person turns it on, then one notification on
Sunday at their time, with their week's figures from the derivation; never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from server.moments.tables import LookBack
from tests.conftest import run
from tests.reminders_helpers import Device, dispatch, subscribe, utc
from tests.repair_helpers import act, check_in, commit

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture

MONDAY = utc(2026, 11, 16, 9, 0)  # London is on UTC in November
SUNDAY_EVENING = utc(2026, 11, 22, 19, 30)


@pytest.fixture
def frozen():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def look_backs(push, device):
    return [m for m in push.messages(device) if m.get("tag", "").startswith("look-back-")]


def turn_on(person, at: str = "19:00"):
    response = person.post(
        "/settings/reminders/look-back", {"look_back": "1", "look_back_time": at}
    )
    assert response.status_code == 303, response.text


def a_week_of_alice_keeping(frozen, bridge, alice, bob) -> None:
    """Alice keeps her daily commitment Monday to Saturday but Wednesday (owned as
    missed); Bob confirms four of her keeps. Sunday's is still open at 19:30."""
    daily = commit(alice, bridge, "Reply within a day")
    for n in range(6):
        frozen.move_to(MONDAY + timedelta(days=n))
        if n == 2:
            check_in(alice, bridge, daily, "missed")
            continue
        kept = check_in(alice, bridge, daily).json()["act_id"]
        if n < 5:
            assert act(bob, bridge, "confirmations", {"act": kept}).status_code == 201


def test_alice_gets_her_week_in_figures_once_on_sunday_at_her_time(
    frozen, push, bridge, alice, bob
):
    phone, bobs_phone = Device(push, "alice"), Device(push, "bob")
    subscribe(alice, phone)
    subscribe(bob, bobs_phone)
    turn_on(alice)
    a_week_of_alice_keeping(frozen, bridge, alice, bob)

    frozen.move_to(SUNDAY_EVENING - timedelta(hours=1))  # 18:30: not yet
    dispatch()
    assert look_backs(push, phone) == []

    frozen.move_to(SUNDAY_EVENING)
    dispatch()
    dispatch()  # a second pass sends nothing more
    [message] = look_backs(push, phone)
    assert message["body"] == "This week: 5 of 7 kept, Bob secured 4, your bridge is 16 % across"
    assert message["tag"] == "look-back-2026-11-22" and message["url"] == "/today"
    assert look_backs(push, bobs_phone) == []  # off unless he turns it on


def test_the_look_back_is_off_by_default_and_waits_for_sunday(frozen, push, bridge, alice):
    phone = Device(push)
    subscribe(alice, phone)
    frozen.move_to(SUNDAY_EVENING)
    dispatch()
    assert look_backs(push, phone) == []
    turn_on(alice)
    frozen.move_to(SUNDAY_EVENING + timedelta(days=1))  # Monday: too late for this week
    dispatch()
    assert look_backs(push, phone) == []
    frozen.move_to(SUNDAY_EVENING + timedelta(days=7))
    dispatch()
    [message] = look_backs(push, phone)
    assert message["body"] == "This week: nothing was due, your bridge is 0 % across"


def test_the_settings_page_turns_it_on_at_a_chosen_time_and_off_again(alice):
    page = alice.get("/settings/reminders").text
    assert 'name="look_back" value="1">' in page  # not checked
    assert 'name="look_back_time" type="time" value="19:00"' in page

    turn_on(alice, "20:15")
    page = alice.get("/settings/reminders").text
    assert 'name="look_back" value="1" checked>' in page
    assert 'value="20:15"' in page

    wrong = alice.post(
        "/settings/reminders/look-back", {"look_back": "1", "look_back_time": "25:99"}
    )
    assert wrong.status_code == 400
    assert "Enter a time like 19:00 (hours:minutes)." in wrong.text

    assert (
        alice.post("/settings/reminders/look-back", {"look_back_time": "20:15"}).status_code == 303
    )
    assert 'name="look_back" value="1">' in alice.get("/settings/reminders").text


def test_a_claim_whose_dispatcher_died_is_sent_once_its_lease_ran_out(frozen, push, bridge, alice):
    phone = Device(push)
    subscribe(alice, phone)
    turn_on(alice)
    frozen.move_to(SUNDAY_EVENING)
    alice_id = alice.api("GET", "/me").json()["id"]
    run(  # what a dispatcher killed right after its claim leaves behind
        LookBack.insert(
            LookBack(
                person=alice_id,
                local_day=SUNDAY_EVENING.date(),
                claimed_by="dead",
                claimed_at=SUNDAY_EVENING,
            )
        )
    )
    dispatch()
    assert look_backs(push, phone) == []  # its lease still runs
    frozen.move_to(SUNDAY_EVENING + timedelta(minutes=3))
    dispatch()
    dispatch()
    assert len(look_backs(push, phone)) == 1
    [row] = run(LookBack.select(LookBack.status))
    assert row["status"] == "sent"


def test_alices_export_holds_her_look_back_time_and_deleting_her_account_forgets_it(alice):
    import json

    from server.moments.tables import LookBackSettings

    assert json.loads(alice.get("/settings/export").text)["weekly_look_back"] is None
    turn_on(alice, "18:45")
    assert json.loads(alice.get("/settings/export").text)["weekly_look_back"] == "18:45"
    alice_id = alice.api("GET", "/me").json()["id"]
    response = alice.post("/settings/delete", {"password": "correct horse battery"})
    assert response.status_code in (200, 303), response.text
    assert run(LookBackSettings.count().where(LookBackSettings.person == alice_id)) == 0


def test_quiet_hours_hold_the_look_back_and_a_pause_skips_it(frozen, push, bridge, alice, bob):
    from tests.reminders_helpers import remind_at

    phone, bobs_phone = Device(push, "alice"), Device(push, "bob")
    for person, device in ((alice, phone), (bob, bobs_phone)):
        subscribe(person, device)
        turn_on(person)
    remind_at(alice, "08:30", quiet_start="19:00", quiet_end="21:00")
    paused = bob.post("/settings/reminders/pause", {"until": "2026-11-23"})
    assert paused.status_code == 303, paused.text

    frozen.move_to(SUNDAY_EVENING)  # 19:30: alice's quiet hours
    dispatch()
    assert look_backs(push, phone) == []
    frozen.move_to(SUNDAY_EVENING + timedelta(hours=2))  # 21:30
    dispatch()
    assert len(look_backs(push, phone)) == 1
    assert look_backs(push, bobs_phone) == []  # paused through Monday
