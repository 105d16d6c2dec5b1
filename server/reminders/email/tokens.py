"""Signed links in emails: confirm an address, unsubscribe in one click, no sign-in.

A token names the person and is an HMAC (SECRET_KEY) over what it is for and the
state it acts on, so a changed digit is refused, and an unsubscribe link stops
working once used: it signs the moment the address was confirmed, which
unsubscribing clears.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def _mac(secret: str, purpose: str, person: int, state: str) -> str:
    digest = hmac.new(secret.encode(), f"{purpose}|{person}|{state}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:24]).decode().rstrip("=")


def sign(secret: str, purpose: str, person: int, state: str) -> str:
    return f"{person}.{_mac(secret, purpose, person, state)}"


def person_of(token: str) -> int | None:
    head = token.split(".", 1)[0]
    return int(head) if head.isdigit() and len(head) < 12 else None


def valid(secret: str, purpose: str, token: str, state: str) -> bool:
    person = person_of(token)
    if person is None:
        return False
    return hmac.compare_digest(token, sign(secret, purpose, person, state))
