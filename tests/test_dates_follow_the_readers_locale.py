"""alice reads en-GB, bob reads en-US: each reads every kind of date and time in one
format, their own, on Today, the bridge page and reminder settings."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from tests.reminders_helpers import remind_at
from tests.repair_helpers import commit

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # a Sunday
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# "6 Dec", "6 December" are British; "Dec 6", "December 6" American.
DAY_MONTH = re.compile(rf"\b\d{{1,2}}\s(?:{MONTHS})")
MONTH_DAY = re.compile(rf"\b(?:{MONTHS})[a-z]*\s\d{{1,2}}\b")
CLOCK_24 = re.compile(r"\b(?:0\d|1[3-9]|2[0-3]):[0-5]\d\b")  # "08:30", "22:00"
CLOCK_12 = re.compile(r"\b\d{1,2}:[0-5]\d\s(?:AM|PM)\b")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def words(page: Any) -> str:
    """What a person reads: no tags, no attribute values, one space between words. A
    picture's labels (the calendar's weeks) are read one by one: run together, "21 Sep"
    and "28 Sep" would read as "Sep 28"."""
    assert page.status_code == 200, page.text
    text = re.sub(r"<text[^>]*>([^<]*)</text>", r" | \1 | ", page.text)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


@pytest.fixture
def readers(bridge, alice, bob) -> dict[str, Any]:
    alice.client.headers["accept-language"] = "en-GB,en;q=0.9"
    bob.client.headers["accept-language"] = "en-US,en;q=0.9"
    for person in (alice, bob):
        commit(person, bridge, "Send the draft", "once", due_by="2026-12-10")
        remind_at(person, "08:30", quiet_start="22:00", quiet_end="07:00")
        assert person.post("/settings/reminders/pause", {"until": "2026-12-20"}).status_code == 303
    return {"alice": alice, "bob": bob}


def screens(person: Any, bridge: int) -> dict[str, str]:
    return {
        "today": words(person.get("/today")),
        "bridge": words(person.get(f"/bridges/{bridge}")),
        "reminders": words(person.get("/settings/reminders")),
    }


def test_alice_in_britain_reads_day_month_and_a_24_hour_clock(readers, bridge):
    seen = screens(readers["alice"], bridge)
    assert "Sunday 6 December" in seen["today"]  # a day in a sentence
    assert "by Thu 10 Dec" in seen["today"]  # a short day
    assert "once, by Thu 10 Dec" in seen["bridge"]
    assert "Paused until Sunday 20 December." in seen["reminders"]
    assert "Every day at 08:30, quiet from 22:00 to 07:00." in seen["reminders"]
    for name, text in seen.items():
        assert not MONTH_DAY.search(text), (name, MONTH_DAY.search(text))
        assert not CLOCK_12.search(text), name


def test_bob_in_america_reads_month_day_and_a_12_hour_clock(readers, bridge):
    seen = screens(readers["bob"], bridge)
    assert "Sunday, December 6" in seen["today"]
    assert "by Thu, Dec 10" in seen["today"]
    assert "once, by Thu, Dec 10" in seen["bridge"]
    assert "Paused until Sunday, December 20." in seen["reminders"]
    # The time box shows 08:30 AM in an American browser: the page says the same clock.
    assert "Every day at 8:30 AM, quiet from 10:00 PM to 7:00 AM." in seen["reminders"]
    for name, text in seen.items():
        assert not DAY_MONTH.search(text), (name, DAY_MONTH.search(text))
        assert not CLOCK_24.search(text), (name, CLOCK_24.search(text))


def test_the_time_boxes_still_send_and_hold_24_hour_values(readers):
    page = readers["bob"].get("/settings/reminders").text
    box = re.search(r'<input[^>]*name="local_time"[^>]*>', page)
    assert box and 'value="08:30"' in box[0]  # what <input type="time"> sends and reads
