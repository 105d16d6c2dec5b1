"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps and parses every message."""

from __future__ import annotations

import email
import email.policy
import os
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from server.reminders.dispatcher import Dispatcher
from server.reminders.email.channel import EmailChannel
from server.reminders.email.mailer import SmtpMailer
from server.settings import Settings, load_settings
from tests.conftest import run
from tests.deploy_helpers import free_port
from tests.reminders_helpers import sender


class Inbox:
    """aiosmtpd's handler: refuses the addresses in `refuse` (550), keeps the rest."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.url = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    yield inbox
    controller.stop()


def mail_settings(inbox: Inbox, **extra: str) -> Settings:
    return load_settings(
        {
            **os.environ,
            "SMTP_URL": inbox.url,
            "MAIL_FROM": "Bridgework <reminders@bridgework.test>",
            "BRIDGEWORK_PUBLIC_URL": "http://testserver.local",
            **extra,
        }
    )


def dispatch_with_email(inbox: Inbox, **options: Any) -> int:
    """One dispatcher pass with both channels, as `bridgework dispatch` makes it."""

    async def once() -> int:
        settings = mail_settings(inbox)
        channel = EmailChannel(SmtpMailer(settings.smtp_url), settings)
        dispatcher = Dispatcher(sender(), email=channel, **options)
        try:
            return await dispatcher.once()
        finally:
            await dispatcher.sender.aclose()
            await channel.aclose()

    return run(once())


def text_of(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML parts."""
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()
