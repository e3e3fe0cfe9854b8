"""The running clocks of a case (docs/rules.md §8.3, §13): a due date counted in working
days, stored with the day it is counted from and the number of days, so that a provisional
date is counted again when its calendar year is entered (``repair.deadlines``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rules.workdays import Deadline, add_working_days

if TYPE_CHECKING:
    from .models import Case


@dataclass(frozen=True)
class Clock(Deadline):
    """A deadline with what it was counted from: ``days`` working days after ``start``."""

    start: dt.date | None = None
    days: int = 0


def clock(start: dt.date, days: int) -> Clock:
    """``days`` working days after ``start`` (rules.workdays.add_working_days), with its clock."""
    deadline = add_working_days(start, days)
    return Clock(deadline.date, deadline.provisional, start, days)


def due_clock_set(case: Case, deadline: Deadline | None) -> None:
    """Store the clock of ``case.due_on`` (none for a date without one)."""
    start = deadline.start if isinstance(deadline, Clock) else None
    case.due_from = start
    case.due_days = deadline.days if isinstance(deadline, Clock) and start else None


def decision_due_set(case: Case, deadline: Deadline) -> None:
    """Set the decision's due date, whether it is provisional, and its clock."""
    case.decision_due = deadline.date
    case.decision_due_provisional = deadline.provisional
    start = deadline.start if isinstance(deadline, Clock) else None
    case.decision_due_from = start
    case.decision_due_days = deadline.days if isinstance(deadline, Clock) and start else None
