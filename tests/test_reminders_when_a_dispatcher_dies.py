"""If a dispatcher dies between claiming alice's reminder and sending it, another one
sends it once the claim's lease runs out; if it dies while sending, another one sends
it again with the same Topic, so her push service keeps one copy: none is lost."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import time_machine

from server import clock
from server.reminders import dispatcher as dispatcher_module
from server.reminders.dispatcher import LEASE, TOPIC, Dispatcher
from tests.conftest import run
from tests.reminders_helpers import (
    Device,
    PushService,
    attempts_of,
    dispatch,
    remind_at,
    reminders_of,
    sender,
    subscribe,
    utc,
)
from tests.repair_helpers import commit

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture

SATURDAY_0830 = utc(2026, 11, 21, 8, 30)


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


def dies_after(step: str, push: PushService | None = None) -> None:
    """A dispatcher that claims the due reminders, then dies after `step`."""

    async def pass_until_death() -> None:
        dispatcher = Dispatcher(sender())
        batch = await dispatcher.prepare(await dispatcher.due_people(clock.now()), clock.now())
        claimed = await dispatcher.claim(batch.claims)
        assert claimed
        if step == "sending":
            # It marks them sending and is killed while the pushes are in flight: once
            # the push service has the request (it answers a second later), however
            # long a busy machine took to get there.
            assert push is not None
            task = asyncio.create_task(dispatcher.send(claimed))
            for _ in range(1000):  # up to 10 s; the push service runs in its own thread
                if push.requests:
                    break
                await asyncio.sleep(0.01)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await dispatcher.sender.aclose()

    run(pass_until_death())


def test_a_claimed_reminder_is_sent_by_another_dispatcher_after_the_lease(
    frozen, push, alice, alices_phone
):
    frozen.move_to(SATURDAY_0830)
    dies_after("claim")
    assert push.messages() == []
    assert dispatch() == 0  # the claim is still fresh: the other dispatcher leaves it alone
    frozen.move_to(SATURDAY_0830 + LEASE + timedelta(seconds=1))
    assert dispatch() == 1
    assert len(push.messages(alices_phone)) == 1
    frozen.move_to(SATURDAY_0830 + timedelta(hours=1))
    assert dispatch() == 0
    assert len(push.messages(alices_phone)) == 1
    alice_id = alice.api("GET", "/me").json()["id"]
    assert reminders_of(alice_id)[0]["status"] == "sent"


def test_a_reminder_that_was_being_sent_is_sent_again_with_the_same_topic(
    frozen, push, alice, alices_phone
):
    push.delay = 1.0  # the push is in flight when the dispatcher dies
    frozen.move_to(SATURDAY_0830)
    dies_after("sending", push)
    alice_id = alice.api("GET", "/me").json()["id"]
    assert reminders_of(alice_id)[0]["status"] == "sending"
    assert dispatch() == 0  # its lease is fresh: the dead one might still be alive
    frozen.move_to(SATURDAY_0830 + LEASE + timedelta(seconds=1))
    assert dispatch() == 1
    frozen.move_to(SATURDAY_0830 + timedelta(hours=3))
    assert dispatch() == 0
    copies = [p for p in push.pushes if p.device == alices_phone.token]
    # The copy in flight at the kill reached the push service (it answers late) and the
    # take-over sent another; the same Topic lets the push service keep only the last.
    assert len(copies) == 2
    assert {p.headers["topic"] for p in copies} == {TOPIC}
    assert copies[0].message == copies[1].message
    [reminder] = reminders_of(alice_id)
    assert reminder["status"] == "sent"
    assert "went out" in alice.get("/settings/reminders").text


def test_a_reminder_whose_push_was_stored_before_the_death_is_not_sent_again(
    frozen, push, alice, alices_phone, monkeypatch
):
    """It died between storing the push service's 201 and the reminder's status."""

    async def dies(*_: object) -> None:
        raise RuntimeError("killed between the attempt and the status")

    frozen.move_to(SATURDAY_0830)
    with monkeypatch.context() as patched:
        patched.setattr(dispatcher_module, "settle", dies)
        with pytest.raises(RuntimeError, match="killed"):
            dispatch()
    alice_id = alice.api("GET", "/me").json()["id"]
    assert reminders_of(alice_id)[0]["status"] == "sending"
    assert [a["outcome"] for a in attempts_of(alice_id)] == ["delivered"]
    frozen.move_to(SATURDAY_0830 + LEASE + timedelta(seconds=1))
    dispatch()
    assert len(push.messages(alices_phone)) == 1  # its phone had it: not pushed again
    [reminder] = reminders_of(alice_id)
    assert reminder["status"] == "sent"
    assert reminder["sent_at"] is not None
