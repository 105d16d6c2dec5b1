"""mallory cannot see, remove or take over anyone else's reminder devices or settings."""

from __future__ import annotations

import pytest

from tests.reminders_helpers import (
    Device,
    devices_of,
    remind_at,
    subscribe,
)
from tests.test_mallory_route_matrix import DEVICE, World, attempts, routes_of

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture


@pytest.fixture
def world(team, bridge, alice, bob, carol, mallory) -> World:
    """The route matrix's world: alice and bob build a bridge on carol's team."""
    ids = {p.name: p.api("GET", "/me").json()["id"] for p in (alice, bob, carol, mallory)}
    return World(team, ids["alice"], ids["bob"], ids["carol"], ids["mallory"], bridge, bridge)


def test_mallory_cannot_remove_alices_device_by_its_id(world, push, alice, mallory):
    device_id = subscribe(alice, Device(push))
    problems = attempts(world, mallory, routes_of(DEVICE), (404,), device_id=device_id)
    assert not problems, "\n".join(problems)
    assert len(devices_of(world.alice_id)) == 1
    assert alice.api("DELETE", f"/reminders/devices/{device_id}").status_code == 204
    assert devices_of(world.alice_id) == []


def test_mallory_sees_only_her_own_reminder_settings_and_devices(world, push, alice, mallory):
    subscribe(alice, Device(push))
    remind_at(alice, "06:45")
    seen = mallory.api("GET", "/reminders").json()
    assert seen["devices"] == [] and seen["schedule"]["local_time"] == "08:30"
    page = mallory.get("/settings/reminders").text
    assert "06:45" not in page and push.origin not in page


def test_mallory_cannot_renew_alices_subscription_without_its_auth_secret(
    world, push, alice, mallory
):
    phone = Device(push)
    subscribe(alice, phone)
    hers = Device(push)
    response = mallory.api(
        "POST",
        "/reminders/devices/renew",
        {
            "old": {"endpoint": phone.endpoint, "auth": "AAAAAAAAAAAAAAAAAAAAAA"},
            "new": hers.subscription(),
        },
    )
    assert response.status_code == 404
    [device] = devices_of(world.alice_id)
    assert device["endpoint"] == phone.endpoint


def test_subscribing_alices_endpoint_moves_it_to_whoever_holds_the_browser(world, push, alice, bob):
    # The endpoint and its keys live in one browser: whoever subscribes from it owns it.
    phone = Device(push)
    subscribe(alice, phone)
    subscribe(bob, phone)
    assert devices_of(world.alice_id) == []
    assert [d["endpoint"] for d in devices_of(world.bob_id)] == [phone.endpoint]


def test_mallory_cannot_take_over_alices_endpoint_without_its_keys(world, push, alice, mallory):
    phone = Device(push)
    subscribe(alice, phone)
    forged = {**phone.subscription(), "keys": Device(push).subscription()["keys"]}
    assert mallory.api("POST", "/reminders/devices", forged).status_code == 409
    assert [d["endpoint"] for d in devices_of(world.alice_id)] == [phone.endpoint]
