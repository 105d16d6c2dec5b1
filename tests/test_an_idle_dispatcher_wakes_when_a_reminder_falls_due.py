"""An idle dispatcher sleeps until the next reminder falls due, not a fixed interval:
alice's 08:30 reminder goes out at 08:30, not up to a quarter of a minute later."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from datetime import time as dt_time
from zoneinfo import ZoneInfo

import time_machine

from server import clock
from server.reminders.dispatcher import Dispatcher, next_due_in, run_loop
from server.reminders.tables import ReminderSettings
from tests.conftest import run
from tests.reminders_helpers import Device, remind_at, sender, subscribe, utc
from tests.repair_helpers import commit

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture

SATURDAY_0830 = utc(2026, 11, 21, 8, 30)  # London is on GMT in November


def test_the_dispatcher_knows_how_long_until_alices_reminder(push, bridge, alice):
    with time_machine.travel(SATURDAY_0830 - timedelta(hours=12), tick=False) as frozen:
        assert run(next_due_in(15.0)) == 15.0  # nobody has a reminder yet: look again later
        subscribe(alice, Device(push, "alice's phone"))
        remind_at(alice, "08:30")
        frozen.move_to(SATURDAY_0830 - timedelta(seconds=10))
        assert run(next_due_in(15.0)) == 10.0
        frozen.move_to(SATURDAY_0830 - timedelta(hours=1))
        assert run(next_due_in(15.0)) == 15.0  # never longer than the interval


def just_after_her_next_0830() -> datetime:
    """A moment her day's 08:30 reminder has come: before 08:30 in London it has not
    (the suite runs at any hour), so the next day's 08:30, and never in the past."""
    london = clock.now().astimezone(ZoneInfo("Europe/London"))
    return datetime.combine(london.date() + timedelta(days=1), dt_time(8, 30, 30), london.tzinfo)


def test_a_dispatcher_idle_for_a_minute_sends_alices_reminder_when_it_falls_due(
    push, bridge, alice
):
    # The clock runs on from there (asyncio's own clock, which the waits use, is real).
    with time_machine.travel(just_after_her_next_0830(), tick=True):
        idle_dispatcher_sends_alices_reminder_when_it_falls_due(push, bridge, alice)


def idle_dispatcher_sends_alices_reminder_when_it_falls_due(push, bridge, alice) -> None:
    commit(alice, bridge, "Send Bob the weekly status by 5pm")
    phone = Device(push, "alice's phone")
    subscribe(alice, phone)
    remind_at(alice, "08:30")

    async def idle_then_due() -> float:
        # Her reminder falls due in two seconds; the dispatcher has nothing to do now.
        due_at = clock.now() + timedelta(seconds=2)
        await ReminderSettings.update({ReminderSettings.next_due_at: due_at}).where(
            ReminderSettings.id > 0
        )
        dispatcher = Dispatcher(sender())
        began = time.monotonic()
        loop = asyncio.create_task(run_loop(dispatcher, interval=60.0))
        await asyncio.sleep(1)
        assert push.messages(phone) == []  # not before it is due
        for _ in range(400):  # 20 s at most
            if push.messages(phone):
                break
            await asyncio.sleep(0.05)
        took = time.monotonic() - began
        dispatcher.stopping.set()
        await loop
        await dispatcher.sender.aclose()
        return took

    took = run(idle_then_due())
    assert len(push.messages(phone)) == 1
    assert took < 5, f"sent {took:.1f} s after the dispatcher started, due after 2 s"
