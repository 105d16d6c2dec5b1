"""alice turns reminders on, picks 08:30, and the next morning at 08:30 her time exactly
one notification arrives, saying what is due and opening Today."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine

from tests.reminders_helpers import (
    Device,
    attempts_of,
    dispatch,
    remind_at,
    reminders_of,
    subscribe,
    utc,
)
from tests.repair_helpers import check_in, commit

FRIDAY_EVENING = utc(2026, 11, 20, 18, 0)  # London is on GMT in November
SATURDAY_0830 = utc(2026, 11, 21, 8, 30)

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FRIDAY_EVENING, tick=False) as traveller:
        yield traveller


def test_alices_reminder_arrives_once_at_0830_her_time_and_opens_today(frozen, push, bridge, alice):
    commitment = commit(alice, bridge, "Send Bob the weekly status by 5pm")
    check_in(alice, bridge, commitment, "kept")  # Friday's is done; Saturday's is not
    phone = Device(push, "alice's phone")
    subscribe(alice, phone)
    remind_at(alice, "08:30")

    frozen.move_to(SATURDAY_0830 - timedelta(seconds=1))
    assert dispatch() == 0
    assert push.messages() == []

    frozen.move_to(SATURDAY_0830)
    assert dispatch() == 1
    [message] = push.messages(phone)
    assert message["body"] == "1 commitment today on your bridge with Bob"
    assert message["url"] == "/today"
    assert message["title"] == "Bridgework"

    for later in (timedelta(minutes=1), timedelta(hours=3), timedelta(hours=15)):
        frozen.move_to(SATURDAY_0830 + later)
        assert dispatch() == 0
    assert len(push.messages(phone)) == 1
    assert push.refused == []


def test_the_push_carries_a_ttl_to_the_end_of_her_day_normal_urgency_and_a_vapid_token(
    frozen, push, bridge, alice
):
    commit(alice, bridge)
    subscribe(alice, Device(push))
    remind_at(alice, "08:30")
    frozen.move_to(SATURDAY_0830)
    dispatch()
    [delivered] = push.pushes
    assert int(delivered.headers["ttl"]) == 15 * 3600 + 30 * 60  # until midnight in London
    assert delivered.headers["urgency"] == "normal"
    assert delivered.claims["aud"] == push.origin  # the port kept, as RFC 8292 asks
    assert delivered.claims["sub"].startswith("mailto:")
    assert 0 < delivered.claims["exp"] - SATURDAY_0830.timestamp() <= 24 * 3600
    assert delivered.size <= 3 * 1024


def test_every_attempt_is_recorded_and_the_settings_page_says_when_it_went_out(
    frozen, push, bridge, alice
):
    commit(alice, bridge)
    alice_id = alice.api("GET", "/me").json()["id"]
    subscribe(alice, Device(push))
    remind_at(alice, "08:30")
    frozen.move_to(SATURDAY_0830)
    dispatch()
    [reminder] = reminders_of(alice_id)
    assert reminder["status"] == "sent" and reminder["attempts"] == 1
    [attempt] = attempts_of(alice_id)
    assert (attempt["outcome"], attempt["status_code"]) == ("delivered", 201)
    page = alice.get("/settings/reminders").text
    assert "Your last reminder went out on Saturday 21 November at 08:30" in page
    api = alice.api("GET", "/reminders").json()
    assert api["last_reminder"]["status"] == "sent"


def test_she_gets_one_again_the_next_morning_but_not_twice_in_a_day(frozen, push, bridge, alice):
    commit(alice, bridge)
    phone = Device(push)
    subscribe(alice, phone)
    remind_at(alice, "08:30")
    for day in range(3):
        frozen.move_to(SATURDAY_0830 + timedelta(days=day))
        dispatch()
        frozen.move_to(SATURDAY_0830 + timedelta(days=day, hours=2))
        dispatch()
    days = [m["day"] for m in push.messages(phone)]
    assert days == ["2026-11-21", "2026-11-22", "2026-11-23"]


def test_both_of_alices_devices_get_the_days_reminder(frozen, push, bridge, alice):
    commit(alice, bridge)
    phone, laptop = Device(push), Device(push)
    subscribe(alice, phone)
    subscribe(alice, laptop)
    remind_at(alice, "08:30")
    frozen.move_to(SATURDAY_0830)
    assert dispatch() == 1
    assert len(push.messages(phone)) == len(push.messages(laptop)) == 1


def test_the_payload_json_is_what_the_service_worker_reads(frozen, push, bridge, alice):
    commit(alice, bridge)
    subscribe(alice, Device(push))
    remind_at(alice, "08:30")
    frozen.move_to(SATURDAY_0830)
    dispatch()
    [message] = push.messages()
    worker = {"title", "body", "url", "tag", "day", "actions", "app_badge", "kept"}
    declarative = {"web_push", "notification", "app_badge"}
    assert set(message) == (worker | declarative) - {"kept"}  # two open: no "Kept"
    assert message["tag"] == "reminder-2026-11-21"
    assert len(json.dumps(message)) < 3 * 1024
