"""Shapes of the accounts API."""

from __future__ import annotations

import msgspec

from server.tables import User


class SignUpIn(msgspec.Struct):
    email: str | None = None
    display_name: str | None = None
    password: str | None = None
    time_zone: str | None = "UTC"


class SignInIn(msgspec.Struct):
    email: str | None = None
    password: str | None = None


class ProfileIn(msgspec.Struct):
    display_name: str | None = None
    time_zone: str | None = None


class PasswordIn(msgspec.Struct):
    current_password: str | None = None
    new_password: str | None = None


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
