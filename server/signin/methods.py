"""The ways a person signs in: counted (so the last one is never removed) and exported."""

from __future__ import annotations

from typing import Any

from server.signin.tables import OidcIdentity, Passkey, SignInChallenge
from server.tables import User


async def ways_to_sign_in(user: User) -> int:
    """How many ways this person has into the account: a password, each passkey,
    each linked single sign-on identity."""
    passkeys = await Passkey.count().where(Passkey.person == user.id)
    identities = await OidcIdentity.count().where(OidcIdentity.person == user.id)
    return int(bool(user.password_hash)) + passkeys + identities


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


async def sign_in_methods(user: User) -> dict[str, Any]:
    """For the export: which ways in a person has, never a key, hash or secret."""
    passkeys = (
        await Passkey.select(
            Passkey.name, Passkey.created_at, Passkey.last_used_at, Passkey.backed_up
        )
        .where(Passkey.person == user.id)
        .order_by(Passkey.id)
    )
    identities = (
        await OidcIdentity.select(OidcIdentity.issuer, OidcIdentity.email, OidcIdentity.created_at)
        .where(OidcIdentity.person == user.id)
        .order_by(OidcIdentity.id)
    )
    return {
        "password": bool(user.password_hash),
        "passkeys": [
            {
                "name": p["name"],
                "created_at": _iso(p["created_at"]),
                "last_used_at": _iso(p["last_used_at"]),
                "synced": bool(p["backed_up"]),
            }
            for p in passkeys
        ],
        "single_sign_on": [
            {"issuer": i["issuer"], "email": i["email"], "linked_at": _iso(i["created_at"])}
            for i in identities
        ],
    }


async def forget_sign_in_methods(person: int) -> None:
    """Remove every passkey, linked identity and ceremony in flight of a deleted account."""
    await Passkey.delete().where(Passkey.person == person)
    await OidcIdentity.delete().where(OidcIdentity.person == person)
    await SignInChallenge.delete().where(SignInChallenge.person == person)
