"""Password rules and argon2id hashing, kept off the event loop."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import anyio.to_thread
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
# argon2 hashes whatever it is given; a bound keeps one request from costing seconds.
MAX_LENGTH = 256

# OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    lines = (Path(__file__).parent / "common_passwords.txt").read_text().splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """Why this password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Password must be at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in _common() or (email and lowered == email.lower()):
        return "That password is too common. Choose one that is harder to guess."
    if len(set(password)) < 3:
        return "That password is too easy to guess. Mix in more different characters."
    return None


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored_hash: str, password: str) -> bool:
    return await anyio.to_thread.run_sync(_verify, stored_hash, password)


# Verified against when the email is unknown, so a miss costs the same time as a hit.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


async def burn_time(password: str) -> None:
    await verify_password(_DUMMY_HASH, password)
