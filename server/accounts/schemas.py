"""Shapes of the accounts API."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from server.tables import User

# The limits the service checks, stated where a client generated from the schema sees them.
Email = Annotated[str, Meta(min_length=3, max_length=254)]
DisplayName = Annotated[str, Meta(min_length=1, max_length=60)]
TimeZone = Annotated[str, Meta(min_length=1, max_length=64)]
Password = Annotated[str, Meta(min_length=1)]
NewPassword = Annotated[str, Meta(min_length=8)]


class SignUpIn(msgspec.Struct):
    email: Email
    display_name: DisplayName
    password: NewPassword
    time_zone: TimeZone = "UTC"


class SignInIn(msgspec.Struct):
    email: Email
    password: Password


class ProfileIn(msgspec.Struct):
    """A PATCH: any subset of the fields; those left out keep their value."""

    display_name: DisplayName | UnsetType = UNSET
    time_zone: TimeZone | UnsetType = UNSET

    def given(self) -> dict[str, object]:
        return {k: v for k, v in msgspec.structs.asdict(self).items() if v is not UNSET}


class PasswordIn(msgspec.Struct):
    current_password: Password
    new_password: NewPassword


class UserOut(msgspec.Struct):
    id: int
    email: str
    display_name: str
    time_zone: str

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id, email=user.email, display_name=user.display_name, time_zone=user.time_zone
        )
