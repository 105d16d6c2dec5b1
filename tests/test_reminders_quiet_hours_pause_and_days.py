"""No reminder in alice's quiet hours, while she has paused them, on a day she did not
choose, or when she has already checked everything in."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine

from server.reminders.schedule import Schedule, in_quiet_hours, plan
from tests.reminders_helpers import Device, dispatch, remind_at, subscribe, utc
from tests.repair_helpers import check_in, commit

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture

FRIDAY_EVENING = utc(2026, 11, 20, 18, 0)
SATURDAY_0830 = utc(2026, 11, 21, 8, 30)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FRIDAY_EVENING, tick=False) as traveller:
        yield traveller


def test_quiet_hours_can_wrap_past_midnight():
    quiet = (time(22, 0), time(7, 0))
    assert in_quiet_hours(time(23, 30), quiet) and in_quiet_hours(time(6, 59), quiet)
    assert not in_quiet_hours(time(7, 0), quiet) and not in_quiet_hours(time(21, 59), quiet)


def test_a_late_reminder_never_lands_in_quiet_hours():
    schedule = Schedule(at=time(8, 30), quiet=(time(22, 0), time(7, 0)))
    late = datetime(2026, 11, 21, 22, 30, tzinfo=SATURDAY_0830.tzinfo)
    day, next_at = plan(schedule, "Europe/London", late)
    assert day is None and next_at == SATURDAY_0830 + timedelta(days=1)


def test_no_reminder_on_a_day_alice_did_not_choose(frozen, push, bridge, alice):
    commit(alice, bridge)
    subscribe(alice, Device(push))
    remind_at(alice, "08:30", weekdays=[0, 1, 2, 3, 4])  # not Saturday
    frozen.move_to(SATURDAY_0830)
    assert dispatch() == 0
    frozen.move_to(SATURDAY_0830 + timedelta(days=2))  # Monday
    assert dispatch() == 1


def test_no_reminder_while_alice_has_paused_them(frozen, push, bridge, alice):
    commit(alice, bridge)
    subscribe(alice, Device(push))
    remind_at(alice, "08:30")
    assert alice.api("POST", "/reminders/pause", {"until": "2026-11-22"}).status_code == 200
    for day in (0, 1):
        frozen.move_to(SATURDAY_0830 + timedelta(days=day))
        assert dispatch() == 0
    frozen.move_to(SATURDAY_0830 + timedelta(days=2))
    assert dispatch() == 1
    assert [m["day"] for m in push.messages()] == [str(date(2026, 11, 23))]


def test_no_reminder_once_everything_is_checked_in(frozen, push, bridge, alice):
    commitment = commit(alice, bridge)
    check_in(alice, bridge, commitment, "kept")  # Friday's
    subscribe(alice, Device(push))
    remind_at(alice, "08:30")
    frozen.move_to(SATURDAY_0830 - timedelta(hours=1))
    check_in(alice, bridge, commitment, "kept")  # Saturday's, before the reminder
    frozen.move_to(SATURDAY_0830)
    assert dispatch() == 0
    assert push.messages() == []


def test_bob_is_reminded_of_alices_plank_waiting_for_his_confirmation(
    frozen, push, bridge, alice, bob
):
    commitment = commit(alice, bridge)
    check_in(alice, bridge, commitment, "kept")
    subscribe(bob, Device(push))
    remind_at(bob, "08:30")
    frozen.move_to(SATURDAY_0830)
    assert dispatch() == 1
    [message] = push.messages()
    assert message["body"] == "1 plank to confirm on your bridge with Alice"
    assert message["url"] == f"/bridges/{bridge}"
