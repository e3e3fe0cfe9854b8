"""Submission of objections and repair applications (rules.md §7, §8)."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.exceptions import StateTransitionNotAllowed
from enterprises.models import CreditRecord, RecordState, Subject
from enterprises.services import record_state_set

# ``audit_change`` is looked up on the package at call time, so that replacing it there (as
# tests do, to make a submission fail after its files are written) reaches this module.
from repair import services as _package
from rules.workdays import add_working_days

from ..clock import clock, decision_due_set
from ..models import Attachment, Case, CaseKind, CaseState, Grounds, TrainingCertificate
from .common import (
    COMPLETENESS_DAYS,
    GREEN_COMPLETENESS_DAYS,
    OBJECTION_DAYS,
    _check_eligible,
    _code_hash,
    _event,
    _new_reference,
    _notify,
    _require_reason,
    _serious,
    _set_due,
)
from .uploads import _uploads_store, _with_uploads

log = logging.getLogger("repair.services")  # one logger for the package

# --- Submission -----------------------------------------------------------------------------


def _targets(subject: Subject, records: Sequence[CreditRecord], entries: Sequence[Any]) -> Any:
    if not records and not entries:
        raise ValidationError({"records": _("Choose at least one record or list entry.")})
    for item in [*records, *entries]:
        if item.subject_id != subject.pk:
            raise ValidationError(
                {"records": _("Every record and list entry must belong to this subject.")}
            )
    first = records[0] if records else entries[0]
    return first.department


def objection_submit(
    *,
    subject: Subject,
    records: Sequence[CreditRecord] = (),
    list_entries: Sequence[Any] = (),
    grounds: str,
    explanation: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    files: Sequence[tuple[str, UploadedFile]] = (),
    objected_case: Case | None = None,
    access_code: str = "",
    applicant_verified: bool = False,
    actor: Actor | None = None,
    on: dt.date | None = None,
) -> tuple[Case, str]:
    """File an objection (rules.md §7): the records concerned are marked "under objection"
    and a decision is due within 5 working days. Against a published repair anyone may
    object during its 5 working days of publication; against a refused repair only its
    applicant (the application's access code, or ``applicant_verified``: the enterprise's
    verified access, docs/rules.md §8.8), within 5 working days of the refusal. ``actor``:
    the official filing at the counter on the applicant's behalf, else the applicant.
    Returns the case and its access code."""
    day = on or timezone.localdate()
    if grounds not in Grounds.values:
        raise ValidationError({"grounds": _("Choose the grounds of the objection.")})
    if objected_case is not None and objected_case.state == CaseState.REFUSED:
        _check_refusal_objectable(objected_case, access_code, day, verified=applicant_verified)
        grounds = Grounds.REFUSAL_WRONG
        subject = objected_case.subject
        department = objected_case.department
    elif objected_case is not None:
        if objected_case.state != CaseState.PUBLISHED:
            raise ValidationError(
                {"repair_reference": _("This repair is not in its publication period.")}
            )
        grounds = Grounds.REPAIR_WRONG
        subject = objected_case.subject
        department = objected_case.department
    else:
        if grounds in (Grounds.REPAIR_WRONG, Grounds.REFUSAL_WRONG):
            raise ValidationError({"repair_reference": _("Give the reference of the repair.")})
        department = _targets(subject, records, list_entries)
    _require_reason(explanation, "explanation")
    _check_counter(actor, department)
    actor = actor or Actor.for_system("objection")
    code = secrets.token_urlsafe(8).upper()[:10]

    def body(written: list[Path]) -> Case:
        reference = _new_reference(CaseKind.OBJECTION, day)
        deadline = clock(day, OBJECTION_DAYS)
        case = Case(
            kind=CaseKind.OBJECTION,
            reference=reference,
            access_code_hash=_code_hash(reference, code),
            subject=subject,
            department=department,
            objected_case=objected_case,
            grounds=grounds,
            explanation=explanation.strip(),
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            received_on=day,
            decision_due=deadline.date,
            decision_due_provisional=deadline.provisional,
        )
        _set_due(case, deadline)
        decision_due_set(case, deadline)
        case.full_clean()
        case.save()
        if objected_case is None:
            case.records.set(records)
            case.list_entries.set(list_entries)
            for record in records:
                try:
                    record_state_set(
                        actor=actor,
                        record=record,
                        state=RecordState.UNDER_OBJECTION,
                        reason=_("Objection %(reference)s filed.") % {"reference": reference},
                    )
                except StateTransitionNotAllowed:
                    raise ValidationError(
                        {
                            "records": _("“%(title)s” cannot be objected to now.")
                            % {"title": record.title}
                        }
                    ) from None
        _uploads_store(case, files, written)
        _event(case=case, actor=actor, note=_("Objection received."))
        _package.audit_change(
            actor=actor, instance=case, before=None, reason=_("Objection received.")
        )
        _notify(case, str(_("Objection received.")))
        return case

    case = _with_uploads(files, body)
    log.info("objection.submitted case=%s", case.pk)
    return case, code


def _check_counter(actor: Actor | None, department: Any) -> None:
    """An official files on an enterprise's behalf only for a department they handle."""
    if actor is not None and not actor.may_write(department.pk):
        raise ValidationError(
            {"records": _("These records are handled by another department: file them there.")}
        )


def _check_refusal_objectable(
    refused: Case, access_code: str, day: dt.date, *, verified: bool = False
) -> None:
    """Only the applicant objects to a refusal (the application's access code, or the
    enterprise's verified access), within 5 working days of it (rules.md §7)."""
    if not verified and (
        not access_code
        or not hmac.compare_digest(
            refused.access_code_hash, _code_hash(refused.reference, access_code)
        )
    ):
        raise ValidationError(
            {
                "access_code": _(
                    "Only the applicant may object to a refused repair: give the access code "
                    "of the application."
                )
            }
        )
    assert refused.decided_on is not None
    last = add_working_days(refused.decided_on, OBJECTION_DAYS).date
    if day > last:
        raise ValidationError(
            {
                "repair_reference": _("The time to object to this refusal ended on %(date)s.")
                % {"date": last.isoformat()}
            }
        )


def repair_application_submit(
    *,
    subject: Subject,
    records: Sequence[CreditRecord] = (),
    list_entries: Sequence[Any] = (),
    explanation: str = "",
    training_certificate_number: str = "",
    green_channel: str = "",
    green_channel_reason: str = "",
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    files: Sequence[tuple[str, UploadedFile]] = (),
    actor: Actor | None = None,
    on: dt.date | None = None,
) -> tuple[Case, str]:
    """Apply for credit repair (rules.md §8): every record or entry must be eligible now;
    the identifying unit's opinion and the Letter of Commitment signed by the legal
    representative are attached; a serious case needs a training certificate (≥ 3 hours)
    of an approved agency, checked against the registry: issued to this subject, by an
    agency approved on its issue date, not before the decision repaired (rules.md §8.2).
    Completeness is checked within 2 working days (green channel: 1). ``actor``: the
    official filing at the counter on the enterprise's behalf (docs/rules.md §8.8)."""
    day = on or timezone.localdate()
    department = _targets(subject, records, list_entries)
    _check_eligible(records, list_entries, day, officials=False)
    purposes = {purpose for purpose, _upload in files}
    missing = {}
    if Attachment.Purpose.OPINION not in purposes:
        missing["opinion"] = _("Attach the identifying unit's opinion that obligations are met.")
    if Attachment.Purpose.COMMITMENT not in purposes:
        missing["commitment"] = _(
            "Attach the Letter of Commitment to Credit Repair signed by the legal representative."
        )
    if missing:
        raise ValidationError(missing)
    certificate = _certificate(
        training_certificate_number,
        required=_serious(records, list_entries),
        subject=subject,
        decided_on=max(
            [r.decision_date for r in records]
            + [e.listed_on for e in list_entries if e.listed_on is not None],
            default=None,
        ),
    )
    if green_channel and not green_channel_reason.strip():
        raise ValidationError(
            {"green_channel_reason": _("Say why the case qualifies for the green channel.")}
        )
    _check_counter(actor, department)
    actor = actor or Actor.for_system("applicant")
    code = secrets.token_urlsafe(8).upper()[:10]

    def body(written: list[Path]) -> Case:
        reference = _new_reference(CaseKind.REPAIR, day)
        case = Case(
            kind=CaseKind.REPAIR,
            reference=reference,
            access_code_hash=_code_hash(reference, code),
            subject=subject,
            department=department,
            explanation=explanation.strip(),
            training_certificate=certificate,
            green_channel=green_channel,
            green_channel_reason=green_channel_reason.strip() if green_channel else "",
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            received_on=day,
        )
        _set_due(
            case,
            clock(day, GREEN_COMPLETENESS_DAYS if green_channel else COMPLETENESS_DAYS),
        )
        case.full_clean()
        case.save()
        case.records.set(records)
        case.list_entries.set(list_entries)
        _uploads_store(case, files, written)
        _event(case=case, actor=actor, note=_("Application received."))
        _package.audit_change(
            actor=actor, instance=case, before=None, reason=_("Application received.")
        )
        _notify(case, str(_("Application received.")))
        return case

    case = _with_uploads(files, body)
    log.info("repair.submitted case=%s", case.pk)
    return case, code


def _certificate(
    number: str, *, required: bool, subject: Subject, decided_on: dt.date | None
) -> TrainingCertificate | None:
    """The training certificate counts only for the subject named on it, from an agency
    approved when it was issued (inside its approval period), and issued on or after the
    (latest) decision being repaired (rules.md §8.2)."""

    def refuse(message: str) -> ValidationError:
        return ValidationError({"training_certificate_number": message})

    number = (number or "").strip()
    if not number:
        if required:
            raise refuse(_("Serious information needs a credit repair training certificate."))
        return None
    certificate = (
        TrainingCertificate.objects.filter(number=number, agency__approved=True)
        .select_related("agency")
        .first()
    )
    if certificate is None or not certificate.agency.approved_at(certificate.issued_on):
        raise refuse(
            _("No certificate with this number was issued by an approved credit service agency.")
        )
    if certificate.subject_id != subject.pk:
        raise refuse(_("This certificate was not issued to the subject applying for repair."))
    if decided_on is not None and certificate.issued_on < decided_on:
        raise refuse(
            _(
                "This certificate was issued on %(issued)s, before the decision being "
                "repaired (%(decided)s)."
            )
            % {"issued": certificate.issued_on.isoformat(), "decided": decided_on.isoformat()}
        )
    return certificate
