"""The last call: off until a person turns it on, then one notification at their evening
time, only if something is still open today, never in quiet hours, never twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from server.reminders.tables import LastCall, PushAttempt
from tests.conftest import run
from tests.reminders_helpers import Device, dispatch, remind_at, subscribe, utc
from tests.repair_helpers import act, check_in, commit

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture

MORNING = utc(2026, 11, 16, 9, 0)  # a Monday; London is on UTC in November
EVENING = utc(2026, 11, 16, 21, 5)
MIDNIGHT = utc(2026, 11, 17, 0, 0)


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def last_call_pushes(push, device):
    return [
        p for p in push.pushes if p.device == device.token and p.headers.get("topic") == "last-call"
    ]


def last_calls(push, device):
    return [p.message for p in last_call_pushes(push, device)]


def turn_on(person, at: str = "21:00"):
    form = {"last_call": "1", "last_call_time": at}
    response = person.post("/settings/reminders/last-call", form)
    assert response.status_code == 303, response.text


def id_of(person) -> int:
    return int(person.api("GET", "/me").json()["id"])


def test_alice_with_a_commitment_still_open_gets_one_last_call_at_her_time(
    frozen, push, bridge, alice, bob
):
    phone = Device(push, "alice")
    subscribe(alice, phone)
    turn_on(alice)
    daily = commit(alice, bridge, "Reply within a day")

    frozen.move_to(EVENING - timedelta(hours=1))  # 20:05: not yet
    dispatch()
    assert last_calls(push, phone) == []

    frozen.move_to(EVENING)
    dispatch()
    dispatch()  # a second pass sends nothing more
    [pushed] = last_call_pushes(push, phone)
    message = pushed.message
    assert message["body"] == "Still open today: 1 commitment on your bridge with Bob"
    assert message["url"] == "/today" and message["app_badge"] == 1
    # The day's reminder's tag: on the phone it replaces the morning's notification.
    assert message["tag"] == "reminder-2026-11-16"
    assert [a["action"] for a in message["actions"]] == ["kept", "open"]
    assert message["kept"]["commitment"] == daily and message["kept"]["day"] == "2026-11-16"
    assert message["notification"]["body"] == message["body"]  # the declarative form too
    # It lives until midnight in London, and not longer.
    assert 0 < int(pushed.headers["ttl"]) <= (MIDNIGHT - EVENING).total_seconds()
    kinds = run(PushAttempt.select(PushAttempt.kind).where(PushAttempt.person == id_of(alice)))
    assert [k["kind"] for k in kinds] == ["lastcall"]
    [row] = run(LastCall.select(LastCall.status, LastCall.local_day))
    assert row == {"status": "sent", "local_day": date(2026, 11, 16)}


def test_bob_with_everything_settled_and_carol_with_it_off_get_none(
    frozen, push, bridge, alice, bob, carol
):
    alices, bobs, carols = Device(push, "alice"), Device(push, "bob"), Device(push, "carol")
    for person, device in ((alice, alices), (bob, bobs), (carol, carols)):
        subscribe(person, device)
    turn_on(alice)
    turn_on(bob)
    # carol has a bridge with alice and something open on it, but no last call.
    response = alice.api("POST", "/bridges", {"partner": id_of(carol), "message": "Talk?"})
    assert response.status_code == 201, response.text
    with_carol = int(response.json()["id"])
    assert carol.api("POST", f"/bridges/{with_carol}/accept").status_code == 200
    commit(carol, with_carol, "Send the minutes")

    commit(alice, bridge, "Reply within a day")
    bobs_commitment = commit(bob, bridge, "Share the agenda")
    kept = check_in(bob, bridge, bobs_commitment).json()["act_id"]
    assert act(alice, bridge, "confirmations", {"act": kept}).status_code == 201

    frozen.move_to(EVENING)
    dispatch()
    dispatch()
    assert len(last_calls(push, alices)) == 1
    assert last_calls(push, bobs) == []  # his one commitment is kept: nothing is open
    assert last_calls(push, carols) == []  # off unless she turns it on
    statuses = {
        r["person"]: r["status"] for r in run(LastCall.select(LastCall.person, LastCall.status))
    }
    assert statuses == {id_of(alice): "sent", id_of(bob): "nothing"}


def test_the_settings_page_turns_it_on_after_the_daily_reminder_and_off_again(alice):
    page = alice.get("/settings/reminders").text
    assert 'name="last_call" value="1">' in page  # not checked
    assert 'name="last_call_time" type="time" value="21:00"' in page

    turn_on(alice, "22:15")
    page = alice.get("/settings/reminders?saved=last-call").text
    assert 'name="last_call" value="1" checked>' in page
    assert 'value="22:15"' in page
    assert "a last call comes at 22:15" in page

    wrong = alice.post(
        "/settings/reminders/last-call", {"last_call": "1", "last_call_time": "25:99"}
    )
    assert wrong.status_code == 400
    assert "Enter a time like 21:00 (hours:minutes)." in wrong.text
    for before in ("07:00", "08:30", "00:00"):  # the daily reminder comes at 08:30
        early = alice.post(
            "/settings/reminders/last-call", {"last_call": "1", "last_call_time": before}
        )
        assert early.status_code == 400
        assert "Choose a time after your daily reminder (08:30) and before midnight." in early.text
    assert 'name="last_call" value="1" checked>' in alice.get("/settings/reminders").text

    off = alice.post("/settings/reminders/last-call", {"last_call_time": "22:15"})
    assert off.status_code == 303
    assert 'name="last_call" value="1">' in alice.get("/settings/reminders").text


def test_quiet_hours_hold_the_last_call_and_a_pause_skips_it(frozen, push, bridge, alice, bob):
    phone, bobs_phone = Device(push, "alice"), Device(push, "bob")
    for person, device in ((alice, phone), (bob, bobs_phone)):
        subscribe(person, device)
        turn_on(person)
        commit(person, bridge, "Reply within a day")
    remind_at(alice, "08:30", quiet_start="20:30", quiet_end="22:00")
    paused = bob.post("/settings/reminders/pause", {"until": "2026-11-16"})
    assert paused.status_code == 303, paused.text

    frozen.move_to(EVENING)  # 21:05: alice's quiet hours
    dispatch()
    assert last_calls(push, phone) == []
    frozen.move_to(EVENING + timedelta(hours=1))  # 22:05
    dispatch()
    [message] = last_calls(push, phone)
    assert message["body"] == "Still open today: 1 commitment on your bridge with Bob"
    assert last_calls(push, bobs_phone) == []  # paused today


def test_a_claim_whose_dispatcher_died_is_sent_once_its_lease_ran_out(
    frozen, push, bridge, alice, bob
):
    phone = Device(push)
    subscribe(alice, phone)
    turn_on(alice)
    commit(alice, bridge, "Reply within a day")
    frozen.move_to(EVENING)
    run(  # what a dispatcher killed right after its claim leaves behind
        LastCall.insert(
            LastCall(
                person=id_of(alice),
                local_day=EVENING.date(),
                claimed_by="dead",
                claimed_at=EVENING,
            )
        )
    )
    dispatch()
    assert last_calls(push, phone) == []  # its lease still runs
    frozen.move_to(EVENING + timedelta(minutes=3))
    dispatch()
    dispatch()
    assert len(last_calls(push, phone)) == 1
    [row] = run(LastCall.select(LastCall.status))
    assert row["status"] == "sent"


def test_yesterdays_unsent_claim_is_never_sent_once_that_day_has_ended(
    frozen, push, bridge, alice, bob
):
    phone = Device(push)
    subscribe(alice, phone)
    turn_on(alice)
    commit(alice, bridge, "Reply within a day")
    run(  # a dispatcher died holding Monday's last call, and none ran until Tuesday
        LastCall.insert(
            LastCall(
                person=id_of(alice),
                local_day=EVENING.date(),
                claimed_by="dead",
                claimed_at=EVENING,
            )
        )
    )
    frozen.move_to(MIDNIGHT + timedelta(minutes=5))
    dispatch()
    assert last_calls(push, phone) == []
    frozen.move_to(EVENING + timedelta(days=1))
    dispatch()
    [message] = last_calls(push, phone)  # Tuesday's own, not Monday's
    assert message["tag"] == "reminder-2026-11-17"
    assert message["body"] == "Still open today: 2 commitments on your bridge with Bob"


def test_the_lock_screen_setting_names_the_commitment_in_the_last_call_too(
    frozen, push, bridge, alice, bob
):
    phone = Device(push)
    subscribe(alice, phone)
    turn_on(alice)
    assert alice.post("/settings/reminders/lock-screen", {"lock_screen_names": "on"}).status_code
    commit(alice, bridge, "Reply within a day")
    frozen.move_to(EVENING)
    dispatch()
    [message] = last_calls(push, phone)
    assert message["body"] == (
        "“Reply within a day”. Still open today: 1 commitment on your bridge with Bob"
    )


def test_alices_export_holds_her_last_call_time_and_deleting_her_account_forgets_it(alice):
    import json

    from tests.reminders_helpers import settings_of

    assert json.loads(alice.get("/settings/export").text)["reminders"] is None
    turn_on(alice, "21:45")
    assert json.loads(alice.get("/settings/export").text)["reminders"]["last_call"] == "21:45"
    alice_id = id_of(alice)
    response = alice.post("/settings/delete", {"password": "correct horse battery"})
    assert response.status_code in (200, 303), response.text
    assert settings_of(alice_id) is None


def test_a_daily_reminder_moved_past_the_last_call_time_is_the_days_last_word(
    frozen, push, bridge, alice, bob
):
    phone = Device(push)
    subscribe(alice, phone)
    turn_on(alice, "21:00")
    commit(alice, bridge, "Reply within a day")
    remind_at(alice, "21:30")
    frozen.move_to(EVENING + timedelta(minutes=30))  # 21:35: the day's reminder comes
    dispatch()
    assert last_calls(push, phone) == []
    assert len(push.messages(phone)) == 1
