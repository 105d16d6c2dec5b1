"""The bridge page's calendar, from the week the bridge began (twelve weeks at most):
each side reads its own days on the left, a shape and a word for each, and a tap on a
day says what happened on it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from html import unescape
from typing import Any

import pytest
import time_machine

from server.domain import weeks_since
from tests.repair_helpers import act, check_in, commit

DASH = "\u2013"  # the en dash of "Sat 7 Nov \u2013 Sun 8 Nov"
MONDAY = date(2026, 11, 2)  # the first of two weeks of mixed days
TODAY = MONDAY + timedelta(days=14)  # Monday 16 Nov


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def as_text(person: Any, bridge: int) -> str:
    """The calendar's text equivalent, as a screen reader reads it."""
    page = person.get(f"/bridges/{bridge}").text
    found = re.search(r'<details class="cal-text">(.*?)</details>', page, re.S)
    assert found, "the calendar has no text equivalent"
    return re.sub(r" ([:,.])", r"\1", text_of(found[1]))


@pytest.fixture
def two_weeks(bridge: int, alice: Any, bob: Any) -> Iterator[int]:
    """Alice and Bob each commit to something daily from Monday 2 Nov. Alice keeps it
    (Bob confirms some), owns one miss, forgets one day; Bob pauses the weekend."""
    with time_machine.travel(noon(MONDAY), tick=False) as traveller:
        mine = commit(alice, bridge, "Reply to Bob's messages the same day")
        theirs = commit(bob, bridge, "Share the agenda before our 1:1")
        for n in range(14):
            on = MONDAY + timedelta(days=n)
            traveller.move_to(noon(on))
            if n == 4:  # Friday: Bob pauses the weekend, for both of them
                pausing = {"start": (on + timedelta(days=1)).isoformat()}
                pausing["end"] = (on + timedelta(days=2)).isoformat()
                assert bob.api("POST", f"/bridges/{bridge}/pause", pausing).status_code < 300
            if n in (5, 6):
                continue
            if n == 2:
                check_in(alice, bridge, mine, "missed")
            elif n != 3:  # Thursday 5 Nov: nothing checked in, it lapses
                kept = check_in(alice, bridge, mine).json()["act_id"]
                if n % 2 == 0:
                    assert act(bob, bridge, "confirmations", {"act": kept}).status_code == 201
            check_in(bob, bridge, theirs)
        traveller.move_to(noon(TODAY))
        yield bridge


def test_after_two_weeks_alice_reads_her_days_and_bobs_as_text(two_weeks, alice):
    text = as_text(alice, two_weeks)
    you, bob = text.split(" Bob ", 1)
    assert you.startswith(
        "The last 3 weeks as text You You: 5 kept and secured, 5 kept, 1 missed and owned it, "
        "1 missed, 2 paused, 1 still open."
    )
    assert "Mon 16 Nov: still open" in you
    assert "Thu 5 Nov: missed " in you
    assert "Wed 4 Nov: missed and owned it" in you
    assert f"Sat 7 Nov {DASH} Sun 8 Nov: paused" in you  # days in a row with one mark: one line
    assert "Mon 2 Nov: kept and secured" in you and "Tue 3 Nov: kept" in you
    # Bob kept everything he had due; Alice confirmed none of it.
    assert bob.startswith("Bob: 12 kept, 2 paused, 1 still open.")
    assert f"Mon 9 Nov {DASH} Sun 15 Nov: kept Sat 7 Nov {DASH} Sun 8 Nov: paused" in bob
    assert "secured" not in bob and "missed" not in bob


def test_bob_reads_his_own_days_first_and_alices_second(two_weeks, bob):
    text = as_text(bob, two_weeks)
    assert text.startswith("The last 3 weeks as text You You: 12 kept, 2 paused, 1 still open.")
    assert "Alice Alice: 5 kept and secured, 5 kept, 1 missed and owned it, 1 missed," in text


def test_the_picture_has_a_square_a_day_linking_to_it_and_leaves_words_to_the_text(
    two_weeks, alice
):
    page = alice.get(f"/bridges/{two_weeks}").text
    picture = re.search(r'<svg class="cal"[^>]*>', page)[0]
    assert 'aria-hidden="true"' in picture  # screen readers read the text equivalent
    # One square for each day since the bridge began, on each side: 15 days, today too.
    assert len(re.findall(r'<use href="#c[a-z]" x=', page)) == 2 * 15
    assert 'href="?day=2026-11-05#day"' in page
    # Each mark its shape: an owned miss and a missed day are drawn differently.
    assert re.search(r'<a href="\?day=2026-11-04#day" tabindex="-1"><use href="#co"', page)
    assert re.search(r'<a href="\?day=2026-11-05#day" tabindex="-1"><use href="#cm"', page)


def test_the_calendar_draws_weeks_from_the_one_the_bridge_began_not_before(two_weeks, alice):
    page = alice.get(f"/bridges/{two_weeks}").text
    picture = re.search(r'<svg class="cal".*?</svg>', page, re.S)[0]
    assert 'viewBox="0 0 360 104"' in picture  # three rows of 22 below a 38 header
    rows = re.findall(r'<text y="(\d+)">([^<]*)</text>', picture)
    assert [int(y) for y, _ in rows] == [51, 73, 95]  # Mondays 2, 9 and 16 November
    assert "Oct" not in " ".join(label for _, label in rows)
    assert '<h2 id="calendar-h">The last 3 weeks</h2>' in page


def test_a_bridge_with_nothing_on_it_yet_draws_this_week(bridge, alice):
    with time_machine.travel(noon(TODAY), tick=False):
        page = alice.get(f"/bridges/{bridge}").text
    assert '<h2 id="calendar-h">This week</h2>' in page
    assert "<summary>This week as text</summary>" in page
    assert 'viewBox="0 0 360 60"' in page


def test_weeks_since_counts_from_the_bridges_first_week_to_twelve_at_most():
    assert weeks_since(None, TODAY) == 1
    assert weeks_since(TODAY, TODAY) == 1
    assert weeks_since(TODAY - timedelta(days=1), TODAY) == 2  # Sunday: the week before
    assert weeks_since(MONDAY, TODAY) == 3
    assert weeks_since(MONDAY - timedelta(weeks=9), TODAY) == 12
    assert weeks_since(MONDAY - timedelta(weeks=40), TODAY) == 12


def test_tapping_a_day_says_what_happened_on_it(two_weeks, alice):
    page = alice.get(f"/bridges/{two_weeks}?day=2026-11-04").text
    day = text_of(re.search(r'<div class="cal-day"(.*?)</div>', page, re.S)[1])
    assert "Wednesday 4 November" in day
    assert "You · Missed and owned it: 1 of 1 due checked in; 1 missed and owned." in day
    assert "Bob · Kept: 1 of 1 due checked in; a plank laid, not confirmed yet." in day
    assert "You missed (said so themselves): Reply to Bob's messages the same day" in day
    # Without a pointer: the same day picked in the form, within the twelve weeks.
    picker = re.search(r'<input id="cal-day" name="day" type="date"[^>]*>', page)[0]
    assert 'min="2026-11-02" max="2026-11-16" value="2026-11-04"' in picker


def test_a_day_that_is_not_a_date_or_out_of_range_shows_no_day_and_no_error(two_weeks, alice):
    for wrong in ("yesterday", "2026-02-30", "2026-12-25", "2026-11-01", "x" * 300):
        response = alice.get(f"/bridges/{two_weeks}?day={wrong}")
        assert response.status_code == 200
        assert 'class="cal-day"' not in response.text


def test_mallory_cannot_read_their_calendar(two_weeks, mallory):
    response = mallory.get(f"/bridges/{two_weeks}?day=2026-11-04")
    assert response.status_code == 404
    assert "Reply to Bob" not in response.text


def test_a_plank_bob_confirms_after_alice_looked_shows_on_her_next_look(two_weeks, alice, bob):
    """The calendar comes from the bridge's derivation kept for the day: a change made
    after Alice's first look is on her next one, never a stale copy."""
    day = "2026-11-13"  # Friday: Alice kept her item, Bob has not confirmed it
    before = alice.get(f"/bridges/{two_weeks}?day={day}").text
    assert "a plank laid, not confirmed yet" in text_of(before.split('class="cal-day"')[1])
    planks = [
        e["id"]
        for e in bob.api("GET", f"/bridges/{two_weeks}/state").json()["timeline"]
        if e["kind"] == "kept" and e["day"] == day and not e["mine"]
    ]
    assert act(bob, two_weeks, "confirmations", {"act": planks[0]}).status_code == 201
    after = alice.get(f"/bridges/{two_weeks}?day={day}").text
    said = text_of(after.split('class="cal-day"')[1])
    assert "You · Kept and secured: 1 of 1 due checked in" in said
