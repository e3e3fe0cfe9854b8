"""The publicity rules of ``rules.publicity`` applied to credit records: the serious
penalties a subject already has, the end date of a record's publicity and the edition
stored for it (docs/rules.md §6)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]

from rules.kinds import RecordKind
from rules.models import RuleEdition
from rules.publicity import Publicity, jurisdiction_for_department, publicity_end_for

from .models import CreditRecord, RecordEdition, RecordState, Subject


def serious_penalties_in_window(
    *, subject_id: int, decision_date: dt.date, months: int, exclude_record_id: int | None = None
) -> int:
    """Serious penalties of the subject decided in the ``months`` before ``decision_date``
    (inclusive), not counting revoked ones."""
    records = CreditRecord.objects.filter(
        subject_id=subject_id,
        kind=RecordKind.PENALTY,
        severity="serious",
        decision_date__gt=decision_date - relativedelta(months=months),
        decision_date__lte=decision_date,
    ).exclude(state=RecordState.REVOKED)
    if exclude_record_id is not None:
        records = records.exclude(pk=exclude_record_id)
    return records.count()


def publicity_for_record(record: object) -> Publicity:
    """``publicity_end_for`` for an unsaved or saved CreditRecord."""
    assert isinstance(record, CreditRecord)
    subject = record.subject
    return publicity_end_for(
        kind=record.kind,
        severity=record.severity,
        decision_date=record.decision_date,
        jurisdiction=jurisdiction_for_department(record.department),
        penalty_type=record.penalty_type,
        simplified_procedure=record.simplified_procedure,
        subject_id=subject.pk,
        legal_person=subject.subject_type != Subject.SubjectType.NATURAL_PERSON,
        exclude_record_id=record.pk,
    )


def edition_applied(record_id: int) -> RuleEdition | None:
    """The edition stored for a record when its end date was computed (None: given by hand)."""
    row = RecordEdition.objects.select_related("edition").filter(record_id=record_id).first()
    return row.edition if row is not None else None
