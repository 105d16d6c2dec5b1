"""Two dispatcher processes racing on a Sunday evening: each person who asked for the
weekly look back gets exactly one — never two, never none — decrypted on their phone."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import time_machine

from server.moments.tables import LookBack, LookBackSettings
from server.reminders.tables import PushSubscription
from server.tables import Bridge, User
from tests.conftest import run
from tests.reminders_helpers import Device, race, utc

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture

PEOPLE = 60
SUNDAY_EVENING = utc(2026, 11, 22, 19, 5)  # everyone chose 19:00, in UTC


async def seed(now: datetime, devices: list[Device]) -> None:
    """People in pairs of bridges, each with a phone and the look back at 19:00."""
    await User.insert(
        *[
            User(
                email=f"looker{i}@example.com",
                display_name=f"Looker {i}",
                password_hash="-",
                time_zone="UTC",
                created_at=now,
            )
            for i in range(len(devices))
        ]
    )
    ids = await User.select(User.id).order_by(User.id).output(as_list=True)
    await Bridge.insert(
        *[
            Bridge(side_a=a, side_b=b, status="active", created_at=now, accepted_at=now)
            for a, b in zip(ids[::2], ids[1::2], strict=True)
        ]
    )
    await PushSubscription.insert(
        *[
            PushSubscription(
                person=person,
                endpoint=device.endpoint,
                p256dh=device.subscription()["keys"]["p256dh"],
                auth=device.subscription()["keys"]["auth"],
                device="Phone",
                created_at=now,
            )
            for person, device in zip(ids, devices, strict=True)
        ]
    )
    await LookBackSettings.insert(
        *[LookBackSettings(person=person, local_time="19:00", updated_at=now) for person in ids]
    )


def test_two_racing_dispatchers_send_each_person_exactly_one_look_back(db, push):
    devices = [Device(push) for _ in range(PEOPLE)]
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        run(seed(SUNDAY_EVENING, devices))
        handled = race(db.url, SUNDAY_EVENING, racers=2)
    assert sum(handled) == PEOPLE
    assert all(handled), f"no race happened: {handled}"

    per_device = Counter(p.device for p in push.pushes)
    assert len(per_device) == PEOPLE and set(per_device.values()) == {1}
    assert push.refused == []
    # Each push was decrypted with its phone's own key: the look back, as the phone reads it.
    assert {p.message["body"] for p in push.pushes} == {
        "This week: nothing was due, your bridge is 0 % across"
    }
    assert {p.message["tag"] for p in push.pushes} == {"look-back-2026-11-22"}
    assert {p.headers.get("topic") for p in push.pushes} == {"weekly-look-back"}
    rows = run(LookBack.select(LookBack.status))
    assert len(rows) == PEOPLE and {r["status"] for r in rows} == {"sent"}
