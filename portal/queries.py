"""Reads of the public site that combine several apps: the credit file (subject, records,
list entries, label, evaluation and repair answers) and the home page's list figures.
Only fully public information leaves here (docs/rules.md §3)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from enterprises import queries
from enterprises.models import CreditRecord, FormerName, RecordState, Subject
from enterprises.queries import Page
from lists.models import Label
from lists.queries import active_entries, entries_label, subject_active_entries
from repair.eligibility import records_eligibility
from repair.services.expiry import records_kept_public
from rules.kinds import Category


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RepairInfo:
    """Whether and from when a negative record may be repaired (rules.md §8.1)."""

    possible: bool
    from_date: dt.date | None
    rule: str
    reasons: tuple[str, ...] = ()

    def open_on(self, day: dt.date) -> bool:
        return self.possible and self.from_date is not None and self.from_date <= day


def repair_infos(records: list[CreditRecord]) -> dict[int, RepairInfo]:
    """Whether and from when each active negative record may be repaired: the answer of
    ``repair.eligibility`` (the one place of that rule), in a constant number of queries."""
    negative = [
        r
        for r in records
        if r.is_negative and r.state in (RecordState.ACTIVE, RecordState.UNDER_OBJECTION)
    ]
    return {
        pk: RepairInfo(
            possible=answer.possible,
            from_date=answer.from_date,
            rule=answer.edition,
            reasons=tuple(str(reason) for reason in answer.reasons),
        )
        for pk, answer in records_eligibility(negative).items()
    }


CATEGORY_ORDER = [Category.BASIC, Category.NEGATIVE, Category.TRUST, Category.OTHER]
FILE_RECORDS_PER_PAGE = 50


def file_records_page(tab: RecordTab, *, page: int | None) -> tuple[list[CreditRecord], Page]:
    """One page of a credit-file tab, each record with its repair answer (``record.repair``:
    whether and from when it may be repaired) and, for a record kept public past its end
    while its subject is on a serious black list, the entry keeping it
    (``record.kept_public_by``, rules.md §6.4), computed for the shown records only."""
    info = Page(number=1, size=FILE_RECORDS_PER_PAGE, count=len(tab.records), capped=False)
    info.number = min(max(page or 1, 1), info.pages)
    shown = tab.records[info.offset : info.offset + info.size]
    repairs = repair_infos(shown)
    kept = records_kept_public(shown, on=timezone.localdate())
    for record in shown:
        record.repair = repairs.get(record.pk)  # type: ignore[attr-defined]
        record.kept_public_by = kept.get(record.pk)  # type: ignore[attr-defined]
    return shown, info


@dataclass
class RecordTab:
    category: str
    label: str
    records: list[CreditRecord]

    @property
    def count(self) -> int:
        return len(self.records)


@dataclass
class CreditFile:
    subject: Subject
    former_names: list[FormerName]
    tabs: list[RecordTab]
    label: Any
    list_entries: list[Any]
    evaluation: Any
    generated_at: dt.datetime
    records: list[CreditRecord] = field(default_factory=list)

    def tab(self, category: str) -> RecordTab:
        return next(t for t in self.tabs if t.category == category)


def credit_file(code: str) -> CreditFile | None:
    """Everything public about one organisation, in a constant number of queries:
    the subject, former names, fully public records in publicity, label and list entries."""
    subject = (
        queries.public_subjects()
        .select_related("region", "region__parent", "industry", "evaluation__edition")
        .filter(uscc=code)
        .first()
    )
    if subject is None:
        return None
    former = list(subject.former_names.all())
    records = list(
        CreditRecord.objects.public()
        .filter(subject=subject)
        .select_related("department")
        .order_by("-decision_date", "-id")
    )
    by_category: dict[str, list[CreditRecord]] = {c: [] for c in CATEGORY_ORDER}
    for record in records:
        by_category[record.category].append(record)
    tabs = [RecordTab(c, str(Category(c).label), by_category[c]) for c in CATEGORY_ORDER]
    entries = list(subject_active_entries([subject.pk]))
    label = entries_label(entries)
    return CreditFile(
        subject=subject,
        former_names=former,
        tabs=tabs,
        label=Label(label) if label else None,
        list_entries=entries,
        evaluation=queries.subject_evaluation(subject),
        generated_at=timezone.now(),
        records=records,
    )


# --- Home page: list publications and figures ------------------------------------------------


def list_publications(color: str, *, limit: int = 6) -> list[dict[str, Any]]:
    """专题公示: the latest publications of a colour's lists (list, authority, date, count)."""
    return list(
        active_entries()
        .filter(credit_list__color=color)
        .values(
            "credit_list__slug",
            "credit_list__name_zh",
            "credit_list__name_en",
            "credit_list__authority__name_zh",
            "credit_list__authority__name_en",
            "listed_on",
        )
        .annotate(entries=Count("id"))
        .order_by("-listed_on", "credit_list__slug")[:limit]
    )


def list_figures() -> dict[str, int]:
    counts = dict(
        active_entries()
        .values_list("credit_list__color")
        .annotate(n=Count("subject_id", distinct=True))
        .values_list("credit_list__color", "n")
    )
    return {"red": counts.get("red", 0), "black": counts.get("black", 0)}
