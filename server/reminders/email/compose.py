"""What an email says: the day's reminder (plain text and HTML), and the confirmation."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape

from server import clock
from server.reminders.message import Message


def _base(sender: str, to: str, subject: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> "))
    return mail


def reminder(
    message: Message, day: date, sender: str, to: str, open_url: str, unsubscribe_url: str
) -> EmailMessage:
    """The daily reminder: what is due (counts and names only), a link to it, a way out."""
    when = day.strftime("%A %d %B").replace(" 0", " ")
    mail = _base(sender, to, f"{message.body[:120]} ({when})")
    # RFC 8058: mail clients show "Unsubscribe" and POST to it without opening a page.
    mail["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(
        f"{message.body}.\n\nOpen Bridgework: {open_url}\n\n"
        "You get this once a day, at the time you chose, when something is due.\n"
        f"Stop these emails: {unsubscribe_url}\n"
    )
    mail.add_alternative(
        '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">'
        f"<p>{escape(message.body)}.</p>"
        f'<p><a href="{escape(open_url)}">Open Bridgework</a></p>'
        '<p style="color:#555;font-size:0.9em">You get this once a day, at the time you '
        f'chose, when something is due. <a href="{escape(unsubscribe_url)}">Stop these '
        "emails</a>.</p></body></html>",
        subtype="html",
    )
    return mail


def confirmation(sender: str, to: str, confirm_url: str) -> EmailMessage:
    """Asks the owner of an address to confirm it before any reminder goes there."""
    mail = _base(sender, to, "Confirm your email for Bridgework reminders")
    mail.set_content(
        "Someone (we hope you) asked for Bridgework's daily reminder at this address.\n\n"
        f"Confirm it: {confirm_url}\n\nIf it was not you, ignore this email: nothing "
        "will be sent.\n"
    )
    mail.add_alternative(
        '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">'
        "<p>Someone (we hope you) asked for Bridgework's daily reminder at this address.</p>"
        f'<p><a href="{escape(confirm_url)}">Confirm this address</a></p>'
        "<p>If it was not you, ignore this email: nothing will be sent.</p></body></html>",
        subtype="html",
    )
    return mail
