"""Three dispatcher processes racing over 300 people who chose email: each address gets
exactly one reminder, because email goes through the same daily claim as push."""

from __future__ import annotations

import os
from collections import Counter

import time_machine

from server.reminders.tables import Reminder
from tests.conftest import run
from tests.email_helpers import Inbox
from tests.reminders_helpers import race, seed_racers, utc

pytest_plugins = ["tests.email_helpers"]

PEOPLE = 300
NOW = utc(2026, 11, 20, 9, 0)  # everyone chose 08:30, in UTC


def test_three_dispatchers_racing_email_each_of_300_people_exactly_once(db, smtp: Inbox):
    env = {**os.environ, "SMTP_URL": smtp.url, "MAIL_FROM": "Bridgework <r@bridgework.test>"}
    with time_machine.travel(NOW, tick=False):
        run(seed_racers(NOW, PEOPLE))
        handled = race(db.url, NOW, env=env)
    assert sum(handled) == PEOPLE
    assert sum(1 for h in handled if h) >= 2, f"no race happened: {handled}"

    per_address = Counter(m["To"] for m in smtp.messages)
    assert len(per_address) == PEOPLE
    assert set(per_address.values()) == {1}
    rows = run(Reminder.select(Reminder.status))
    assert len(rows) == PEOPLE
    assert {r["status"] for r in rows} == {"sent"}
