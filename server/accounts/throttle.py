"""Sign-in throttling that slows a guesser without letting anyone keep a person out.

OWASP's "Slow down online guessing attacks with device cookies" is the model:

- A browser that has signed in to an account keeps a *device cookie* for it (a
  random nonce signed with SECRET_KEY, bound to the email). Its failures count
  only against that cookie, and nobody else's failures ever slow it down: the
  owner on her own phone always gets in with the right password.
- Any other attempt counts per account *and* address: after FREE_TRIES failures
  each further one must wait twice as long as the last (1 s, 2 s, 4 s … up to
  15 minutes), so one guesser gets about fifteen tries in fifteen minutes.
  Colleagues behind one company address each have their own count, so one
  person's typos never slow the others.
- Two wide caps, on failures only, stop a guesser who spreads out: one account
  from many addresses (ACCOUNT_LIMIT), or many accounts from one address
  (ADDRESS_LIMIT, high enough for a NAT full of colleagues who mistype). They
  slow only browsers without a device cookie for the account.

Failures are rows in the database, so every process sees the same counts.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from server.errors import Throttled
from server.tables import SignInFailure

WINDOW = timedelta(minutes=15)
FREE_TRIES = 5
MAX_DELAY = WINDOW
ACCOUNT_LIMIT = 100
ADDRESS_LIMIT = 100
DEVICE_COOKIE = "bw_device"
DEVICE_LIFETIME = timedelta(days=365)


@dataclass(frozen=True)
class Client:
    """Who is trying to sign in: their address, and the device cookie they sent."""

    address: str
    device_cookie: str = ""


def _signature(secret: str, email: str, nonce: str) -> str:
    message = f"{email}\n{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def new_device_cookie(secret: str, email: str) -> str:
    """A device cookie for `email`: a random nonce and its signature."""
    nonce = secrets.token_urlsafe(12)
    return f"{nonce}.{_signature(secret, email, nonce)}"


def device_for(secret: str, email: str, cookie: str) -> str:
    """The cookie's nonce if it was issued for `email` by this server, else ""."""
    nonce, _, signature = cookie.partition(".")
    if not nonce or len(cookie) > 100:
        return ""
    expected = _signature(secret, email, nonce)
    return nonce if hmac.compare_digest(signature, expected) else ""


def backoff_wait(failures: list[datetime], now: datetime) -> float:
    """Seconds until the next try is allowed after these failures (0: now)."""
    recent = sorted(at for at in failures if at > now - WINDOW)
    if len(recent) < FREE_TRIES:
        return 0.0
    delay = min(MAX_DELAY.total_seconds(), 2.0 ** (len(recent) - FREE_TRIES))
    return max(0.0, (recent[-1] - now).total_seconds() + delay)


def cap_wait(failures: list[datetime], limit: int, now: datetime) -> float:
    """Seconds until fewer than `limit` of these failures remain in the window (0: now)."""
    recent = sorted(at for at in failures if at > now - WINDOW)
    if len(recent) < limit:
        return 0.0
    return (recent[len(recent) - limit] + WINDOW - now).total_seconds()


async def check(email: str, client: Client, device: str, now: datetime) -> None:
    """Raise Throttled if this attempt must wait."""
    rows = await SignInFailure.select(
        SignInFailure.email, SignInFailure.address, SignInFailure.device, SignInFailure.failed_at
    ).where(
        ((SignInFailure.email == email) | (SignInFailure.address == client.address))
        & (SignInFailure.failed_at > now - WINDOW)
    )
    if device:
        wait = backoff_wait(
            [r["failed_at"] for r in rows if r["email"] == email and r["device"] == device], now
        )
    else:
        unknown = [r for r in rows if not r["device"]]
        account = [r["failed_at"] for r in unknown if r["email"] == email]
        here = [r["failed_at"] for r in unknown if r["address"] == client.address]
        account_here = [
            r["failed_at"]
            for r in unknown
            if r["email"] == email and r["address"] == client.address
        ]
        wait = max(
            backoff_wait(account_here, now),
            cap_wait(account, ACCOUNT_LIMIT, now),
            cap_wait(here, ADDRESS_LIMIT, now),
        )
    if wait > 0:
        raise Throttled(max(1, math.ceil(wait)))


async def record_failure(email: str, client: Client, device: str, now: datetime) -> None:
    await SignInFailure.insert(
        SignInFailure(email=email, address=client.address, device=device, failed_at=now)
    )
    await SignInFailure.delete().where(SignInFailure.failed_at < now - timedelta(days=1))


async def forget_failures(email: str, client: Client, device: str) -> None:
    """After a success: this browser's own failures no longer count (others' still do)."""
    mine = (SignInFailure.email == email) & (SignInFailure.device == device)
    if not device:
        mine = mine & (SignInFailure.address == client.address)
    await SignInFailure.delete().where(mine)
