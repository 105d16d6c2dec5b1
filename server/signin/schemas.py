"""Shapes of the passkey and single sign-on API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from server.accounts.schemas import DisplayName, Email, TimeZone
from server.signin.tables import Passkey

PasskeyName = Annotated[str, Meta(max_length=60)]


class CredentialIn(msgspec.Struct):
    """What navigator.credentials.get() returned, as PublicKeyCredential.toJSON() writes it."""

    credential: dict[str, Any]


class NewPasskeyIn(msgspec.Struct):
    """What navigator.credentials.create() returned, and the device's name."""

    credential: dict[str, Any]
    name: PasskeyName = ""


class PasskeySignUpIn(msgspec.Struct):
    email: Email
    display_name: DisplayName
    time_zone: TimeZone = "UTC"


class PasskeyOut(msgspec.Struct):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    synced: bool  # backed up by the phone's passkey manager (iCloud Keychain, Google)

    @classmethod
    def of(cls, passkey: Passkey) -> PasskeyOut:
        return cls(
            id=passkey.id,
            name=passkey.name,
            created_at=passkey.created_at,
            last_used_at=passkey.last_used_at,
            synced=bool(passkey.backed_up),
        )
