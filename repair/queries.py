"""Reads of the repair app shared by pages and the API: eligibility lookup, the
officials' workbench and the public handling statistics.

The public reads (the lookup, the forms' choices) start from ``CreditRecord.objects.public()``
and ``lists.queries.public_entries_of`` only (rules.md §3.7); the workbench reads its
department's cases whole (§11.2)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as When_
from django.db.models import F, IntegerField, Prefetch, Q, QuerySet, Value, When

from core.actors import Actor
from enterprises.models import CreditRecord, Disclosure, RecordState, Subject
from enterprises.queries import public_subject_by_code
from lists.models import ListEntry
from lists.queries import public_entries_of
from lists.standing import (
    RepairedItem,
    SubjectStanding,
    entry_placement,
    record_placement,
    subject_standing,
)
from rules.kinds import NEGATIVE_KINDS
from rules.workdays import working_days_between

from .eligibility import entry_eligibility, records_eligibility
from .models import (
    OPEN_EXCLUDED,
    Case,
    CaseKind,
    CaseState,
    CreditServiceAgency,
    Decision,
    TrainingCourse,
)


@dataclass
class Lookup:
    subject: Subject
    records: list[tuple[CreditRecord, Any]]
    entries: list[tuple[Any, Any]]
    # What every public surface says of the subject (lists.standing): the guide says "no
    # public negative information" only when the standing has none (rules.md §3.9).
    standing: SubjectStanding | None = None


def public_negative_records(subject: Subject) -> QuerySet[CreditRecord]:
    """The subject's negative records the public sees (rules.md §3.7), newest first: what
    the repair guide answers for and the objection and repair forms offer."""
    return (
        CreditRecord.objects.public()
        .filter(subject=subject, kind__in=[str(k) for k in NEGATIVE_KINDS])
        .select_related("department")
        .order_by("-decision_date", "-id")
    )


def repair_lookup(uscc: str, *, on: dt.date | None = None) -> Lookup | None:
    """A subject's public negative records and public list entries with their eligibility,
    as the public may be told it: nothing partly public, government-only or of an
    unpublished list is named or moves an answer (rules.md §3.5, §3.7)."""
    subject = public_subject_by_code(uscc)
    if subject is None:
        return None
    standing = subject_standing(subject.pk, on=on)
    records = list(public_negative_records(subject))
    answers = records_eligibility(records, on=on)
    # Black-list entries are the negative list information; red entries are not repaired.
    entries = [e for e in public_entries_of([subject.pk], on=on) if e.credit_list.is_black]
    notes = standing.entry_notes()
    for entry in entries:
        entry.standing_note = notes.get(entry.pk, "")  # type: ignore[attr-defined]
    return Lookup(
        subject=subject,
        records=[(r, answers[r.pk]) for r in records],
        entries=[(e, entry_eligibility(e, on=on)) for e in entries],
        standing=standing,
    )


def workbench_cases(actor: Actor, *, open_only: bool = True) -> QuerySet[Case]:
    """Cases of the official's department (credit-centre reviewers: all): green channel
    first, then by deadline."""
    cases = Case.objects.select_related("subject", "department")
    if not actor.is_unrestricted:
        department = actor.department
        cases = cases.filter(department_id=department.pk if department else -1)
    if open_only:
        cases = cases.exclude(state__in=list(OPEN_EXCLUDED))
    return cases.annotate(
        green_first=When_(
            When(green_channel="", then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    ).order_by("green_first", F("due_on").asc(nulls_last=True), "id")


@dataclass
class StatisticsRow:
    month: str
    department: str
    kind: str
    received: int = 0
    decided: int = 0
    median_days: float | None = None
    within_deadline_share: float | None = None
    outcomes: dict[str, int] = field(default_factory=dict)


def handling_statistics() -> list[StatisticsRow]:
    """Per month received, department and kind: cases received, decided, median working
    days from receipt to decision, share decided within the decision deadline, outcomes."""
    rows: dict[tuple[str, int, str], StatisticsRow] = {}
    days: dict[tuple[str, int, str], list[int]] = {}
    within: dict[tuple[str, int, str], int] = {}
    for case in Case.objects.select_related("department").order_by("received_on", "id"):
        key = (case.received_on.strftime("%Y-%m"), case.department_id, case.kind)
        row = rows.get(key)
        if row is None:
            row = rows[key] = StatisticsRow(
                month=key[0], department=str(case.department), kind=str(CaseKind(case.kind).label)
            )
        row.received += 1
        if case.decided_on is not None:
            row.decided += 1
            days.setdefault(key, []).append(working_days_between(case.received_on, case.decided_on))
            if case.decision_due is not None and case.decided_on <= case.decision_due:
                within[key] = within.get(key, 0) + 1
            label = str(Decision(case.decision).label) if case.decision else ""
            row.outcomes[label] = row.outcomes.get(label, 0) + 1
    for key, row in rows.items():
        if row.decided:
            row.median_days = float(statistics.median(days[key]))
            row.within_deadline_share = within.get(key, 0) / row.decided
    return sorted(rows.values(), key=lambda r: (r.month, r.department, r.kind), reverse=False)


def repaired_in_publication(subject_ids: list[int], day: dt.date) -> dict[int, list[RepairedItem]]:
    """Per subject, its fully public records and list entries repaired by a repair that is
    published for objections on ``day`` (carried out, publication not over: rules.md §8.5),
    with the repair decision date. Registered as ``lists.standing``'s repaired source."""
    cases = (
        Case.objects.filter(
            kind=CaseKind.REPAIR,
            state=CaseState.PUBLISHED,
            subject_id__in=list(subject_ids),
            carried_out_on__lte=day,
            publication_ends__gte=day,
        )
        .exclude(subject__subject_type=Subject.SubjectType.NATURAL_PERSON)
        .prefetch_related(
            Prefetch(
                "records",
                # public read: fully public repaired records of a published repair (§8.5)
                queryset=CreditRecord.objects.filter(  # public read: see above
                    disclosure=Disclosure.PUBLIC, state=RecordState.REPAIRED
                )
                .select_related("department")
                .order_by("-decision_date", "-id"),
            ),
            Prefetch(
                "list_entries",
                queryset=ListEntry.objects.public()
                .filter(removal_reason=ListEntry.RemovalReason.REPAIRED)
                .select_related("credit_list", "credit_list__authority"),
            ),
        )
        .order_by("-carried_out_on", "-id")
    )
    found: dict[int, list[RepairedItem]] = {}
    for case in cases:
        items = found.setdefault(case.subject_id, [])
        for record in case.records.all():  # public read: prefetched, fully public only
            items.append(
                RepairedItem(
                    item=record,
                    placement=record_placement(record),
                    decided_on=case.decided_on,
                    published_until=case.publication_ends,
                    reference=case.reference,
                )
            )
        for entry in case.list_entries.all():  # public read: prefetched, public() only
            items.append(
                RepairedItem(
                    item=entry,
                    placement=entry_placement(entry),
                    decided_on=case.decided_on,
                    published_until=case.publication_ends,
                    reference=case.reference,
                )
            )
    return {pk: items for pk, items in found.items() if items}


def approved_agencies(on: dt.date) -> list[Any]:
    """The credit service agencies approved on ``on`` with their active courses: public
    information only, never the certificates or their holders (docs/rules.md §8.2)."""
    return list(
        CreditServiceAgency.objects.filter(approved=True)
        .filter(Q(approved_on__isnull=True) | Q(approved_on__lte=on))
        .filter(Q(approved_until__isnull=True) | Q(approved_until__gte=on))
        .only("name", "name_en", "uscc", "approved_on", "approved_until")
        .prefetch_related(
            Prefetch(
                "courses",
                queryset=TrainingCourse.objects.filter(active=True).order_by("title_zh"),
                to_attr="active_courses",
            )
        )
    )
