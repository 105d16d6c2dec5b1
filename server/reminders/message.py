"""What a reminder says and where tapping it leads: pure functions of what is due."""

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


@dataclass(frozen=True)
class BridgeDue:
    """What one bridge asks of a person today. Counts only: never what anyone wrote."""

    bridge_id: int
    partner: str
    today: int = 0  # commitments due today, not yet checked in
    yesterday: int = 0  # yesterday's commitments still open (the grace day)
    to_confirm: int = 0  # the partner's planks waiting for this person's confirmation
    away_days: int = 0  # days in a row with everything due left unanswered (domain.away)

    @property
    def anything(self) -> bool:
        return bool(self.today or self.yesterday or self.to_confirm or self.away_days)


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _partners(names: list[str]) -> str:
    shown = [n or "your partner" for n in names[:2]]
    if len(names) > 3:
        return _and([*shown, f"{len(names) - 2} others"])
    return _and([n or "your partner" for n in names])


def compose(dues: list[BridgeDue]) -> Message | None:
    """The day's reminder, or None when nothing is due or waiting (then none is sent).

    "2 commitments today on your bridge with Sam"; tapping opens Today, or the one
    bridge whose planks wait for a confirmation when that is all there is to do.
    """
    busy = [d for d in dues if d.anything]
    if not busy:
        return None
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
        return Message(TITLE, body, "/today")
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
    if not today and not yesterday and len(busy) == 1:
        url = f"/bridges/{busy[0].bridge_id}"
    else:
        url = "/today"
    return Message(TITLE, body, url)


def payload(message: Message, day: date) -> bytes:
    """The JSON the service worker reads, trimmed so the encrypted push stays under 3 KB."""
    body = message.body
    while True:
        data = {
            "title": message.title,
            "body": body,
            "url": message.url,
            "tag": f"reminder-{day.isoformat()}",  # one notification a day, even if shown twice
            "day": day.isoformat(),
        }
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        if len(encoded) <= MAX_PAYLOAD_BYTES:
            return encoded
        body = body[: max(0, len(body) - (len(encoded) - MAX_PAYLOAD_BYTES) - 1)] + "…"


def trial_payload() -> bytes:
    """What "send me a test notification" sends."""
    data = {
        "title": TITLE,
        "body": "Test notification: reminders reach this device.",
        "url": "/settings/reminders",
        "tag": "reminder-test",
    }
    return json.dumps(data, separators=(",", ":")).encode()
