"""Publicity of demo records by the site's own rule (docs/rules.md §6): the end of
publicity and whether the record is published at all, as ``rules.publicity.publicity_end_for``
decides them for the record's department and decision date.

The demo writes millions of records, so the function is not called per record: between two
edition boundaries (the first and the day after the last day of any applicable edition) the
same editions are in force, so the answer for one kind of record (department's jurisdiction,
kind, severity, penalty type, simplified procedure) is the same on every day of that stretch
but for the decision date itself. The function is called once per stretch and kind of record
with the stretch's first day, and the period it chose (the rule's months) is counted from
the record's own decision date, as the function does. ``tests/demo`` checks the result
against the function, record by record.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]

from enterprises.models import Department
from rules.models import RuleEdition
from rules.publicity import jurisdiction_for_department, publicity_end_for


@dataclass(frozen=True, slots=True)
class DemoPublicity:
    """What the rules give a record: ``end`` (None: permanent) and ``published``."""

    end: dt.date | None
    published: bool


@dataclass(frozen=True, slots=True)
class _Answer:
    months: int | None  # None: permanent
    published: bool


class PublicityRules:
    """Memoised ``publicity_end_for`` for demo records (see the module's doc)."""

    def __init__(self) -> None:
        self.jurisdictions = {
            department.code: jurisdiction_for_department(department)
            for department in Department.objects.all()
        }
        boundaries: set[dt.date] = set()
        for start, until in RuleEdition.objects.filter(reference_only=False).values_list(
            "effective_from", "effective_until"
        ):
            boundaries.add(start)
            if until is not None:
                boundaries.add(until + dt.timedelta(days=1))
        self.boundaries = sorted(boundaries)
        self.answers: dict[tuple[Any, ...], _Answer] = {}

    def jurisdiction(self, department: str) -> str:
        return self.jurisdictions[department]

    def _stretch_start(self, day: dt.date) -> tuple[int, dt.date]:
        """The stretch ``day`` is in and a day of it to ask about (before every edition,
        the first national edition applies: any day of that stretch will do)."""
        index = bisect(self.boundaries, day)
        return index, self.boundaries[index - 1] if index else day

    def of(self, record: dict[str, Any]) -> DemoPublicity:
        day: dt.date = record["decision_date"]
        jurisdiction = self.jurisdictions[record["department"]]
        index, first = self._stretch_start(day)
        key = (
            index,
            jurisdiction,
            record["kind"],
            record["severity"],
            record["penalty_type"],
            bool(record.get("simplified_procedure")),
        )
        answer = self.answers.get(key)
        if answer is None:
            publicity = publicity_end_for(
                kind=record["kind"],
                severity=record["severity"],
                decision_date=first,
                jurisdiction=jurisdiction,
                penalty_type=record["penalty_type"],
                simplified_procedure=bool(record.get("simplified_procedure")),
            )
            months = None
            if not publicity.published:
                months = 0  # its "end" is the decision date
            elif publicity.end is not None:
                assert publicity.rule is not None  # an end counted from a rule
                months = publicity.rule.publicity_months
            answer = self.answers[key] = _Answer(months, publicity.published)
        if answer.months is None:
            return DemoPublicity(None, answer.published)
        return DemoPublicity(day + relativedelta(months=answer.months), answer.published)
