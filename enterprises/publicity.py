"""The publicity rules of ``rules.publicity`` applied to credit records: the serious
penalties a subject already has, the end date of a record's publicity and the edition
stored for it, and the steps ``enterprises.services`` takes when it writes a record
(docs/rules.md §6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import DomainError
from rules.kinds import NEGATIVE_KINDS, RecordKind
from rules.models import RuleEdition
from rules.publicity import Publicity, jurisdiction_for_department, publicity_end_for

from .models import LIVE_STATES, CreditRecord, RecordEdition, RecordState, Subject


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


def publicity_fill(record: CreditRecord) -> Any:
    """Negative information given without an end of publicity gets the end date of the
    rule edition in force on its decision date (rules.publicity, rules.md §6/§12)."""
    if record.publicity_end is not None or not record.kind or not record.severity:
        return None
    if isinstance(record.decision_date, str):
        try:
            record.decision_date = dt.date.fromisoformat(record.decision_date)
        except ValueError:
            return None  # full_clean reports the date
    if not isinstance(record.decision_date, dt.date):
        return None
    if record.kind not in NEGATIVE_KINDS:
        return None
    try:
        publicity = publicity_for_record(record)
    except DomainError as error:
        raise ValidationError({error.field: error.message}) from None
    record.publicity_end = publicity.end
    publication_apply(record, publicity)
    return publicity


def publication_apply(record: CreditRecord, publicity: Any) -> None:
    """Information the rules keep unpublished (rules.md §6.5) is stored as "not published";
    a correction that makes it publishable again makes it active."""
    if not publicity.published and record.state in LIVE_STATES:
        record.state = RecordState.UNPUBLISHED
    elif publicity.published and record.state == RecordState.UNPUBLISHED:
        record.state = RecordState.ACTIVE


def publicity_edition_store(record: CreditRecord, publicity: Any) -> None:
    RecordEdition.objects.update_or_create(
        record_id=record.pk,
        defaults={
            "edition": publicity.edition,
            "local_edition": publicity.local_edition,
            "permanent_reason": publicity.permanent_reason,
            "unpublished_reason": publicity.unpublished_reason,
            "computed_at": timezone.now(),
        },
    )


# What a record's computed end of publicity is computed from (rules.md §6.1, §7).
PUBLICITY_INPUTS = ("kind", "severity", "penalty_type", "decision_date", "simplified_procedure")


def publicity_recompute_one(record: CreditRecord) -> Any:
    """The end of publicity of a corrected record, computed again from its corrected
    values (rules.md §7): kind, severity, penalty type and decision date. The edition is
    the one in force on the record's decision date, as for a new record (§6.1): the
    original decision date, or the corrected one when the correction changes the date
    itself, since the corrected date is the date the law counts from and the original
    one was an error. Returns the ``Publicity`` (None: no longer negative information,
    the end is left for validation to judge)."""
    end_before = record.publicity_end
    record.publicity_end = None
    publicity = publicity_fill(record)
    if publicity is None:
        record.publicity_end = end_before
    return publicity
