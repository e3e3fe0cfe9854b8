"""Chinese working days (rules.md §13): the one module every deadline goes through.

Rules: periods in working days skip weekends and official holidays but count make-up
working days (调休); the starting day is not counted; a deadline that falls on a
holiday moves to the next working day. The calendar is the editable table
``repair.CalendarDay`` (seeded from ``chinese-calendar``, 2004–2026). A year whose
official calendar is not entered (``CalendarYear.entered``) skips weekends and the
statutory holidays, which the law fixes and :func:`statutory_holidays` computes from the
lunar calendar and the solar terms (``lunar_python``); only the extra rest days and make-up
working days announced each year are unknown, so any deadline that needed such a year is
marked *provisional* (rules.md §13). A job acts on a provisional deadline that falls on a
statutory holiday only on the next working day (the day :func:`effective_deadline` gives).

The table is small (≈ 800 rows) and read on every deadline, so it is held in memory
and reloaded when an official edits it (signals below) or after ``_TTL`` seconds
(other processes' edits).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]

_TTL = 300.0
_lock = threading.Lock()
_cache: tuple[float, dict[dt.date, bool], frozenset[int]] | None = None

RECOMPUTE_JOB = "provisional_deadlines_recompute"
# Higher apps that store provisional deadlines register how to recompute them (their
# AppConfig.ready()); each returns its counts.
_recomputers: dict[str, Callable[..., dict[str, int]]] = {}


@dataclass(frozen=True)
class Deadline:
    """A computed date; ``provisional`` when it depends on a year not yet entered."""

    date: dt.date
    provisional: bool = False

    def __str__(self) -> str:
        return self.date.isoformat() + (" *" if self.provisional else "")


def clear_cache(**_: object) -> None:
    global _cache
    with _lock:
        _cache = None


def _calendar() -> tuple[dict[dt.date, bool], frozenset[int]]:
    """(date → is working day for the special days, years entered)."""
    global _cache
    now = time.monotonic()
    cached = _cache
    if cached is not None and now - cached[0] < _TTL:
        return cached[1], cached[2]
    from .models import CalendarDay, CalendarYear

    special = {
        day: kind == CalendarDay.Kind.MAKEUP
        for day, kind in CalendarDay.objects.values_list("date", "kind")
    }
    years = frozenset(CalendarYear.objects.filter(entered=True).values_list("year", flat=True))
    with _lock:
        _cache = (now, special, years)
    return special, years


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> frozenset[dt.date]:
    """The statutory holidays of ``year`` as the law fixes them (rules.md §13): New Year
    1 January; Spring Festival eve and the first three days of the lunar year; Qingming
    (the solar term); Labour Day 1–2 May; Dragon Boat (5/5 lunar); Mid-Autumn (15/8 lunar);
    National Day 1–3 October. Without the extra rest days and make-up days of the year."""
    from lunar_python import Lunar  # type: ignore[import-untyped]

    def solar(lunar: Any) -> dt.date:
        s = lunar.getSolar()
        return dt.date(s.getYear(), s.getMonth(), s.getDay())

    new_year = solar(Lunar.fromYmd(year, 1, 1))  # always in January or February of ``year``
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    days = {
        dt.date(year, 1, 1),
        *(new_year + dt.timedelta(days=i) for i in range(-1, 3)),
        dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),
        dt.date(year, 5, 1),
        dt.date(year, 5, 2),
        solar(Lunar.fromYmd(year, 5, 5)),
        solar(Lunar.fromYmd(year, 8, 15)),
        dt.date(year, 10, 1),
        dt.date(year, 10, 2),
        dt.date(year, 10, 3),
    }
    return frozenset(days)


def is_statutory_holiday(day: dt.date) -> bool:
    return day in statutory_holidays(day.year)


def year_entered(year: int) -> bool:
    return year in _calendar()[1]


def _working(day: dt.date, special: dict[dt.date, bool], years: frozenset[int]) -> bool:
    """The table decides; outside it, a year not entered also rests on statutory holidays."""
    if day in special:
        return special[day]
    if day.weekday() >= 5:
        return False
    return day.year in years or day not in statutory_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    """Monday–Friday unless a holiday; a make-up day (调休) is a working day."""
    special, years = _calendar()
    return _working(day, special, years)


def effective_deadline(date: dt.date, provisional: bool) -> dt.date:
    """The day a state-changing job treats a stored deadline ``date`` as: the deadline
    itself, or, for a provisional one that falls on a statutory holiday, the next working
    day (rules.md §13: no job acts on such a deadline inside the holiday)."""
    if provisional and is_statutory_holiday(date):
        return next_working_day(date).date
    return date


def add_working_days(start: dt.date, n: int) -> Deadline:
    """The day ``n`` working days after ``start`` (``start`` itself is not counted).

    ``n == 0`` gives ``start`` moved to the next working day if it is not one.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    special, years = _calendar()
    provisional = False
    day = start
    remaining = n
    if remaining == 0:
        return next_working_day(start)
    while remaining:
        day += dt.timedelta(days=1)
        if day.year not in years:
            provisional = True
        if _working(day, special, years):
            remaining -= 1
    return Deadline(day, provisional)


def next_working_day(day: dt.date) -> Deadline:
    """``day`` if it is a working day, else the next one (a deadline on a holiday moves)."""
    special, years = _calendar()
    provisional = day.year not in years
    while not _working(day, special, years):
        day += dt.timedelta(days=1)
        provisional = provisional or day.year not in years
    return Deadline(day, provisional)


def add_calendar_period(start: dt.date, *, days: int = 0, months: int = 0) -> Deadline:
    """A period in natural days or months whose last day, if not a working day, moves to
    the next working day (e.g. "within 15 days")."""
    return next_working_day(start + relativedelta(months=months, days=days))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``):
    how long something took, for handling-time figures."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def register_provisional_recompute(name: str, recompute: Callable[..., dict[str, int]]) -> None:
    """``recompute(actor=…)`` recomputes the app's stored provisional deadlines, auditing
    each change, and returns its counts."""
    _recomputers[name] = recompute


def provisional_deadlines_recompute() -> dict[str, int]:
    """Recompute every stored provisional deadline with the calendar as it is now (run when
    an official marks a year entered, rules.md §13). Each change is audited; the run
    leaves a job-run row with the counts."""
    from core.actors import Actor
    from core.jobs import job_run

    clear_cache()
    actor = Actor.for_system(RECOMPUTE_JOB)
    counts: dict[str, int] = {}
    with job_run(RECOMPUTE_JOB) as progress:
        for name in sorted(_recomputers):
            counts.update(_recomputers[name](actor=actor))
        progress.advance(sum(counts.values()), **counts)
    return counts


def year_entered_changed(*, instance: Any, raw: bool = False, **_: object) -> None:
    """``post_save`` of a calendar year: once it is entered, recompute after the commit.
    Rows loaded as they are (``raw``: fixtures, a restored database) change no deadline."""
    from django.db import transaction

    clear_cache()
    if instance.entered and not raw:
        transaction.on_commit(provisional_deadlines_recompute)
