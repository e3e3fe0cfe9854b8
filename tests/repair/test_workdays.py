"""Chinese working days (rules.md §13), with the 2026 calendar of chinese-calendar and the
statutory holidays computed for 2027 (not entered)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from repair.models import CalendarDay, CalendarYear
from rules.workdays import (
    Deadline,
    add_calendar_period,
    add_working_days,
    effective_deadline,
    is_working_day,
    next_working_day,
    statutory_holidays,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = dt.date


def test_national_day_2026_skips_the_holiday_and_counts_the_makeup_saturday():
    # Notified Monday 28 September: 29, 30 Sep; 1–7 Oct holiday; 8, 9, Sat 10 (make-up),
    # 12–16 Oct → the 10th working day is Friday 16 October.
    deadline = add_working_days(D(2026, 9, 28), 10)
    assert deadline.date == D(2026, 10, 16)
    assert deadline.provisional is False


def test_makeup_sunday_before_mid_autumn_counts():
    # Sunday 20 Sep 2026 is worked; Friday 25 Sep is the Mid-autumn holiday.
    assert is_working_day(D(2026, 9, 20))
    assert not is_working_day(D(2026, 9, 25))
    assert add_working_days(D(2026, 9, 18), 10).date == D(2026, 10, 9)


def test_starting_day_not_counted_and_ordinary_week():
    assert add_working_days(D(2026, 11, 2), 1).date == D(2026, 11, 3)  # Monday → Tuesday
    assert add_working_days(D(2026, 11, 6), 1).date == D(2026, 11, 9)  # Friday → Monday


def test_deadline_on_a_holiday_moves_to_next_working_day():
    assert next_working_day(D(2026, 10, 3)).date == D(2026, 10, 8)
    # "within 15 days" of 17 September 2026 ends on 2 October (holiday) → 8 October.
    assert add_calendar_period(D(2026, 9, 17), days=15).date == D(2026, 10, 8)


def test_year_not_entered_skips_statutory_new_year_and_is_provisional():
    assert not CalendarYear.objects.filter(year=2027, entered=True).exists()
    deadline = add_working_days(D(2026, 12, 24), 10)
    # 25, 28–31 Dec 2026; Friday 1 January 2027 is a statutory holiday; 4–8 January.
    assert deadline.date == D(2027, 1, 8)
    assert deadline.provisional is True
    assert str(deadline).endswith("*")


def test_statutory_holidays_2027_computed_from_the_lunar_calendar():
    assert statutory_holidays(2027) == {
        D(2027, 1, 1),  # New Year
        D(2027, 2, 5),  # Spring Festival eve (lunar new year: Saturday 6 February)
        D(2027, 2, 6),
        D(2027, 2, 7),
        D(2027, 2, 8),
        D(2027, 4, 5),  # Qingming (solar term)
        D(2027, 5, 1),
        D(2027, 5, 2),
        D(2027, 6, 9),  # Dragon Boat, 5/5 lunar
        D(2027, 9, 15),  # Mid-Autumn, 15/8 lunar
        D(2027, 10, 1),
        D(2027, 10, 2),
        D(2027, 10, 3),
    }


def test_national_day_2027_skipped_and_provisional():
    # Notified Thursday 23 September 2027: 24, 27–30 Sep; Friday 1 October is National
    # Day (2–3 October a weekend); 4–8 October → the 10th working day is Friday 8 October.
    deadline = add_working_days(D(2027, 9, 23), 10)
    assert deadline.date == D(2027, 10, 8)
    assert deadline.provisional is True
    assert not is_working_day(D(2027, 10, 1))
    assert next_working_day(D(2027, 10, 1)) == Deadline(D(2027, 10, 4), provisional=True)


def test_spring_festival_2027_skipped_and_provisional():
    # Eve Friday 5 February, lunar new year Saturday 6 February, days 2–3 on 7–8 February:
    # from Thursday 4 February, 1 working day is Tuesday 9 February.
    deadline = add_working_days(D(2027, 2, 4), 1)
    assert deadline == Deadline(D(2027, 2, 9), provisional=True)
    assert not is_working_day(D(2027, 2, 5))
    assert not is_working_day(D(2027, 2, 8))
    assert working_days_between(D(2027, 2, 1), D(2027, 2, 12)) == 7  # 2–4, 9–12 February


def test_mid_autumn_and_qingming_2027_skipped():
    assert not is_working_day(D(2027, 9, 15))  # Wednesday
    assert add_working_days(D(2027, 9, 14), 1).date == D(2027, 9, 16)
    assert not is_working_day(D(2027, 4, 5))  # Monday
    assert add_working_days(D(2027, 4, 2), 1).date == D(2027, 4, 6)


def test_entered_year_follows_the_table_not_the_computed_holidays():
    # Once 2027 is entered, only the table's special days count: an official who has not
    # typed in Qingming makes Monday 5 April 2027 a working day.
    CalendarYear.objects.create(year=2027, entered=True, source="State Council notice")
    assert is_working_day(D(2027, 4, 5))
    assert add_working_days(D(2027, 4, 2), 1) == Deadline(D(2027, 4, 5), provisional=False)


def test_statutory_holidays_agree_with_the_announced_calendars_under_the_amended_law():
    # The 2024 amendment applies from 2025: every computed statutory holiday of 2025 and
    # 2026 is a holiday in chinese-calendar.
    for year in (2025, 2026):
        for day in statutory_holidays(year):
            assert chinese_calendar.is_holiday(day), day


def test_a_provisional_deadline_on_a_statutory_holiday_holds_until_the_next_working_day():
    # Provisional 2 October 2027 (National Day): jobs treat it as Monday 4 October.
    assert effective_deadline(D(2027, 10, 2), True) == D(2027, 10, 4)
    assert effective_deadline(D(2027, 10, 2), False) == D(2027, 10, 2)
    assert effective_deadline(D(2027, 10, 9), True) == D(2027, 10, 9)  # Saturday, not statutory


def test_an_official_entering_next_year_takes_effect_at_once():
    CalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", name="New Year's Day")
    CalendarYear.objects.create(year=2027, entered=True, source="State Council notice")
    deadline = add_working_days(D(2026, 12, 24), 10)
    assert deadline.date == D(2027, 1, 8)
    assert deadline.provisional is False


def test_working_days_between_for_handling_times():
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert working_days_between(D(2026, 10, 10), D(2026, 10, 10)) == 0
