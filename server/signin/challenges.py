"""Ceremonies in flight, kept in the database: single-use, short-lived, one browser's.

A passkey challenge or an OIDC state is stored as its SHA-256 with the purpose it
was made for and the hash of the asking browser's `bw_flow` cookie. Taking it is
one `DELETE … RETURNING`: of two requests presenting it, on any worker, exactly
one gets the row, and a browser that did not ask for it gets nothing.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from server import clock, db

FLOW_COOKIE = "bw_flow"
LIFETIME = timedelta(minutes=5)


@dataclass(frozen=True)
class Taken:
    person: int | None
    payload: dict[str, Any]


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_browser_cookie() -> str:
    return secrets.token_urlsafe(24)


_KEEP = """
    INSERT INTO sign_in_challenge (key_hash, purpose, browser_hash, person, payload, expires_at)
    VALUES ({}, {}, {}, {}, {}, {})
"""
_FORGET_EXPIRED = "DELETE FROM sign_in_challenge WHERE expires_at < {}"
_TAKE = """
    DELETE FROM sign_in_challenge
    WHERE key_hash = {} AND purpose = {} AND browser_hash = {} AND expires_at > {}
    RETURNING person, payload
"""


async def keep(
    key: str,
    purpose: str,
    browser_cookie: str,
    person: int | None = None,
    payload: dict[str, Any] | None = None,
    lifetime: timedelta = LIFETIME,
) -> None:
    """Remember a ceremony this browser started; it can be taken once, within `lifetime`."""
    now = clock.now()
    await db.write(
        (_FORGET_EXPIRED, (now,)),
        (
            _KEEP,
            (
                digest(key),
                purpose,
                digest(browser_cookie),
                person,
                json.dumps(payload or {}),
                now + lifetime,
            ),
        ),
    )


async def take(key: str, purpose: str, browser_cookie: str) -> Taken | None:
    """The ceremony, removed so it cannot be used again; None if unknown, expired,
    made for something else, already taken, or started by another browser."""
    if not key or not browser_cookie or len(key) > 2000 or len(browser_cookie) > 100:
        return None
    [rows] = await db.write((_TAKE, (digest(key), purpose, digest(browser_cookie), clock.now())))
    if not rows:
        return None
    person = rows[0]["person"]
    return Taken(int(person) if person is not None else None, json.loads(rows[0]["payload"]))
