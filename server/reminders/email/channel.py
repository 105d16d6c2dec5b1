"""The email channel as the dispatcher uses it: who wants email today, send, refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from server import clock, formats
from server.reminders import bulk
from server.reminders.delivery import DELIVERED, REJECTED, RETRY, Outcome
from server.reminders.email import compose, tokens
from server.reminders.email.mailer import Mailer, MailError, SmtpMailer
from server.reminders.message import Message
from server.reminders.tables import ReminderSettings
from server.settings import Settings

if TYPE_CHECKING:
    from server.reminders.claims import Claimed

PUSH, EMAIL, BOTH = "push", "email", "both"
CHANNELS = (PUSH, EMAIL, BOTH)
DEVICE = "email"  # what an email attempt records as its device
REFUSED_NOTE = "Email reminders were turned off: the mail server refused {address} ({detail})."


def wants_push(channel: str | None) -> bool:
    return channel not in (EMAIL,)


def wants_email(channel: str | None, confirmed_at: datetime | None) -> bool:
    return channel in (EMAIL, BOTH) and confirmed_at is not None


def unsubscribe_state(address: str, confirmed_at: datetime) -> str:
    """What an unsubscribe link signs: it stops working once email is turned off."""
    return f"{address}|{confirmed_at.astimezone(UTC).isoformat()}"


@dataclass(frozen=True)
class Reach:
    """How one person's reminder goes out today."""

    push: bool
    email: str = ""  # the confirmed address, "" for no email
    confirmed_at: datetime | None = None
    locale: str = ""  # person.locale: how their email writes the day ("" British)


async def reach_of(people: list[int], emails_on: bool) -> dict[int, Reach]:
    """Each person's channels (push only when they have no settings row)."""
    rows = await ReminderSettings.select(ReminderSettings.person, *REACH_COLUMNS).where(
        bulk.id_in(ReminderSettings.person, people)
    )
    return {r["person"]: reach_from(r, emails_on) for r in rows}


# What reach_from() reads of a reminder_settings row.
REACH_COLUMNS = (
    ReminderSettings.channel,
    ReminderSettings.email,
    ReminderSettings.email_confirmed_at,
    ReminderSettings.person.locale,
)


def reach_from(row: dict[str, Any], emails_on: bool) -> Reach:
    """A person's channels from their reminder_settings row (REACH_COLUMNS)."""
    email = emails_on and wants_email(row["channel"], row["email_confirmed_at"])
    return Reach(
        push=wants_push(row["channel"]),
        email=row["email"] if email else "",
        confirmed_at=row["email_confirmed_at"] if email else None,
        locale=row["person.locale"] or "",
    )


class EmailChannel:
    """Sends reminders by email for a dispatcher; `settings` gives the links and sender."""

    def __init__(self, mailer: Mailer, settings: Settings) -> None:
        self.mailer = mailer
        self.sender = settings.mail_from
        self.public_url = settings.public_url
        self.secret = settings.secret_key

    @classmethod
    def from_settings(cls, settings: Settings) -> EmailChannel | None:
        return cls(SmtpMailer(settings.smtp_url), settings) if settings.emails else None

    def unsubscribe_url(self, person: int, address: str, confirmed_at: datetime) -> str:
        state = unsubscribe_state(address, confirmed_at)
        token = tokens.sign(self.secret, "unsubscribe", person, state)
        return f"{self.public_url}/email/unsubscribe/{token}"

    async def send(self, c: Claimed, reach: Reach) -> Outcome:
        """Email one claimed reminder; never raises for what the mail server says."""
        assert reach.confirmed_at is not None
        message = c.message or Message("Bridgework", "Something is due today", "/today")
        with formats.using(formats.stored(reach.locale)):  # no request: the stored one
            mail = compose.reminder(
                message,
                c.local_day,
                self.sender,
                reach.email,
                f"{self.public_url}{message.url}",
                self.unsubscribe_url(c.person, reach.email, reach.confirmed_at),
            )
        try:
            await self.mailer.send(mail)
        except MailError as error:
            kind = REJECTED if error.permanent else RETRY
            return Outcome(c.person, None, DEVICE, kind, None, str(error)[:300], None, DEVICE)
        return Outcome(c.person, None, DEVICE, DELIVERED, None, "", None, DEVICE)

    async def aclose(self) -> None:
        await self.mailer.aclose()


async def turn_off_refused(outcomes: list[Outcome], addresses: dict[int, str]) -> None:
    """A refused address turns email off for its person, with a note on their settings page."""
    for o in outcomes:
        if o.device == DEVICE and o.outcome == REJECTED:
            note = REFUSED_NOTE.format(address=addresses.get(o.person, ""), detail=o.detail)
            await turn_off(o.person, note[:300])


async def turn_off(person: int, note: str) -> None:
    """Email off: push only again, the address no longer confirmed, and why."""
    values: dict[Any, Any] = {
        ReminderSettings.channel: PUSH,
        ReminderSettings.email_confirmed_at: None,
        ReminderSettings.email_note: note,
        ReminderSettings.updated_at: clock.now(),
    }
    await ReminderSettings.update(values).where(ReminderSettings.person == person)
