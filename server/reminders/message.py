"""What a reminder says and where tapping it leads: pure functions of what is due.

One payload is read two ways: browsers with a service worker read the top-level
fields (web/sw.js: actions, the badge); WebKit (iOS 18.4+) shows the declarative
part (`web_push: 8030`, `notification`, `app_badge`) without waking the worker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

TITLE = "Bridgework"
# Push services accept 4 KB; the issue caps a reminder at 3 KB once encrypted.
# aes128gcm adds 86 bytes of header, a padding delimiter and a 16-byte tag.
MAX_ENCRYPTED_BYTES = 3 * 1024
ENCRYPTION_OVERHEAD = 86 + 1 + 16
MAX_PAYLOAD_BYTES = MAX_ENCRYPTED_BYTES - ENCRYPTION_OVERHEAD


# Declarative Web Push: the magic number that marks a payload as declarative.
DECLARATIVE = 8030
# What the lock screen may show of a commitment, when its person chose to name them.
NAMED_MAX = 40


@dataclass(frozen=True)
class OpenItem:
    """One of my occurrences Today lists as open: what "Kept" would check in."""

    commitment_id: int
    day: date  # the day the check-in names (Occurrence.check_in_day)
    text: str = ""  # read only when its person chose to see it on the lock screen


@dataclass(frozen=True)
class BridgeDue:
    """What one bridge asks of a person today. Counts only: never what anyone wrote
    (`open_items` carry a commitment's text, shown only if its person chose that)."""

    bridge_id: int
    partner: str
    today: int = 0  # commitments due today, not yet checked in
    yesterday: int = 0  # yesterday's commitments still open (the grace day)
    to_confirm: int = 0  # the partner's planks waiting for this person's confirmation
    away_days: int = 0  # days in a row with everything due left unanswered (domain.away)
    open_items: tuple[OpenItem, ...] = ()  # today's and yesterday's open, as Today lists

    @property
    def anything(self) -> bool:
        return bool(self.today or self.yesterday or self.to_confirm or self.away_days)

    @property
    def still_open(self) -> int:
        """What the app badge counts: check-ins still open and planks to confirm."""
        return self.today + self.yesterday + self.to_confirm


@dataclass(frozen=True)
class KeptAction:
    """The one open item a reminder's "Kept" checks in, from the service worker."""

    bridge_id: int
    commitment_id: int
    day: date
    partner: str


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str
    still_open: int | None = None  # the app badge; None when unknown (a retried reminder)
    kept: KeptAction | None = None  # exactly one item due and open: "Kept" and "Open"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _partners(names: list[str]) -> str:
    shown = [n or "your partner" for n in names[:2]]
    if len(names) > 3:
        return _and([*shown, f"{len(names) - 2} others"])
    return _and([n or "your partner" for n in names])


def _named(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= NAMED_MAX else text[: NAMED_MAX - 1].rstrip() + '…'}”"


def _kept_action(busy: list[BridgeDue]) -> KeptAction | None:
    """The item "Kept" would check in: only when it is all there is to do."""
    owing = [d for d in busy if d.still_open]
    if sum(d.still_open for d in owing) != 1:
        return None
    [due] = owing
    if due.to_confirm or len(due.open_items) != 1:
        return None
    item = due.open_items[0]
    return KeptAction(due.bridge_id, item.commitment_id, item.day, due.partner)


def compose(dues: list[BridgeDue], *, named: bool = False) -> Message | None:
    """The day's reminder, or None when nothing is due or waiting (then none is sent).

    "2 commitments today on your bridge with Sam"; tapping opens Today, or the one
    bridge whose planks wait for a confirmation when that is all there is to do.
    `named`: the person chose to see what is due on the lock screen, so the first
    open commitment is named (truncated); otherwise counts and names of partners only.
    """
    busy = [d for d in dues if d.anything]
    if not busy:
        return None
    still_open = sum(d.still_open for d in busy)
    away = [d for d in busy if d.away_days]
    if away:
        # Someone silent for days was most likely away: ask, rather than list what
        # is overdue at them.
        days = max(d.away_days for d in away)
        names = _partners([d.partner for d in away])
        bridges = "your bridge" if len(away) == 1 else "your bridges"
        body = (
            f"Were you away? No check-ins for {days} days on {bridges} with {names}. "
            "One tap asks to pause those days."
        )
        return Message(TITLE, body, "/today", still_open)
    today = sum(d.today for d in busy)
    yesterday = sum(d.yesterday for d in busy)
    to_confirm = sum(d.to_confirm for d in busy)
    parts = []
    if today:
        parts.append(_count(today, "commitment", "commitments") + " today")
    if yesterday:
        parts.append(_count(yesterday, "commitment", "commitments") + " from yesterday to check in")
    if to_confirm:
        parts.append(_count(to_confirm, "plank", "planks") + " to confirm")
    bridges = "your bridge" if len(busy) == 1 else "your bridges"
    body = f"{_and(parts)} on {bridges} with {_partners([d.partner for d in busy])}"
    items = [item for d in busy for item in d.open_items]
    if named and items:
        more = f" and {len(items) - 1} more" if len(items) > 1 else ""
        body = f"{_named(items[0].text)}{more}. {body[0].upper()}{body[1:]}"
    return Message(TITLE, body, _url(busy, today + yesterday), still_open, _kept_action(busy))


def _url(busy: list[BridgeDue], check_ins: int) -> str:
    """Today, or the one bridge whose planks wait for a confirmation when that is all."""
    return f"/bridges/{busy[0].bridge_id}" if not check_ins and len(busy) == 1 else "/today"


def compose_last_call(dues: list[BridgeDue], *, named: bool = False) -> Message | None:
    """The last call before the day ends, or None when nothing is still open.

    "Still open today: 1 commitment on your bridge with Bob": yesterday's items in
    their grace day count with today's (both close at midnight), planks to confirm
    after them. Someone the day's reminder asks "Were you away?" gets none: a list of
    what is overdue is the wrong question for them. Same buttons, badge and lock-screen
    rule as the day's reminder.
    """
    if any(d.away_days for d in dues):
        return None
    busy = [d for d in dues if d.still_open]
    if not busy:
        return None
    check_ins = sum(d.today + d.yesterday for d in busy)
    to_confirm = sum(d.to_confirm for d in busy)
    parts = []
    if check_ins:
        parts.append(_count(check_ins, "commitment", "commitments"))
    if to_confirm:
        parts.append(_count(to_confirm, "plank", "planks") + " to confirm")
    bridges = "your bridge" if len(busy) == 1 else "your bridges"
    partners = _partners([d.partner for d in busy])
    body = f"Still open today: {_and(parts)} on {bridges} with {partners}"
    items = [item for d in busy for item in d.open_items]
    if named and items:
        more = f" and {len(items) - 1} more" if len(items) > 1 else ""
        body = f"{_named(items[0].text)}{more}. {body}"
    still_open = check_ins + to_confirm
    return Message(TITLE, body, _url(busy, check_ins), still_open, _kept_action(busy))


def _actions(message: Message) -> list[dict[str, str]]:
    """The buttons a service worker adds where the browser shows them."""
    if message.kept is not None:
        return [{"action": "kept", "title": "Kept"}, {"action": "open", "title": "Open"}]
    if message.url == "/today":
        return [{"action": "open", "title": "Open Today"}]
    return [{"action": "open", "title": "Open"}]


def _fields(message: Message, body: str, day: date) -> dict[str, object]:
    tag = f"reminder-{day.isoformat()}"  # one notification a day, even if shown twice
    data: dict[str, object] = {
        # Declarative Web Push (WebKit): shown as is, the tap opens `navigate`.
        "web_push": DECLARATIVE,
        "notification": {
            "title": message.title,
            "body": body,
            "navigate": message.url,
            "tag": tag,
            "lang": "en",
        },
        # What web/sw.js reads.
        "title": message.title,
        "body": body,
        "url": message.url,
        "tag": tag,
        "day": day.isoformat(),
        "actions": _actions(message),
    }
    if message.still_open is not None:
        data["app_badge"] = message.still_open
    if message.kept is not None:
        k = message.kept
        data["kept"] = {
            "bridge": k.bridge_id,
            "commitment": k.commitment_id,
            "day": k.day.isoformat(),
            "partner": k.partner,
        }
    return data


def payload(message: Message, day: date) -> bytes:
    """The JSON the service worker reads, trimmed so the encrypted push stays under 3 KB."""
    body = message.body
    while True:
        data = _fields(message, body, day)
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        if len(encoded) <= MAX_PAYLOAD_BYTES:
            return encoded
        # The body is in the payload twice: trim twice what is over.
        over = len(encoded) - MAX_PAYLOAD_BYTES
        body = body[: max(0, len(body) - (over + 1) // 2 - 1)] + "…"


def trial_payload() -> bytes:
    """What "send me a test notification" sends."""
    body = "Test notification: reminders reach this device."
    data = {
        "web_push": DECLARATIVE,
        "notification": {
            "title": TITLE,
            "body": body,
            "navigate": "/settings/reminders",
            "tag": "reminder-test",
            "lang": "en",
        },
        "title": TITLE,
        "body": body,
        "url": "/settings/reminders",
        "tag": "reminder-test",
    }
    return json.dumps(data, separators=(",", ":")).encode()
