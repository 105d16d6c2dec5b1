"""The email sender: one small contract (`send` raises `MailError`), on aiosmtplib.

Connections are kept and reused (a handful at once): a new SMTP session costs a
few round trips and, with TLS, a handshake, which would cap the rate near 50 a
second; reused, a message is one MAIL/RCPT/DATA exchange.
"""

from __future__ import annotations

import asyncio
import contextlib
from email.message import Message
from email.policy import compat32
from email.utils import parseaddr
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

POOL_SIZE = 8
TIMEOUT_S = 20.0
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Headers kept on one line up to SMTP's limit (RFC 5322 §2.1.1): List-Unsubscribe's
# long URL then reaches mail clients unfolded.
WIRE = compat32.clone(max_line_length=998, linesep="\r\n")


class MailError(Exception):
    """The server would not take a message; `permanent` when retrying will not help,
    `refused` when it refused the recipient's address itself."""

    def __init__(self, detail: str, *, permanent: bool = False, refused: bool = False) -> None:
        super().__init__(detail)
        self.permanent = permanent or refused
        self.refused = refused


class Mailer(Protocol):
    async def send(self, message: Message) -> None: ...

    async def aclose(self) -> None: ...


class SmtpMailer:
    """Sends through the server SMTP_URL names: smtp:// with STARTTLS, smtps:// with TLS."""

    def __init__(self, url: str, pool_size: int = POOL_SIZE) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "localhost"
        self.implicit_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self._idle: list[aiosmtplib.SMTP] = []
        self._slots = asyncio.Semaphore(pool_size)

    def _client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.implicit_tls,
            # STARTTLS is required, except on loopback (a relay on the same machine,
            # or the tests' server), where it is used if offered.
            start_tls=None if self.host in LOOPBACK else not self.implicit_tls,
            timeout=TIMEOUT_S,
        )

    async def send(self, message: Message) -> None:
        # Flattened here, once, by the compat32 generator: cheaper than aiosmtplib's.
        data = message.as_bytes(policy=WIRE)
        sender, to = parseaddr(str(message["From"]))[1], parseaddr(str(message["To"]))[1]
        async with self._slots:
            client = self._idle.pop() if self._idle else self._client()
            try:
                if not client.is_connected:
                    await client.connect()
                await client.sendmail(sender, [to], data)
            except aiosmtplib.SMTPRecipientsRefused as error:
                self._idle.append(client)
                codes = [r.code for r in error.recipients]
                detail = "; ".join(f"{r.code} {r.message}" for r in error.recipients)
                if all(400 <= code < 500 for code in codes):
                    raise MailError(f"The mail server deferred the address: {detail}") from None
                raise MailError(f"The address was refused: {detail}", refused=True) from None
            except aiosmtplib.SMTPResponseException as error:
                await _drop(client)
                permanent = 500 <= error.code < 600
                raise MailError(f"{error.code} {error.message}", permanent=permanent) from None
            except (aiosmtplib.SMTPException, OSError) as error:
                await _drop(client)
                raise MailError(f"Could not reach the mail server: {error}") from None
            self._idle.append(client)

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for client in idle:
            await _drop(client)


async def _drop(client: aiosmtplib.SMTP) -> None:
    with contextlib.suppress(Exception):
        if client.is_connected:
            await client.quit()
    client.close()
