"""Each push service gets its own VAPID token (RFC 8292), checked here by code that
shares nothing with the sender (`tests.reminders_helpers.check_vapid`): `aud` names
its origin with any non-default port (which `webpush` alone drops), `sub` is the
subject as configured, and one signed header serves a push service for an hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from server.reminders.keys import new_private_key
from server.reminders.push import Package, audience
from tests.reminders_helpers import check_vapid

NOON = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def token(header: str) -> str:
    return header.removeprefix("vapid t=").split(",")[0]


def test_the_audience_keeps_a_port_that_is_not_the_default():
    assert audience("https://fcm.googleapis.com/fcm/send/abc") == "https://fcm.googleapis.com"
    assert audience("https://push.example.com:443/x") == "https://push.example.com"
    assert audience("https://push.example.com:8443/x/y") == "https://push.example.com:8443"
    assert audience("http://127.0.0.1:9000/push/1") == "http://127.0.0.1:9000"


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:9000",
        "https://updates.push.services.mozilla.com:8443",
        "https://fcm.googleapis.com",
    ],
)
def test_the_token_names_the_push_service_with_its_port(origin):
    problem, claims = check_vapid(
        Package(new_private_key(), "mailto:a@example.com").authorization(origin), origin
    )
    assert problem is None
    assert claims["aud"] == origin
    assert claims["exp"] == int((NOON + timedelta(hours=12)).timestamp())


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    "subject", ["mailto:reminders@example.com", "https://bridgework.example.com/contact"]
)
def test_the_subject_is_signed_as_configured(subject):
    origin = "https://fcm.googleapis.com"
    problem, claims = check_vapid(Package(new_private_key(), subject).authorization(origin), origin)
    assert problem is None
    assert claims["sub"] == subject


def test_one_signed_header_serves_a_push_service_for_the_hour():
    package = Package(new_private_key(), "mailto:reminders@example.com")
    with time_machine.travel(NOON, tick=False) as clock:
        first = package.authorization("https://fcm.googleapis.com")
        other = package.authorization("https://web.push.apple.com")
        clock.move_to(NOON + timedelta(minutes=59))
        assert package.authorization("https://fcm.googleapis.com") == first
        assert token(other) != token(first)
        clock.move_to(NOON + timedelta(hours=1))
        renewed = package.authorization("https://fcm.googleapis.com")
        assert token(renewed) != token(first)
        problem, claims = check_vapid(renewed, "https://fcm.googleapis.com")
    assert problem is None
    assert claims["exp"] == int((NOON + timedelta(hours=13)).timestamp())
