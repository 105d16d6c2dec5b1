"""A person's email choice: channel, address, confirmation by link, unsubscribe by link."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server import clock
from server.errors import InvalidInput
from server.reminders.email import compose, tokens
from server.reminders.email.channel import (
    CHANNELS,
    EMAIL,
    PUSH,
    turn_off,
    unsubscribe_state,
)
from server.reminders.email.mailer import Mailer, MailError
from server.reminders.tables import ReminderSettings
from server.settings import Settings
from server.tables import User

ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
UNSUBSCRIBED_NOTE = "You stopped email reminders from a link in one of them."


@dataclass(frozen=True)
class EmailChoice:
    channel: str
    email: str
    confirmed_at: datetime | None
    note: str

    @property
    def pending(self) -> bool:
        return bool(self.email) and self.confirmed_at is None


async def choice_of(user: User) -> EmailChoice:
    row = await (
        ReminderSettings.select(
            ReminderSettings.channel,
            ReminderSettings.email,
            ReminderSettings.email_confirmed_at,
            ReminderSettings.email_note,
        )
        .where(ReminderSettings.person == user.id)
        .first()
    )
    if row is None:
        return EmailChoice(PUSH, "", None, "")
    return EmailChoice(row["channel"], row["email"], row["email_confirmed_at"], row["email_note"])


def check_choice(data: Mapping[str, Any]) -> tuple[str, str]:
    """(channel, address) from the form; InvalidInput naming each bad field."""
    channel = str(data.get("channel") or PUSH)
    address = str(data.get("email") or "").strip()
    errors = {}
    if channel not in CHANNELS:
        errors["channel"] = "Choose push, email or both."
    if channel != PUSH and not ADDRESS.match(address):
        errors["email"] = "Give an email address like sam@example.com."
    if len(address) > 254:
        errors["email"] = "That address is too long."
    if errors:
        raise InvalidInput(errors)
    return channel, address


def confirm_url(settings: Settings, person: int, address: str) -> str:
    token = tokens.sign(settings.secret_key, "confirm", person, address)
    return f"{settings.public_url}/email/confirm/{token}"


async def choose(
    user: User, channel: str, address: str, settings: Settings, mailer: Mailer
) -> bool:
    """Keep the choice; a new address is sent a confirmation link. True if one was sent."""
    from server.reminders.service import ensure_settings, reschedule

    await ensure_settings(user.id)
    current = await choice_of(user)
    changed = bool(address) and address.lower() != current.email.lower()
    values: dict[Any, Any] = {
        ReminderSettings.channel: channel,
        ReminderSettings.updated_at: clock.now(),
    }
    if changed:
        values |= {
            ReminderSettings.email: address,
            ReminderSettings.email_confirmed_at: None,
            ReminderSettings.email_note: "",
        }
    await ReminderSettings.update(values).where(ReminderSettings.person == user.id)
    await reschedule(user)
    if not changed:
        return False
    try:
        await mailer.send(
            compose.confirmation(
                settings.mail_from, address, confirm_url(settings, user.id, address)
            )
        )
    except MailError as error:
        raise InvalidInput.field("email", f"The confirmation could not be sent: {error}") from None
    return True


async def confirm(token: str, settings: Settings) -> bool:
    """Confirm the address a link was sent to; False for a tampered or outdated link."""
    person = tokens.person_of(token)
    if person is None:
        return False
    row = await (
        ReminderSettings.select(ReminderSettings.email)
        .where(ReminderSettings.person == person)
        .first()
    )
    if row is None or not tokens.valid(settings.secret_key, "confirm", token, row["email"]):
        return False
    await ReminderSettings.update(
        {
            ReminderSettings.email_confirmed_at: clock.now(),
            ReminderSettings.email_note: "",
            ReminderSettings.updated_at: clock.now(),
        }
    ).where((ReminderSettings.person == person) & (ReminderSettings.email_confirmed_at.is_null()))
    await _reschedule(person)
    return True


async def unsubscribe(token: str, settings: Settings) -> bool:
    """Turn email off from a link (no sign-in); False when tampered with or already used."""
    person = tokens.person_of(token)
    if person is None:
        return False
    row = await (
        ReminderSettings.select(
            ReminderSettings.channel, ReminderSettings.email, ReminderSettings.email_confirmed_at
        )
        .where(ReminderSettings.person == person)
        .first()
    )
    if row is None or row["email_confirmed_at"] is None or row["channel"] == PUSH:
        return False
    state = unsubscribe_state(row["email"], row["email_confirmed_at"])
    if not tokens.valid(settings.secret_key, "unsubscribe", token, state):
        return False
    await turn_off(person, UNSUBSCRIBED_NOTE)
    await _reschedule(person)
    return True


async def _reschedule(person: int) -> None:
    from server.reminders.service import reschedule

    user = await User.objects().where(User.id == person).first()
    if user is not None:
        await reschedule(user)


__all__ = ["EMAIL", "EmailChoice", "check_choice", "choice_of", "choose", "confirm", "unsubscribe"]
