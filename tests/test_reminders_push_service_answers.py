"""What the dispatcher does with each answer a push service can give: 201/202 fine,
404/410 forget the device, 429 wait for Retry-After, 5xx and time-outs retry with
backoff within alice's day, 413 recorded and not retried. Every attempt is kept,
and alice's settings page says what went wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from tests.reminders_helpers import (
    Answer,
    Device,
    attempts_of,
    devices_of,
    dispatch,
    remind_at,
    reminders_of,
    subscribe,
    utc,
)
from tests.repair_helpers import commit

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture

SATURDAY_0830 = utc(2026, 11, 21, 8, 30)  # London is on GMT


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(SATURDAY_0830 - timedelta(hours=1), tick=False) as traveller:
        yield traveller


@pytest.fixture
def alices_phone(push, bridge, alice):
    commit(alice, bridge)
    phone = Device(push)
    subscribe(alice, phone)
    remind_at(alice, "08:30")
    return phone


def alice_id(alice) -> int:
    return int(alice.api("GET", "/me").json()["id"])


def test_a_202_counts_as_delivered(frozen, push, alice, alices_phone):
    push.answer(alices_phone, Answer(202))
    frozen.move_to(SATURDAY_0830)
    dispatch()
    [reminder] = reminders_of(alice_id(alice))
    assert reminder["status"] == "sent"


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_calls_gone_is_forgotten(
    frozen, push, alice, alices_phone, status
):
    push.answer(alices_phone, Answer(status))
    frozen.move_to(SATURDAY_0830)
    dispatch()
    assert devices_of(alice_id(alice)) == []
    [attempt] = attempts_of(alice_id(alice))
    assert (attempt["outcome"], attempt["status_code"]) == ("gone", status)
    [reminder] = reminders_of(alice_id(alice))
    assert reminder["status"] == "failed"
    assert "no longer subscribed" in alice.get("/settings/reminders").text
    frozen.move_to(SATURDAY_0830 + timedelta(days=1))
    assert dispatch() == 0  # no device, no reminder, no attempt
    assert len(attempts_of(alice_id(alice))) == 1


def test_a_429_waits_for_retry_after_then_delivers(frozen, push, alice, alices_phone):
    push.answer(alices_phone, Answer(429, {"Retry-After": "600"}))
    frozen.move_to(SATURDAY_0830)
    dispatch()
    [reminder] = reminders_of(alice_id(alice))
    assert reminder["status"] == "retrying"
    assert reminder["next_attempt_at"] == SATURDAY_0830 + timedelta(seconds=600)
    frozen.move_to(SATURDAY_0830 + timedelta(seconds=599))
    assert dispatch() == 0
    frozen.move_to(SATURDAY_0830 + timedelta(seconds=600))
    assert dispatch() == 1
    assert len(push.messages(alices_phone)) == 1
    assert [a["status_code"] for a in attempts_of(alice_id(alice))] == [429, 201]
    assert reminders_of(alice_id(alice))[0]["status"] == "sent"


def test_a_429_holds_every_push_to_that_service_in_the_same_pass(push, bridge, alice, bob, frozen):
    phones = []
    for person in (alice, bob):
        commit(person, bridge)
        phones.append(Device(push))
        subscribe(person, phones[-1])
        remind_at(person, "08:30")
    push.answer(phones[0], Answer(429, {"Retry-After": "120"}))
    push.answer(phones[1], Answer(429, {"Retry-After": "120"}))
    frozen.move_to(SATURDAY_0830)
    dispatch(concurrency=1)
    assert push.requests == 1  # the second push waited instead of hitting the limit
    frozen.move_to(SATURDAY_0830 + timedelta(seconds=120))
    dispatch()
    assert len(push.messages()) == 1  # bob's queued 429 answered now; alice got hers


def test_server_errors_and_time_outs_are_retried_with_backoff_until_delivered(
    frozen, push, alice, alices_phone
):
    push.answer(alices_phone, Answer(500), Answer(503), Answer(delay=60))
    frozen.move_to(SATURDAY_0830)
    waits = []
    for _ in range(4):
        dispatch()
        [reminder] = reminders_of(alice_id(alice))
        if reminder["status"] != "retrying":
            break
        waits.append((reminder["next_attempt_at"] - SATURDAY_0830).total_seconds())
        frozen.move_to(reminder["next_attempt_at"])
    assert waits == sorted(waits) and len(set(waits)) == 3  # each wait longer than the last
    assert reminder["status"] == "sent"
    outcomes = [(a["outcome"], a["status_code"]) for a in attempts_of(alice_id(alice))]
    assert outcomes == [("retry", 500), ("retry", 503), ("retry", None), ("delivered", 201)]
    assert "no answer within" in attempts_of(alice_id(alice))[2]["detail"]
    assert len(push.messages(alices_phone)) == 1


def test_retries_stop_when_alices_day_ends_and_the_page_says_why(frozen, push, alice, alices_phone):
    push.answer(alices_phone, *[Answer(503) for _ in range(20)])
    frozen.move_to(SATURDAY_0830)
    for _ in range(20):
        dispatch()
        [reminder] = reminders_of(alice_id(alice))
        if reminder["status"] != "retrying":
            break
        assert reminder["next_attempt_at"] < utc(2026, 11, 22, 0, 0)
        frozen.move_to(reminder["next_attempt_at"])
    assert reminder["status"] == "failed"
    assert "Gave up" in reminder["error"] and "503" in reminder["error"]
    assert "did not go out" in alice.get("/settings/reminders").text
    assert devices_of(alice_id(alice)) != []  # a bad day for the service is not a gone device


def test_a_413_is_recorded_and_not_retried(frozen, push, alice, alices_phone):
    push.answer(alices_phone, Answer(413))
    frozen.move_to(SATURDAY_0830)
    dispatch()
    [reminder] = reminders_of(alice_id(alice))
    assert reminder["status"] == "failed"
    assert "too large (413)" in reminder["error"]
    frozen.move_to(SATURDAY_0830 + timedelta(hours=2))
    assert dispatch() == 0
    assert len(attempts_of(alice_id(alice))) == 1
