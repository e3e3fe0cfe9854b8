"""Tax credit repair (rules.md §8.1, tax information), read by the eligibility answers
and the repair decision.

- A taxpayer rated D may be repaired but is not lifted to A: every answer about a D
  rating, or about a tax department's record of a subject rated D, says that the rating
  after repair is at most B (``enterprises.tax_repair`` refuses an A for that tax year).
- Serious tax information is repaired once per fiscal year (the calendar year): once a
  repair of a tax department's serious record of the subject was granted in a year, no
  other serious tax record of that subject is repaired before 1 January of the next year;
  the answer names the earlier case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from enterprises.models import CreditRecord, Severity
from enterprises.tax_repair import capped_note, d_ratings, is_d_rating


# The tax departments (``Department.is_tax``) as a query over a relation's department.
def tax_department_q(prefix: str = "department__") -> Q:
    return Q(**{f"{prefix}code": "sta"}) | Q(**{f"{prefix}code__endswith": "-tax"})


def is_serious_tax(record: CreditRecord) -> bool:
    return record.severity == Severity.SERIOUS and record.department.is_tax


@dataclass
class TaxAnswers:
    """What the tax rules add to the answers for a batch of records on one day."""

    rated_d: dict[int, list[CreditRecord]] = field(default_factory=dict)
    granted: dict[int, Any] = field(default_factory=dict)  # subject → earlier case this year
    year: int = 0

    @classmethod
    def load(cls, records: Sequence[CreditRecord], *, day: dt.date) -> TaxAnswers:
        taxed = [r for r in records if r.department.is_tax]
        if not taxed:
            return cls()
        subjects = {r.subject_id for r in taxed}
        serious = {r.subject_id for r in taxed if is_serious_tax(r)}
        return cls(
            rated_d=d_ratings(subjects),
            granted=serious_repairs_granted(serious, year=day.year) if serious else {},
            year=day.year,
        )

    def limit(self, record: CreditRecord, earliest: dt.date, reasons: list[str]) -> dt.date:
        """The earliest repair day of a negative record with the tax rules applied; their
        reasons are added to ``reasons``."""
        if not record.department.is_tax:
            return earliest
        case = self.granted.get(record.subject_id) if is_serious_tax(record) else None
        if case is not None:
            next_year = dt.date(self.year + 1, 1, 1)
            reasons.append(once_a_year_reason(case, next_year))
            earliest = max(earliest, next_year)
        rated = [r for r in self.rated_d.get(record.subject_id, []) if r.pk != record.pk]
        if rated:
            reasons.append(capped_note(rated[0].tax_year))
        return earliest


def once_a_year_reason(case: Any, next_year: dt.date) -> str:
    return _(
        "Serious tax information is repaired once per fiscal year: repair %(reference)s "
        "of serious tax information was granted on %(date)s; apply again from %(next)s."
    ) % {
        "reference": case.reference,
        "date": case.decided_on.isoformat(),
        "next": next_year.isoformat(),
    }


def serious_repairs_granted(subject_ids: Iterable[int], *, year: int) -> dict[int, Any]:
    """Per subject, the first repair granted in ``year`` that repaired a tax department's
    serious record (reversed later or not: it was granted)."""
    from .models import Case, CaseKind, Decision

    cases = (
        Case.objects.filter(
            tax_department_q("records__department__"),
            kind=CaseKind.REPAIR,
            decision=Decision.GRANTED,
            subject_id__in=set(subject_ids),
            decided_on__year=year,
            records__severity=Severity.SERIOUS,
        )
        .order_by("decided_on", "pk")
        .distinct()
    )
    first: dict[int, Any] = {}
    for case in cases:
        first.setdefault(case.subject_id, case)
    return first


def decision_notes(records: Sequence[CreditRecord]) -> list[str]:
    """What a granted repair says of the tax rating: at most B after a D is repaired."""
    if not any(r.department.is_tax for r in records):
        return []
    years = [r.tax_year for r in records if is_d_rating(r)]
    if not years:
        rated = d_ratings({r.subject_id for r in records if r.department.is_tax})
        years = [found[0].tax_year for found in rated.values()]
    return [capped_note(year) for year in dict.fromkeys(years)]
