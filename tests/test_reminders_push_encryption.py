"""A push is encrypted exactly as RFC 8291 says: the RFC's own example comes out byte
for byte, http_ece (the reference library) decrypts what we send, and every message
has its own key pair and salt."""

from __future__ import annotations

import os

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from server.reminders import ece
from server.reminders.push import Device, encrypt
from server.reminders.vapid import b64url, b64url_decode, public_key_bytes

# RFC 8291, Appendix A.
PLAINTEXT = b"When I grow up, I want to be a watermelon"
SENDER_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
RECEIVER_PUBLIC = (
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
)
AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg"
SALT = "DGv6ra1nlYgDCS1FRnbzlw"
MESSAGE = (
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYW"
    "AmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj"
    "_Qulcy4a-fN"
)


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


def test_the_rfc_8291_example_comes_out_byte_for_byte():
    sender = ec.derive_private_key(int.from_bytes(b64url_decode(SENDER_PRIVATE)), ec.SECP256R1())
    body = ece.encrypt(
        PLAINTEXT,
        b64url_decode(RECEIVER_PUBLIC),
        b64url_decode(AUTH_SECRET),
        sender=sender,
        salt=b64url_decode(SALT),
    )
    assert b64url(body) == MESSAGE


def test_the_phone_reads_what_we_send():
    phone = Phone()
    payload = '{"title":"Bridgework","body":"1 commitment today with Zoë"}'.encode()
    assert phone.read(encrypt(phone.device, payload)) == payload


def test_every_message_has_its_own_key_pair_and_salt():
    phone = Phone()
    first, second = encrypt(phone.device, b"same"), encrypt(phone.device, b"same")
    assert first[:16] != second[:16]  # the salt
    assert first[21:86] != second[21:86]  # the sender's public key
    assert phone.read(first) == phone.read(second) == b"same"


def test_a_payload_larger_than_one_record_is_refused():
    phone = Phone()
    with pytest.raises(ValueError, match="one record"):
        encrypt(phone.device, b"x" * (ece.MAX_PLAINTEXT + 1))
    assert phone.read(encrypt(phone.device, b"x" * ece.MAX_PLAINTEXT)) == b"x" * ece.MAX_PLAINTEXT


def test_a_key_that_is_not_a_p256_point_is_refused():
    phone = Phone()
    broken = Device(phone.device.endpoint, b64url(b"\x04" + b"\x01" * 64), phone.device.auth)
    with pytest.raises(ValueError):
        encrypt(broken, b"hello")
