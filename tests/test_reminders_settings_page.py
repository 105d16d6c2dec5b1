"""alice's reminder settings: clear form errors, 4xx JSON in the API, her devices listed
and removable, a test notification, and the service worker served for the whole site."""

from __future__ import annotations

import os

import pytest

from server.reminders.keys import public_key
from server.settings import SettingsError, load_settings
from tests.reminders_helpers import Answer, Device, devices_of, subscribe

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture


def test_a_time_inside_quiet_hours_is_refused_on_the_form(alice):
    response = alice.post(
        "/settings/reminders",
        {
            "local_time": "23:00",
            "weekdays": ["0", "1"],
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
    )
    assert response.status_code == 400
    assert "inside your quiet hours" in response.text
    assert 'value="23:00"' in response.text  # what she typed is kept


def test_the_api_answers_400_naming_each_bad_field(alice):
    response = alice.api("PUT", "/reminders", {"local_time": "8.30", "weekdays": []})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"local_time", "weekdays"}
    bad = alice.api("POST", "/reminders/devices", {"endpoint": "https://evil.example/x"})
    assert bad.status_code == 400 and "push service" in bad.json()["errors"]["endpoint"]
    past = alice.api("POST", "/reminders/pause", {"until": "2000-01-01"})
    assert past.status_code == 400 and "today or later" in past.json()["errors"]["until"]


def test_alice_sees_her_devices_removes_one_and_tests_the_other(push, alice):
    phone, laptop = Device(push), Device(push)
    subscribe(alice, phone)
    laptop_id = subscribe(alice, laptop)
    me = alice.api("GET", "/me").json()["id"]
    assert alice.post(f"/settings/reminders/devices/{laptop_id}/remove").status_code == 303
    assert [d["endpoint"] for d in devices_of(me)] == [phone.endpoint]
    response = alice.post("/settings/reminders/test")
    assert response.headers["location"] == "/settings/reminders?tested=1&failed=0"
    [message] = push.messages(phone)
    assert message["body"].startswith("Test notification")
    assert "Test notification sent to 1 device." in alice.get(response.headers["location"]).text


def test_a_test_to_a_gone_device_says_why_and_forgets_it(push, alice):
    phone = Device(push)
    subscribe(alice, phone)
    push.answer(phone, Answer(410))
    result = alice.api("POST", "/reminders/test").json()
    assert result["delivered"] == 0 and "no longer subscribed" in result["problems"][0]
    assert alice.api("GET", "/reminders").json()["devices"] == []


def test_the_page_carries_the_public_key_and_the_iphone_explanation(alice):
    page = alice.get("/settings/reminders").text
    assert public_key(load_settings(os.environ).vapid_private_key) in page
    assert "Home Screen" in page
    assert alice.api("GET", "/reminders/public-key").json()["public_key"] in page


def test_the_service_worker_is_served_for_the_whole_site(alice):
    response = alice.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["content-type"].startswith("text/javascript")
    for event in ("push", "notificationclick", "pushsubscriptionchange"):
        assert f'addEventListener("{event}"' in response.text


def test_development_keeps_one_vapid_key_and_production_requires_one(tmp_path):
    env = {"BRIDGEWORK_DATA_DIR": str(tmp_path)}
    first = load_settings(env).vapid_private_key
    assert load_settings(env).vapid_private_key == first
    production = {**env, "BRIDGEWORK_ENV": "production", "SECRET_KEY": "x" * 40}
    with pytest.raises(SettingsError, match="VAPID_PRIVATE_KEY is required"):
        load_settings(production)
    with pytest.raises(SettingsError, match="VAPID_SUBJECT is required"):
        load_settings({**production, "VAPID_PRIVATE_KEY": first})
    with pytest.raises(SettingsError, match="VAPID_PRIVATE_KEY must be"):
        load_settings({**env, "VAPID_PRIVATE_KEY": "not-a-key"})


def test_the_service_worker_renews_a_subscription_with_the_old_secret_alone(push, alice):
    phone, renewed = Device(push), Device(push)
    subscribe(alice, phone)
    old = {"endpoint": phone.endpoint, "auth": phone.subscription()["keys"]["auth"]}
    # No CSRF header: a service worker cannot read the token to send one.
    response = alice.client.post(
        "/api/v1/reminders/devices/renew", json={"old": old, "new": renewed.subscription()}
    )
    assert response.status_code == 204, response.text
    me = alice.api("GET", "/me").json()["id"]
    assert [d["endpoint"] for d in devices_of(me)] == [renewed.endpoint]
