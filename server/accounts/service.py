"""Accounts: sign-up, sign-in with throttling, sessions, profile and password."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from zoneinfo import available_timezones

from server import clock, db, formats
from server.accounts import throttle
from server.accounts.passwords import burn_time, hash_password, password_problem, verify_password
from server.accounts.throttle import Client
from server.errors import Conflict, InvalidInput
from server.tables import Session, User
from server.text import clean, raise_if

SESSION_LIFETIME = timedelta(days=30)

# Deliberately loose: one @, something on each side, a dot in the domain.
# The only real check of an address is mail reaching it.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class SignUp:
    email: str
    display_name: str
    password: str
    time_zone: str


@lru_cache(maxsize=1)
def time_zones() -> list[str]:
    """Every IANA time zone name a person can choose, sorted."""
    return sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_email(errors: dict[str, str], value: object) -> str:
    email = clean(errors, "email", value, "Email", max_length=254).lower()
    if email and "email" not in errors and not _EMAIL.match(email):
        errors["email"] = "Enter an email address like name@example.com."
    return email


def _check_time_zone(errors: dict[str, str], value: object) -> str:
    zone = clean(errors, "time_zone", value, "Time zone", max_length=64)
    if zone and "time_zone" not in errors and zone not in time_zones():
        errors["time_zone"] = f"{zone!r} is not a time zone we know. Pick one from the list."
    return zone


def check_sign_up(data: dict[str, object], *, with_password: bool = True) -> SignUp:
    """Validate a sign-up form; raise InvalidInput with a message per bad field.

    `with_password=False`: the account will sign in with a passkey instead.
    """
    errors: dict[str, str] = {}
    email = _check_email(errors, data.get("email"))
    name = clean(errors, "display_name", data.get("display_name"), "Your name", max_length=60)
    zone = _check_time_zone(errors, data.get("time_zone") or "UTC")
    password = data.get("password") if with_password else ""
    if with_password and (not isinstance(password, str) or not password):
        errors["password"] = "Password is required."
    elif with_password and isinstance(password, str):
        problem = password_problem(password, email)
        if problem:
            errors["password"] = problem
    raise_if(errors)
    assert isinstance(password, str)
    return SignUp(email=email, display_name=name, password=password, time_zone=zone)


async def create_user(form: SignUp) -> User:
    """Create the account; Conflict if the email is taken."""
    if await User.exists().where(User.email == form.email):
        raise Conflict("An account with this email already exists. Sign in instead.")
    # No password (""): the account signs in with a passkey or single sign-on.
    password_hash = await hash_password(form.password) if form.password else ""
    user = User(
        email=form.email,
        display_name=form.display_name,
        password_hash=password_hash,
        time_zone=form.time_zone,
        created_at=clock.now(),
        locale=formats.asked.get(),
    )
    try:
        await user.save()
    except Exception as error:  # the unique index lost a race with a twin request
        if await User.exists().where(User.email == form.email):
            raise Conflict("An account with this email already exists. Sign in instead.") from error
        raise
    return user


async def authenticate(email: object, password: object, client: Client, secret: str) -> User:
    """The user these credentials belong to; InvalidInput or Throttled otherwise.

    `secret` checks the client's device cookie (see accounts/throttle.py).
    """
    errors: dict[str, str] = {}
    email_text = clean(errors, "email", email, "Email", max_length=254).lower()
    if not isinstance(password, str) or not password:
        errors["password"] = "Password is required."
    raise_if(errors)
    assert isinstance(password, str)
    now = clock.now()
    device = throttle.device_for(secret, email_text, client.device_cookie)
    await throttle.check(email_text, client, device, now)
    user = await User.objects().where(User.email == email_text).first()
    if user is None:
        await burn_time(password[:256])
        ok = False
    else:
        ok = len(password) <= 256 and await verify_password(user.password_hash, password)
    if not ok or user is None:
        await throttle.record_failure(email_text, client, device, now)
        raise InvalidInput.field("", "That email and password don't match an account.")
    await throttle.forget_failures(email_text, client, device)
    return user


async def start_session(user: User, replacing: str | None = None) -> str:
    """A new session for `user`; returns the cookie token. Drops the session it replaces."""
    if replacing:
        await Session.delete().where(Session.token_hash == token_hash(replacing))
    await remember_locale(user)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    await Session.insert(
        Session(
            token_hash=token_hash(token),
            person=user.id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return token


# Every signed-in request runs this, so it is one plain query (see db.fetch).
_SIGNED_IN = """
    SELECT person.id, person.email, person.display_name, person.password_hash,
        person.time_zone, person.created_at, person.locale
    FROM session JOIN person ON person.id = session.person
    WHERE session.token_hash = {} AND session.expires_at > {}
"""


async def user_for_token(token: str) -> User | None:
    """The signed-in person for a session cookie, or None if unknown or expired."""
    if not token or len(token) > 100:
        return None
    rows = await db.fetch(_SIGNED_IN, token_hash(token), clock.now())
    if not rows:
        return None
    return User(_exists_in_db=True, **rows[0])


async def remember_locale(user: User) -> None:
    """Store the locale this request asked for on `user`, for what is written to them
    without a request (reminders, emails); a write only when it changed."""
    name = formats.asked.get()
    if name and name != user.locale:
        await User.update({User.locale: name}).where(User.id == user.id)
        user.locale = name


async def end_session(token: str) -> None:
    await Session.delete().where(Session.token_hash == token_hash(token))


async def update_profile(user: User, data: dict[str, object]) -> User:
    """Change the fields given in `data`; the others keep their value."""
    errors: dict[str, str] = {}
    name = user.display_name
    if "display_name" in data:
        name = clean(errors, "display_name", data["display_name"], "Your name", max_length=60)
    zone = user.time_zone
    if "time_zone" in data:
        zone = _check_time_zone(errors, data["time_zone"])
    raise_if(errors)
    await User.update({User.display_name: name, User.time_zone: zone}).where(User.id == user.id)
    user.display_name, user.time_zone = name, zone
    return user


async def change_password(user: User, data: dict[str, object], current_token: str) -> str:
    """Check the current password, set the new one, sign out every other session.

    Returns a fresh session token for this browser.
    """
    current, new = data.get("current_password"), data.get("new_password")
    errors: dict[str, str] = {}
    if not user.password_hash:
        pass  # a passkey-only account sets its first password
    elif not isinstance(current, str) or not current:
        errors["current_password"] = "Enter your current password."
    elif not await verify_password(user.password_hash, current):
        errors["current_password"] = "That is not your current password."
    if not isinstance(new, str) or not new:
        errors["new_password"] = "Enter a new password."
    else:
        problem = password_problem(new, user.email)
        if problem:
            errors["new_password"] = problem
    raise_if(errors)
    assert isinstance(new, str)
    password_hash = await hash_password(new)
    async with db.engine().transaction():
        await User.update({User.password_hash: password_hash}).where(User.id == user.id)
        await Session.delete().where(Session.person == user.id)
    user.password_hash = password_hash
    return await start_session(user)


__all__ = [
    "Client",
    "InvalidInput",
    "authenticate",
    "change_password",
    "check_sign_up",
    "create_user",
    "end_session",
    "start_session",
    "time_zones",
    "update_profile",
    "user_for_token",
]
