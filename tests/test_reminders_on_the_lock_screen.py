"""What alice's lock screen shows: by default how many and with whom; with "Show what's
due on the lock screen" the commitment too (shortened). The one item "Kept" checks in
is the one Today lists, and the badge counts what Today has open."""

from __future__ import annotations

import json

import pytest
import time_machine

from server.checkin.service import today_view
from server.tables import User
from tests.conftest import run
from tests.reminders_helpers import (
    Answer,
    Device,
    dispatch,
    remind_at,
    reminders_of,
    subscribe,
    utc,
)
from tests.repair_helpers import check_in, commit

FRIDAY_EVENING = utc(2026, 11, 20, 18, 0)
SATURDAY_0830 = utc(2026, 11, 21, 8, 30)
WEEKLY = "Send Bob the weekly status before the Monday planning meeting"

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FRIDAY_EVENING, tick=False) as traveller:
        yield traveller


def todays_open(email: str) -> tuple[list[tuple[int, int, str]], int]:
    async def read() -> tuple[list[tuple[int, int, str]], int]:
        user = await User.objects().where(User.email == email).first()
        assert user is not None
        view = await today_view(user)
        rows = [(i.bridge_id, i.commitment_id, i.day.isoformat()) for i in view.open_items]
        return rows, view.still_open

    return run(read())


def test_by_default_the_reminder_counts_and_kept_checks_in_todays_one_open_item(
    frozen, push, bridge, alice
):
    commitment = commit(alice, bridge, WEEKLY)
    check_in(alice, bridge, commitment, "kept")  # Friday's is done; Saturday's is not
    phone = Device(push, "alice's phone")
    subscribe(alice, phone)
    remind_at(alice, "08:30")
    frozen.move_to(SATURDAY_0830)
    assert dispatch() == 1
    [message] = push.messages(phone)
    assert message["body"] == "1 commitment today on your bridge with Bob"
    assert "weekly" not in json.dumps(message).lower()
    assert message["notification"]["body"] == message["body"]
    [(bridge_id, commitment_id, day)], still_open = todays_open("alice@example.com")
    assert message["kept"] == {
        "bridge": bridge_id,
        "commitment": commitment_id,
        "day": day,
        "partner": "Bob",
    }
    assert message["app_badge"] == still_open == 1
    assert [a["title"] for a in message["actions"]] == ["Kept", "Open"]


def test_with_the_setting_on_the_lock_screen_names_the_commitment_shortened(
    frozen, push, bridge, alice
):
    commit(alice, bridge, WEEKLY)
    commit(alice, bridge, "Ask Bob how the launch went")
    phone = Device(push)
    subscribe(alice, phone)
    remind_at(alice, "08:30")
    page = alice.get("/settings/reminders")
    assert "Show what's due on the lock screen" in page.text
    assert 'name="lock_screen_names" value="on">' in page.text  # off by default
    saved = alice.post("/settings/reminders/lock-screen", {"lock_screen_names": "on"})
    assert saved.status_code == 303
    assert (
        'name="lock_screen_names" value="on" checked>' in alice.get(saved.headers["location"]).text
    )

    frozen.move_to(SATURDAY_0830)
    assert dispatch() == 1
    [message] = push.messages(phone)
    assert message["body"] == (
        "“Send Bob the weekly status before the M…” and 3 more. 2 commitments today and "
        "2 commitments from yesterday to check in on your bridge with Bob"
    )
    assert message["notification"]["body"] == message["body"]
    assert "kept" not in message  # two items: "Open Today" only
    assert [a["title"] for a in message["actions"]] == ["Open Today"]


def test_turning_the_setting_off_again_takes_the_names_off(frozen, push, bridge, alice):
    commit(alice, bridge, WEEKLY)
    phone = Device(push)
    subscribe(alice, phone)
    remind_at(alice, "08:30")
    alice.post("/settings/reminders/lock-screen", {"lock_screen_names": "on"})
    alice.post("/settings/reminders/lock-screen", {})  # the box unticked
    bogus = alice.post("/settings/reminders/lock-screen", {"lock_screen_names": "yes please"})
    assert bogus.status_code == 303  # anything but "on" is off, never a 500
    frozen.move_to(SATURDAY_0830)
    dispatch()
    [message] = push.messages(phone)
    assert "weekly" not in json.dumps(message).lower()


def test_a_reminder_sent_again_after_a_5xx_carries_the_same_kept_and_badge(
    frozen, push, bridge, alice
):
    commitment = commit(alice, bridge, WEEKLY)
    check_in(alice, bridge, commitment, "kept")  # Friday's is done; Saturday's is not
    phone = Device(push)
    subscribe(alice, phone)
    remind_at(alice, "08:30")
    push.answer(phone, Answer(503))
    frozen.move_to(SATURDAY_0830)
    dispatch()
    assert push.messages(phone) == []
    [reminder] = reminders_of(alice.api("GET", "/me").json()["id"])
    frozen.move_to(reminder["next_attempt_at"])
    dispatch()
    [message] = push.messages(phone)
    assert message["kept"]["partner"] == "Bob"
    assert message["app_badge"] == 1
