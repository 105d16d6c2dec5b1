"""alice's export holds her reminder settings and her devices' names, never their keys;
deleting her account forgets her reminder address and devices."""

from __future__ import annotations

import json

from tests.conftest import run
from tests.reminders_helpers import Device, remind_at, settings_of, subscribe

pytest_plugins = ["tests.reminders_helpers"]


def test_alices_export_names_her_devices_and_her_reminder_choice_without_keys(alice, push):
    phone = Device(push, "alice's phone")
    subscribe(alice, phone)
    remind_at(alice, "07:45", quiet_start="21:00", quiet_end="07:00")
    export = json.loads(alice.get("/settings/export").text)
    assert export["reminders"]["local_time"] == "07:45"
    assert export["reminders"]["quiet_start"] == "21:00"
    assert export["reminders"]["channel"] == "push"
    [device] = export["devices"]
    assert set(device) == {"device", "created_at", "last_delivered_at"}
    keys = phone.subscription()["keys"]
    text = json.dumps(export)
    for secret in (phone.subscription()["endpoint"], keys["p256dh"], keys["auth"]):
        assert secret not in text


def test_deleting_alices_account_forgets_her_reminders_and_devices(alice, push):
    subscribe(alice, Device(push, "alice's phone"))
    remind_at(alice, "07:45")
    alice_id = alice.api("GET", "/me").json()["id"]
    response = alice.post("/settings/delete", {"password": "correct horse battery"})
    assert response.status_code in (200, 303), response.text
    assert settings_of(alice_id) is None
    from server.reminders.tables import PushSubscription

    assert run(PushSubscription.count().where(PushSubscription.person == alice_id)) == 0
