"""A person's own page says their streak and the days it spans; Today links to it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import time_machine

from tests.repair_helpers import check_in, commit

MONDAY = date(2026, 11, 2)


def streak_line(person) -> str:
    page = person.get("/settings").text
    found = re.search(r'<p class="streak-span" id="streak">(.*?)<small', page, re.S)
    assert found, "no streak on the settings page"
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found[1]))).strip()


def test_three_days_kept_read_as_a_streak_from_monday_to_wednesday(bridge, alice):
    with time_machine.travel(datetime(2026, 11, 2, 12, tzinfo=UTC), tick=False) as traveller:
        promise = commit(alice, bridge, "Reply the same day")
        for n in range(3):
            traveller.move_to(
                datetime.combine(MONDAY + timedelta(days=n), datetime.min.time(), UTC)
                + timedelta(hours=12)
            )
            assert check_in(alice, bridge, promise).status_code == 201
        assert streak_line(alice) == "Your streak: 3 days, Mon 2 Nov to Wed 4 Nov."
        today = alice.get("/today").text
        assert re.search(r'href="/settings#streak">3-day streak</a> <small>since Mon 2 Nov', today)
        # Thursday: nothing yet, still open; Saturday: Thursday lapsed, the streak ended.
        traveller.move_to(datetime(2026, 11, 5, 12, tzinfo=UTC))
        assert streak_line(alice) == "Your streak: 3 days, Mon 2 Nov to Wed 4 Nov."
        traveller.move_to(datetime(2026, 11, 7, 12, tzinfo=UTC))
        assert streak_line(alice).startswith("No streak right now. Check in everything due")


def test_someone_with_no_bridge_has_no_streak_right_now(mallory):
    assert streak_line(mallory).startswith("No streak right now.")
