from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain import can_check_in, grace_closed, local_today


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_today_is_the_date_where_the_person_lives():
    now = utc(2025, 6, 1, 22, 30)
    assert local_today(now, "UTC") == date(2025, 6, 1)
    assert local_today(now, "Europe/Berlin") == date(2025, 6, 2)
    assert local_today(now, "America/New_York") == date(2025, 6, 1)


def test_london_midnight_moves_an_hour_earlier_in_utc_when_summer_time_starts():
    # Clocks go forward at 01:00 UTC on Sunday 30 March 2025.
    assert local_today(utc(2025, 3, 29, 23, 30), "Europe/London") == date(2025, 3, 29)
    assert local_today(utc(2025, 3, 30, 23, 30), "Europe/London") == date(2025, 3, 31)


def test_los_angeles_keeps_its_day_through_the_extra_hour_in_november():
    # Clocks go back at 09:00 UTC on Sunday 2 November 2025: 01:00-02:00 happens twice.
    assert local_today(utc(2025, 11, 2, 6, 59), "America/Los_Angeles") == date(2025, 11, 1)
    assert local_today(utc(2025, 11, 2, 7, 0), "America/Los_Angeles") == date(2025, 11, 2)
    assert local_today(utc(2025, 11, 3, 7, 59), "America/Los_Angeles") == date(2025, 11, 2)
    assert local_today(utc(2025, 11, 3, 8, 0), "America/Los_Angeles") == date(2025, 11, 3)


def test_in_auckland_two_moments_a_day_apart_can_share_a_day_when_summer_time_ends():
    # New Zealand leaves daylight time (UTC+13 to UTC+12) on Sunday 6 April 2025.
    first, second = utc(2025, 4, 5, 11, 30), utc(2025, 4, 6, 11, 30)
    assert local_today(first, "Pacific/Auckland") == date(2025, 4, 6)
    assert local_today(second, "Pacific/Auckland") == date(2025, 4, 6)


def test_in_auckland_a_day_can_be_skipped_by_moments_a_day_apart_when_summer_time_starts():
    # ...and returns to it (UTC+12 to UTC+13) on Sunday 28 September 2025.
    assert local_today(utc(2025, 9, 27, 11, 30), "Pacific/Auckland") == date(2025, 9, 27)
    assert local_today(utc(2025, 9, 28, 11, 30), "Pacific/Auckland") == date(2025, 9, 29)


def test_a_naive_time_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="timezone-aware"):
        local_today(datetime(2025, 6, 1, 12), "UTC")


def test_today_and_yesterday_can_be_checked_in():
    today = date(2025, 3, 10)
    assert can_check_in(today, today)
    assert can_check_in(today - timedelta(days=1), today)


def test_the_day_before_yesterday_is_settled():
    today = date(2025, 3, 10)
    assert not can_check_in(today - timedelta(days=2), today)
    assert grace_closed(today - timedelta(days=2), today)
    assert not grace_closed(today - timedelta(days=1), today)


def test_tomorrow_cannot_be_checked_in():
    today = date(2025, 3, 10)
    assert not can_check_in(today + timedelta(days=1), today)


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(-30, 30))
def test_the_grace_window_holds_exactly_today_and_yesterday(today, offset):
    assert can_check_in(today + timedelta(days=offset), today) == (offset in (-1, 0))
