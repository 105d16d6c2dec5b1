"""VAPID (RFC 8292): the key pair that identifies Bridgework to push services.

The private key signs a short-lived ES256 JWT for each push service (reused for
every push to it until shortly before it expires); the public key is what a
browser's `pushManager.subscribe()` is given, so a push service accepts
only pushes signed by us for the subscriptions made with it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

GENERATE_COMMAND = "bridgework new-keys"

# Push services refuse a token that expires more than 24 hours ahead (RFC 8292 §2);
# 12 hours leaves room for clock skew, and one token serves a whole dispatch run.
TOKEN_LIFETIME = timedelta(hours=12)
TOKEN_RENEW_BEFORE = timedelta(hours=1)


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


def sign_jwt(key: ec.EllipticCurvePrivateKey, claims: dict[str, object]) -> str:
    """A compact ES256 JWT: header.claims.signature, the signature as raw r || s."""
    header = b64url(json.dumps({"typ": "JWT", "alg": "ES256"}, separators=(",", ":")).encode())
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{body}".encode("ascii")
    r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return f"{header}.{body}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


@dataclass
class Vapid:
    """Signs the `Authorization: vapid t=…, k=…` header, one token per push service.

    A token is reused until an hour before it expires: signing is the costliest
    step of a push after encryption, and every push to one service shares `aud`.
    """

    private_key: ec.EllipticCurvePrivateKey
    subject: str
    _tokens: dict[str, tuple[str, datetime]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.public_key = b64url(public_key_bytes(self.private_key.public_key()))

    @classmethod
    def from_settings(cls, private_key_text: str, subject: str) -> Vapid:
        return cls(load_private_key(private_key_text), subject)

    def authorization(self, audience: str, now: datetime) -> str:
        """The header for a push to `audience` (the endpoint's origin, port included)."""
        cached = self._tokens.get(audience)
        if cached is None or cached[1] - TOKEN_RENEW_BEFORE <= now:
            expires = now + TOKEN_LIFETIME
            claims = {"aud": audience, "exp": int(expires.timestamp()), "sub": self.subject}
            cached = (sign_jwt(self.private_key, claims), expires)
            self._tokens[audience] = cached
        return f"vapid t={cached[0]}, k={self.public_key}"
