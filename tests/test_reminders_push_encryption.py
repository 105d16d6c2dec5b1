"""A push is encrypted by `webpush` as RFC 8291 says: http_ece (the reference library)
decrypts what the sender builds, every message has its own key pair and salt, and
what no push can carry is refused before anything is sent."""

from __future__ import annotations

import asyncio
import os

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from server.reminders.keys import b64url, new_private_key, public_key_bytes
from server.reminders.push import MAX_PAYLOAD, Device, Package, PushError, WebPush

SUBJECT = "mailto:reminders@example.com"


class Phone:
    """A browser's side of a subscription: a P-256 key pair and an auth secret."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.device = Device(
            "https://fcm.googleapis.com/fcm/send/x",
            b64url(public_key_bytes(self.key.public_key())),
            b64url(self.auth),
        )

    def read(self, body: bytes) -> bytes:
        return http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )


def body_for(phone: Phone, payload: bytes) -> bytes:
    body, headers = Package(new_private_key(), SUBJECT).build(phone.device, payload, 60, None)
    assert headers["Content-Encoding"] == "aes128gcm"
    return body


def send(device: Device, payload: bytes) -> PushError:
    async def attempt() -> PushError:
        sender = WebPush(new_private_key(), SUBJECT)
        try:
            await sender.send(device, payload, ttl=60)
        except PushError as error:
            return error
        finally:
            await sender.aclose()
        raise AssertionError("sent")

    return asyncio.run(attempt())


def test_the_phone_reads_what_we_send():
    phone = Phone()
    payload = '{"title":"Bridgework","body":"1 commitment today with Zoë"}'.encode()
    assert phone.read(body_for(phone, payload)) == payload


def test_every_message_has_its_own_key_pair_and_salt():
    phone = Phone()
    first, second = body_for(phone, b"same"), body_for(phone, b"same")
    assert first[:16] != second[:16]  # the salt
    assert first[21:86] != second[21:86]  # the sender's public key
    assert phone.read(first) == phone.read(second) == b"same"


def test_the_largest_message_a_push_carries_fits_in_4096_bytes():
    phone = Phone()
    body = body_for(phone, b"x" * MAX_PAYLOAD)
    assert len(body) == 4096
    assert phone.read(body) == b"x" * MAX_PAYLOAD


def test_a_message_larger_than_a_push_carries_is_refused_for_good():
    error = send(Phone().device, b"x" * (MAX_PAYLOAD + 1))
    assert error.permanent and not error.gone
    assert "more than a push carries" in str(error)


@pytest.mark.parametrize(
    "p256dh", [b64url(b"\x04" + b"\x01" * 64), "not base64 at all!", b64url(b"short")]
)
def test_a_key_that_is_not_a_p256_point_is_refused_for_good(p256dh):
    phone = Phone()
    error = send(Device(phone.device.endpoint, p256dh, phone.device.auth), b"hello")
    assert error.permanent and "keys are unusable" in str(error)
