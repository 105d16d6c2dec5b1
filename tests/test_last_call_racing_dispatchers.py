"""Two dispatcher processes racing in the evening: each person who asked for a last call
and still has something open gets exactly one — never two, never none — decrypted on
their phone."""

from __future__ import annotations

from collections import Counter

import time_machine

from server.reminders.tables import LastCall, PushAttempt, ReminderSettings
from tests.conftest import run
from tests.reminders_helpers import Device, race, seed_racers, utc

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture

PEOPLE = 60
MORNING = utc(2026, 11, 16, 8, 0)
EVENING = utc(2026, 11, 16, 21, 5)  # everyone chose 21:00, in UTC


def test_two_racing_dispatchers_send_each_person_exactly_one_last_call(db, push):
    devices = [Device(push) for _ in range(PEOPLE)]
    with time_machine.travel(MORNING, tick=False):
        # Pairs of bridges, a daily commitment each, left open all day; the day's
        # reminder already looked at (next look tomorrow), the last call at 21:00.
        run(seed_racers(MORNING, PEOPLE, devices))
        run(
            ReminderSettings.update(
                {ReminderSettings.last_call: "21:00", ReminderSettings.next_due_at: None}
            ).where(ReminderSettings.last_call == "")
        )
    with time_machine.travel(EVENING, tick=False):
        handled = race(db.url, EVENING, racers=2)
    assert sum(handled) == PEOPLE
    assert all(handled), f"no race happened: {handled}"

    per_device = Counter(p.device for p in push.pushes)
    assert len(per_device) == PEOPLE and set(per_device.values()) == {1}
    assert push.refused == []
    # Each push was decrypted with its phone's own key: the last call, as the phone reads it.
    bodies = {p.message["body"] for p in push.pushes}
    assert len(bodies) == PEOPLE  # each names its own partner
    assert all(
        b.startswith("Still open today: 1 commitment on your bridge with Racer ") for b in bodies
    )
    assert {p.message["tag"] for p in push.pushes} == {"reminder-2026-11-16"}
    assert {p.headers.get("topic") for p in push.pushes} == {"last-call"}
    rows = run(LastCall.select(LastCall.status))
    assert len(rows) == PEOPLE and {r["status"] for r in rows} == {"sent"}
    assert run(PushAttempt.count().where(PushAttempt.kind == "lastcall")) == PEOPLE
