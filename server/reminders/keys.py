"""The VAPID key pair (RFC 8292) as settings keep it: the 32-byte private value in base64url.

Only the key's forms live here; `server/reminders/push.py` signs with it through
`webpush`. A browser's `pushManager.subscribe()` is given the public key, so a
push service accepts only pushes signed by us for the subscriptions made with it.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

GENERATE_COMMAND = "bridgework new-keys"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_private_key() -> str:
    """A fresh P-256 private key, as base64url of its 32-byte private value."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """The key from its base64url text; ValueError if it is not a P-256 private value."""
    raw = b64url_decode(text.strip())
    if len(raw) != 32:
        raise ValueError("a VAPID private key is 32 bytes")
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


def is_private_key(text: str) -> bool:
    try:
        load_private_key(text)
    except (ValueError, TypeError):
        return False
    return True


def public_key_bytes(key: ec.EllipticCurvePublicKey) -> bytes:
    """The uncompressed point (65 bytes): the form browsers and RFC 8291 use."""
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def public_key(private_key_text: str) -> str:
    """The application server key a page passes to `pushManager.subscribe()`."""
    return b64url(public_key_bytes(load_private_key(private_key_text).public_key()))


def pem_pair(private_key_text: str) -> tuple[bytes, bytes]:
    """The key pair as PEM (PKCS#8, SubjectPublicKeyInfo): the form `webpush` loads."""
    key = load_private_key(private_key_text)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public
