"""On a bridge with months of history the page reads only the acts it shows, and still
shows all it promises: the newest acts, every plank still waiting for the reader's
confirmation, and a day picked in the calendar, whatever its age."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine

from server import domain as d
from server.demo_history import Promise, seed_history
from server.repair.view import TIMELINE_ON_PAGE
from server.tables import User
from tests.conftest import run
from tests.repair_helpers import state

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture
def two_months(bridge, alice, bob):
    """Alice and Bob with two months of five daily items, kept or missed, most confirmed:
    the page's newest acts cover only the last few days."""

    async def seed() -> None:
        people = {}
        for side, name in ((d.Side.A, "alice"), (d.Side.B, "bob")):
            user = await User.objects().where(User.email == f"{name}@example.com").first()
            people[side] = user.id
        await seed_history(
            bridge,
            people,
            [
                Promise(d.Side.A, "Reply the same day", d.Cadence.DAILY),
                Promise(d.Side.A, "Ask before reassigning work", d.Cadence.DAILY),
                Promise(d.Side.B, "Say in stand-up what blocks me", d.Cadence.DAILY),
                Promise(d.Side.B, "Share the agenda before our 1:1", d.Cadence.DAILY),
                Promise(d.Side.B, "Review Alice's drafts within a day", d.Cadence.DAILY),
            ],
            {},
            days=60,
            today=TODAY,
            keep_rate=(0.8, 0.5),
            seed=3,
        )

    with time_machine.travel(NOW - timedelta(days=61), tick=False):
        run(seed())
    with time_machine.travel(NOW, tick=False):
        yield bridge


def test_alice_is_told_of_every_plank_of_bobs_she_may_still_confirm(two_months, alice):
    timeline = state(alice, two_months)["timeline"]  # the API's: every act, newest first
    window = (TODAY - timedelta(days=d.CONFIRM_DAYS)).isoformat()
    waiting = [
        e
        for e in timeline
        if e["kind"] in ("kept", "listening", "mistake")
        and not e["mine"]
        and not e["confirmed"]
        and not e["withdrawn"]
        and e["day"] >= window
    ]
    newest = [e for e in timeline if e["kind"] != "confirmation"][:TIMELINE_ON_PAGE]
    # Some of them are older than the newest acts the page lists.
    assert min(e["day"] for e in waiting) < min(e["day"] for e in newest)
    page = alice.get(f"/bridges/{two_months}").text
    assert f"Bob laid {len(waiting)} plank" in text_of(page)


def test_a_day_six_weeks_back_picked_in_the_calendar_lists_its_acts(two_months, alice):
    day = TODAY - timedelta(days=42)
    listed = [
        e
        for e in state(alice, two_months)["timeline"]
        if e["day"] == day.isoformat() and e["kind"] != "confirmation"
    ]
    assert listed
    page = alice.get(f"/bridges/{two_months}?day={day.isoformat()}").text
    shown = re.search(r'<ul class="cal-acts">(.*?)</ul>', page, re.S)
    assert shown, "the chosen day lists no acts"
    assert len(re.findall(r"<li", shown[1])) == len(listed)


def test_the_newest_acts_are_listed_and_the_oldest_are_not(two_months, alice):
    page = alice.get(f"/bridges/{two_months}").text
    section = page.split('id="timeline-h"')[1].split("</section>")[0]
    assert "Today" in text_of(section) or "Yesterday" in text_of(section)
    assert len(re.findall(r'<li class="entry', section)) == TIMELINE_ON_PAGE
    first_day = (TODAY - timedelta(days=60)).strftime("%-d %b")
    assert first_day not in text_of(section)
