from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from trust_builders import ALICE, MONDAY, day

from server.domain import Cadence, Commitment, due_days, is_due
from server.domain import validate_cadence as problems_by_field

TODAY = day(10)


def validate_cadence(*args, **kwargs) -> list[str]:
    """The sentences alone, in order (the fields they belong to are tested elsewhere)."""
    return [message for _, message in problems_by_field(*args, **kwargs)]


def commitment(cadence: Cadence, **kw: object) -> Commitment:
    fields: dict[str, object] = {"start": MONDAY, **kw}
    return Commitment(1, ALICE, cadence, **fields)  # type: ignore[arg-type]


def test_a_daily_commitment_is_due_every_day_from_its_start():
    c = commitment(Cadence.DAILY, start=day(2))
    assert due_days(c, day(0), day(6)) == [day(n) for n in range(2, 7)]


def test_a_weekdays_commitment_is_due_only_on_the_chosen_weekdays():
    c = commitment(Cadence.WEEKDAYS, weekdays=frozenset({1, 3}))  # Tuesday, Thursday
    assert due_days(c, day(0), day(13)) == [day(1), day(3), day(8), day(10)]


def test_a_weekly_commitment_is_due_on_the_weekday_it_started():
    c = commitment(Cadence.WEEKLY, start=day(2))  # a Wednesday
    assert due_days(c, day(0), day(20)) == [day(2), day(9), day(16)]


def test_a_one_off_commitment_is_due_once_on_its_date():
    c = commitment(Cadence.ONCE, due_by=day(4))
    assert due_days(c, day(0), day(30)) == [day(4)]


def test_an_end_date_is_the_last_day_due():
    c = commitment(Cadence.DAILY, end=day(3))
    assert due_days(c, day(0), day(9)) == [day(0), day(1), day(2), day(3)]


def test_a_retired_commitment_is_no_longer_due_from_its_retirement():
    c = commitment(Cadence.DAILY, retired_from=day(2))
    assert due_days(c, day(0), day(9)) == [day(0), day(1)]


def test_nothing_is_due_before_the_start():
    c = commitment(Cadence.WEEKLY, start=day(7))
    assert not is_due(c, day(0))
    assert is_due(c, day(7))


@given(st.integers(0, 6), st.integers(0, 400))
def test_a_weekly_commitment_falls_due_exactly_once_in_any_seven_days(start, offset):
    c = commitment(Cadence.WEEKLY, start=day(start))
    first = day(start + offset)
    assert len(due_days(c, first, first + timedelta(days=6))) == 1


@given(st.frozensets(st.integers(0, 6), min_size=1), st.integers(0, 400))
def test_a_weekdays_commitment_is_due_on_as_many_days_a_week_as_weekdays_chosen(days, offset):
    c = commitment(Cadence.WEEKDAYS, weekdays=days)
    first = day(offset)
    assert len(due_days(c, first, first + timedelta(days=6))) == len(days)


def test_a_sound_cadence_has_no_errors():
    assert validate_cadence(Cadence.DAILY, day(0), TODAY) == []
    assert validate_cadence(Cadence.WEEKDAYS, day(0), TODAY, weekdays=[0, 4]) == []
    assert validate_cadence(Cadence.ONCE, day(0), TODAY, due_by=day(12)) == []
    assert validate_cadence(Cadence.WEEKLY, day(0), TODAY, end=day(40)) == []


def test_a_weekdays_cadence_needs_a_weekday():
    assert validate_cadence(Cadence.WEEKDAYS, day(0), TODAY) == ["Pick at least one weekday."]


def test_weekdays_run_from_monday_to_sunday():
    errors = validate_cadence(Cadence.WEEKDAYS, day(0), TODAY, weekdays=[7])
    assert errors == ["Weekdays run from Monday (0) to Sunday (6)."]


def test_weekdays_belong_only_to_a_weekdays_cadence():
    errors = validate_cadence(Cadence.DAILY, day(0), TODAY, weekdays=[1])
    assert errors == ["Weekdays apply only to a commitment due on chosen weekdays."]


def test_a_one_off_commitment_needs_a_date():
    errors = validate_cadence(Cadence.ONCE, day(0), TODAY)
    assert errors == ["A one-off commitment needs the date it will be done by."]


def test_a_one_off_date_cannot_come_before_the_start():
    errors = validate_cadence(Cadence.ONCE, day(5), TODAY, due_by=day(4))
    assert errors == ["The done-by date cannot be before the start date."]


def test_only_a_one_off_commitment_has_a_done_by_date():
    errors = validate_cadence(Cadence.DAILY, day(0), TODAY, due_by=day(4))
    assert errors == ["Only a one-off commitment has a done-by date."]


def test_an_end_before_the_start_is_refused():
    errors = validate_cadence(Cadence.DAILY, day(5), TODAY, end=day(4))
    assert errors == ["The end date cannot be before the start date."]


def test_dates_more_than_a_year_away_are_refused():
    long_ago, far_off = TODAY - timedelta(days=400), TODAY + timedelta(days=400)
    assert validate_cadence(Cadence.DAILY, long_ago, TODAY) == [
        "The start date is more than a year in the past."
    ]
    assert validate_cadence(Cadence.DAILY, TODAY, TODAY, end=far_off) == [
        "The end date is more than a year in the future."
    ]
    assert validate_cadence(Cadence.ONCE, TODAY, TODAY, due_by=far_off) == [
        "The done-by date is more than a year in the future."
    ]


def test_a_year_from_today_is_still_allowed_in_a_leap_year():
    today = date(2024, 2, 29)
    assert validate_cadence(Cadence.DAILY, date(2023, 2, 28), today, end=date(2025, 3, 1)) == []


def test_a_weekdays_cadence_that_never_falls_due_is_refused():
    # Monday to Wednesday, Sundays only.
    errors = validate_cadence(Cadence.WEEKDAYS, day(0), TODAY, end=day(2), weekdays=[6])
    assert errors == ["None of the chosen weekdays falls between the start and end dates."]


def test_every_mistake_is_reported_at_once():
    errors = validate_cadence(Cadence.ONCE, day(5), TODAY, end=day(2), weekdays=[1])
    assert len(errors) == 4
