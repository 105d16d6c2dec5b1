"""Each push service gets its own signed VAPID token (RFC 8292), `aud` naming its origin
with any non-default port; the token is reused for every push to that service and
signed afresh before it expires, never past 24 hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from server.reminders.push import audience
from server.reminders.vapid import TOKEN_LIFETIME, Vapid, new_private_key
from tests.reminders_helpers import check_vapid

NOON = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def vapid() -> Vapid:
    return Vapid.from_settings(new_private_key(), "mailto:reminders@example.com")


def token(header: str) -> str:
    return header.removeprefix("vapid t=").split(",")[0]


def test_the_audience_keeps_a_port_that_is_not_the_default():
    assert audience("https://fcm.googleapis.com/fcm/send/abc") == "https://fcm.googleapis.com"
    assert audience("https://push.example.com:443/x") == "https://push.example.com"
    assert audience("https://push.example.com:8443/x/y") == "https://push.example.com:8443"
    assert audience("http://127.0.0.1:9000/push/1") == "http://127.0.0.1:9000"


def test_one_token_serves_every_push_to_one_service():
    signer = vapid()
    first = signer.authorization("https://fcm.googleapis.com", NOON)
    later = signer.authorization("https://fcm.googleapis.com", NOON + timedelta(hours=10))
    assert first == later


@time_machine.travel(NOON, tick=False)
def test_each_service_gets_its_own_token_for_its_own_origin():
    signer = vapid()
    for origin in ("https://fcm.googleapis.com", "https://updates.push.services.mozilla.com:8443"):
        problem, claims = check_vapid(signer.authorization(origin, NOON), origin)
        assert problem is None
        assert claims["aud"] == origin
    tokens = {token(signer.authorization(o, NOON)) for o in ("https://a.test", "https://b.test")}
    assert len(tokens) == 2


def test_a_token_is_signed_afresh_before_it_expires():
    signer = vapid()
    origin = "https://web.push.apple.com"
    first = token(signer.authorization(origin, NOON))
    near_expiry = NOON + TOKEN_LIFETIME - timedelta(minutes=30)
    renewed = signer.authorization(origin, near_expiry)
    assert token(renewed) != first
    with time_machine.travel(near_expiry, tick=False):
        problem, claims = check_vapid(renewed, origin)
    assert problem is None
    assert claims["exp"] == int((near_expiry + TOKEN_LIFETIME).timestamp())
