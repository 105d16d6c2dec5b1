"""What an email says: the day's reminder (plain text and HTML), and the confirmation.

Built with `email.mime` (the compat32 policy) rather than `EmailMessage`: the modern
policy parses every header it is given, which made composing a reminder cost ~5 ms
of CPU, most of a dispatcher's time per email (bench/bench_email.py); these headers
are ours and need no parsing.
"""

from __future__ import annotations

from datetime import date
from email.header import Header
from email.message import Message as Mail
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid
from html import escape

from server import clock, formats
from server.reminders.message import Message

STYLE = '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">'


def _mail(sender: str, to: str, subject: str, plain: str, html: str) -> Mail:
    mail = MIMEMultipart("alternative")
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> "))
    mail.attach(MIMEText(plain, "plain", "utf-8"))
    mail.attach(MIMEText(html, "html", "utf-8"))
    return mail


def reminder(
    message: Message, day: date, sender: str, to: str, open_url: str, unsubscribe_url: str
) -> Mail:
    """The daily reminder: what is due (counts and names only), a link to it, a way out.
    Its day reads as the reader writes it (formats.locale, set by the caller)."""
    when = formats.day(day)
    mail = _mail(
        sender,
        to,
        f"{message.body[:120]} ({when})",
        f"{message.body}.\n\nOpen Bridgework: {open_url}\n\n"
        "You get this once a day, at the time you chose, when something is due.\n"
        f"Stop these emails: {unsubscribe_url}\n",
        STYLE + f"<p>{escape(message.body)}.</p>"
        f'<p><a href="{escape(open_url)}">Open Bridgework</a></p>'
        '<p style="color:#555;font-size:0.9em">You get this once a day, at the time you '
        f'chose, when something is due. <a href="{escape(unsubscribe_url)}">Stop these '
        "emails</a>.</p></body></html>",
    )
    # RFC 8058: mail clients show "Unsubscribe" and POST to it without opening a page.
    mail["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return mail


def confirmation(sender: str, to: str, confirm_url: str) -> Mail:
    """Asks the owner of an address to confirm it before any reminder goes there."""
    return _mail(
        sender,
        to,
        "Confirm your email for Bridgework reminders",
        "Someone (we hope you) asked for Bridgework's daily reminder at this address.\n\n"
        f"Confirm it: {confirm_url}\n\nIf it was not you, ignore this email: nothing "
        "will be sent.\n",
        STYLE + "<p>Someone (we hope you) asked for Bridgework's daily reminder at this "
        f'address.</p><p><a href="{escape(confirm_url)}">Confirm this address</a></p>'
        "<p>If it was not you, ignore this email: nothing will be sent.</p></body></html>",
    )
