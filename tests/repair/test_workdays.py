"""Chinese working days (rules.md §13), with the 2026 calendar of chinese-calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from repair.models import CalendarDay, CalendarYear
from rules.workdays import (
    add_calendar_period,
    add_working_days,
    is_working_day,
    next_working_day,
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


def test_year_not_entered_is_weekends_only_and_provisional():
    assert not CalendarYear.objects.filter(year=2027, entered=True).exists()
    deadline = add_working_days(D(2026, 12, 24), 10)
    # 1 January 2027 counts as an ordinary Friday until the official calendar is entered.
    assert deadline.date == D(2027, 1, 7)
    assert deadline.provisional is True
    assert str(deadline).endswith("*")


def test_an_official_entering_next_year_takes_effect_at_once():
    CalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", name="New Year's Day")
    CalendarYear.objects.create(year=2027, entered=True, source="State Council notice")
    deadline = add_working_days(D(2026, 12, 24), 10)
    assert deadline.date == D(2027, 1, 8)
    assert deadline.provisional is False


def test_working_days_between_for_handling_times():
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert working_days_between(D(2026, 10, 10), D(2026, 10, 10)) == 0
