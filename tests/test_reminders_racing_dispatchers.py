"""Three dispatcher processes racing over 1,000 due people: each person gets exactly one
reminder — never two, never none — because each reminder is claimed in the database."""

from __future__ import annotations

from collections import Counter

import time_machine

from server.reminders.tables import Reminder
from tests.conftest import run
from tests.reminders_helpers import Device, race, seed_racers, utc

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture

PEOPLE = 1000
NOW = utc(2026, 11, 20, 9, 0)  # everyone chose 08:30, in UTC


def test_three_dispatchers_racing_send_each_of_1000_people_exactly_one_reminder(db, push):
    devices = [Device(push) for _ in range(PEOPLE)]
    with time_machine.travel(NOW, tick=False):
        run(seed_racers(NOW, PEOPLE, devices))
        handled = race(db.url, NOW)
    assert sum(handled) == PEOPLE
    assert sum(1 for h in handled if h) >= 2, f"no race happened: {handled}"

    per_device = Counter(p.device for p in push.pushes)
    assert len(per_device) == PEOPLE
    assert set(per_device.values()) == {1}
    assert push.refused == []
    rows = run(Reminder.select(Reminder.status, Reminder.claimed_by))
    assert len(rows) == PEOPLE
    assert {r["status"] for r in rows} == {"sent"}
    assert len({r["claimed_by"] for r in rows}) >= 2
