"""Tax credit ratings and credit repair (rules.md §8.1, tax information).

A taxpayer rated D may be repaired, but not lifted to A: once a D rating is repaired
(its record stays, in state "repaired", with the note in its audit row), the rating of
that tax year is at most B, so a rating A entered or corrected for the same subject and
tax year is refused here (the record services call ``tax_rating_after_repair_check``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rules.kinds import RecordKind

from .models import LIVE_STATES, CreditRecord, RecordState

RATED_D = "D"
# The best rating of the tax year after a D rating is repaired (rules.md §8.1).
BEST_AFTER_REPAIR = "B"
_ABOVE_BEST = ("A",)


def is_d_rating(record: CreditRecord) -> bool:
    """A tax credit rating of level D entered by a tax department."""
    return (
        record.kind == RecordKind.TAX_CREDIT_RATING
        and record.tax_credit_level == RATED_D
        and record.department.is_tax
    )


def capped_note(tax_year: int | None) -> str:
    """What the answers and the decision say of a repaired D rating."""
    return _(
        "A taxpayer rated D is repaired but not lifted to A: after repair the tax credit "
        "rating for tax year %(year)s is at most %(best)s."
    ) % {"year": tax_year or "—", "best": BEST_AFTER_REPAIR}


def d_ratings(subject_ids: Iterable[int]) -> dict[int, list[CreditRecord]]:
    """The D ratings of tax departments in force (active or under objection) per subject,
    latest tax year first."""
    found: dict[int, list[CreditRecord]] = {}
    for record in (
        CreditRecord.objects.filter(
            subject_id__in=set(subject_ids),
            kind=RecordKind.TAX_CREDIT_RATING,
            tax_credit_level=RATED_D,
            state__in=LIVE_STATES,
        )
        .select_related("department")
        .order_by("-tax_year", "-decision_date", "-pk")
    ):
        if record.department.is_tax:
            found.setdefault(record.subject_id, []).append(record)
    return found


def tax_rating_after_repair_check(record: CreditRecord) -> None:
    """Refuse a rating above B for a subject and tax year whose D rating was repaired
    (rules.md §8.1). The record's own stored row counts: a repaired D corrected to A is
    refused too."""
    if (
        record.kind != RecordKind.TAX_CREDIT_RATING
        or record.tax_credit_level not in _ABOVE_BEST
        or not record.tax_year
        or record.subject_id is None
    ):
        return
    repaired = (
        CreditRecord.objects.filter(
            subject_id=record.subject_id,
            kind=RecordKind.TAX_CREDIT_RATING,
            tax_year=record.tax_year,
            tax_credit_level=RATED_D,
            state=RecordState.REPAIRED,
        )
        .order_by("decision_date", "pk")
        .first()
    )
    if repaired is None:
        return
    raise ValidationError(
        {
            "tax_credit_level": _(
                "The D rating for tax year %(year)s (document %(number)s, %(date)s) was "
                "repaired: the rating of that year is at most %(best)s, never A."
            )
            % {
                "year": record.tax_year,
                "number": repaired.document_number or "—",
                "date": repaired.decision_date.isoformat(),
                "best": BEST_AFTER_REPAIR,
            }
        }
    )
