"""A software authenticator: real ES256 keys, attestation "none", real assertions.

It does what a phone's platform authenticator does, byte for byte as WebAuthn
Level 3 lays it out, so the server's real py_webauthn checks run unmocked.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40
AAGUID = bytes(16)  # "none" attestation: all zeros


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    id: bytes
    rp_id: str
    user_handle: bytes
    key: ec.EllipticCurvePrivateKey
    sign_count: int = 0


@dataclass
class SoftwareAuthenticator:
    """A phone's passkey store: one per person's device."""

    origin: str = "http://testserver.local"
    backed_up: bool = True  # a synced passkey (iCloud Keychain, Google Password Manager)
    credentials: list[Credential] = field(default_factory=list)

    @property
    def rp_id(self) -> str:
        return self.origin.split("://", 1)[1].split(":")[0]

    def _flags(self, user_verified: bool) -> int:
        flags = UP | (UV if user_verified else 0)
        if self.backed_up:
            flags |= BE | BS
        return flags

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {
                "type": kind,
                "challenge": challenge,
                "origin": origin or self.origin,
                "crossOrigin": False,
            }
        ).encode()

    def create(
        self, options: dict[str, Any], *, user_verified: bool = True, origin: str | None = None
    ) -> dict[str, Any]:
        """navigator.credentials.create(): a new key pair, its public half attested "none"."""
        key = ec.generate_private_key(ec.SECP256R1())
        numbers = key.public_key().public_numbers()
        cose_key = cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
        credential = Credential(
            os.urandom(32), options["rp"]["id"], unb64url(options["user"]["id"]), key
        )
        self.credentials.append(credential)
        rp_hash = hashlib.sha256(credential.rp_id.encode()).digest()
        auth_data = (
            rp_hash
            + bytes([self._flags(user_verified) | AT])
            + struct.pack(">I", credential.sign_count)
            + AAGUID
            + struct.pack(">H", len(credential.id))
            + credential.id
            + cose_key
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(credential.id),
            "rawId": b64url(credential.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(
                    self._client_data("webauthn.create", options["challenge"], origin)
                ),
                "attestationObject": b64url(attestation),
                "transports": ["internal", "hybrid"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }

    def get(
        self,
        options: dict[str, Any],
        *,
        user_verified: bool = True,
        origin: str | None = None,
        credential: Credential | None = None,
    ) -> dict[str, Any]:
        """navigator.credentials.get(): sign the challenge with the (newest) passkey."""
        chosen = credential or self.credentials[-1]
        chosen.sign_count += 1
        rp_hash = hashlib.sha256(chosen.rp_id.encode()).digest()
        auth_data = (
            rp_hash + bytes([self._flags(user_verified)]) + struct.pack(">I", chosen.sign_count)
        )
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = chosen.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(chosen.id),
            "rawId": b64url(chosen.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(chosen.user_handle),
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }


def add_passkey(person: Any, phone: SoftwareAuthenticator, name: str = "Alice's iPhone") -> Any:
    """`person` (a signed-in tests.conftest.Browser) adds a passkey made on `phone`."""
    options = person.api("POST", "/passkeys/options")
    assert options.status_code == 200, options.text
    credential = phone.create(options.json())
    return person.api("POST", "/passkeys", {"name": name, "credential": credential})


def sign_in_with_passkey(person: Any, phone: SoftwareAuthenticator, **kwargs: Any) -> Any:
    """`person`'s browser signs in with the passkey on `phone`."""
    options = person.api("POST", "/session/passkey/options")
    assert options.status_code == 200, options.text
    return person.api(
        "POST", "/session/passkey", {"credential": phone.get(options.json(), **kwargs)}
    )
