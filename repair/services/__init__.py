"""Writes with rules of the repair app: the nightly expiry of publicity (DOMAIN §6), and
the objection and credit-repair workflows (DOMAIN §7, §8; see the section below).

``records_expire`` ends the publicity of credit records whose end date has passed and
removes list entries whose term is over (or whose removal after fulfilment is due),
through the audited services; nothing is deleted. It leaves a job-run row with counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actors import Actor
from core.audit import audit_append, audit_change, snapshot
from core.exceptions import DomainError, StateTransitionNotAllowed
from core.jobs import job_run
from enterprises.models import AuditEvent, CreditRecord, RecordState, Subject
from enterprises.services import (
    RESCORE_QUEUE_LIMIT,
    record_create,
    record_state_set,
    record_update,
    subject_rescore_request,
    subjects_rescore_request,
)
from rules.workdays import Deadline, add_working_days

from .eligibility import NOW, entry_eligibility, records_eligibility
from .models import (
    Attachment,
    Case,
    CaseEvent,
    CaseKind,
    CaseState,
    Decision,
    Grounds,
    RepairBan,
    TrainingCertificate,
)

log = logging.getLogger(__name__)

JOB_NAME = "expire_records"
_BATCH = 10_000
_DUE_STATES = (RecordState.ACTIVE, RecordState.UNDER_OBJECTION)


@dataclass
class ExpiryResult:
    on: dt.date
    records: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    job_id: int | None = None


def records_expire(
    *,
    on: dt.date | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    batch_size: int = _BATCH,
) -> ExpiryResult:
    """End publicity of records whose ``publicity_end`` is before ``on`` (default today)
    and of list entries whose term ended.

    Set-based: the due ids come from the partial index ``record_publicity_due_idx``; each
    batch of up to ``batch_size`` records is one transaction that locks them, re-checks
    that they are still due (a record objected to or repaired meanwhile is left alone),
    moves them to "expired" in one UPDATE, appends ONE audit row for the batch (every
    record id with its previous state and publicity end: who, when, what and why) and
    marks the subjects for rescoring. Safe twice (expired rows no longer match); a run
    after a week without runs catches up; a failure keeps the batches committed so far and
    the next run finishes the rest.
    """
    from lists.services import list_entries_expire

    day = on or timezone.localdate()
    actor = Actor.for_system(JOB_NAME)
    result = ExpiryResult(on=day)
    with job_run(JOB_NAME) as progress:
        due = CreditRecord.objects.filter(
            state__in=_DUE_STATES, publicity_end__isnull=False, publicity_end__lt=day
        )
        ids = sorted(due.values_list("pk", flat=True))
        progress.set_total(len(ids))
        done = 0
        for start in range(0, len(ids), batch_size):
            result.records += _expire_batch(ids[start : start + batch_size], day=day, actor=actor)
            done = min(len(ids), start + batch_size)
            progress.advance(done, records_expired=result.records)
            if on_progress is not None:
                on_progress(done, len(ids))
        result.counts = {
            "records_expired": result.records,
            **list_entries_expire(on=day, actor=actor),
        }
        progress.advance(done, **result.counts)
        result.job_id = progress.run.pk
    log.info("expiry.done on=%s counts=%s", day, result.counts)
    return result


def _expire_batch(ids: list[int], *, day: dt.date, actor: Actor) -> int:
    """Expire these records if still due (one UPDATE per previous state, whose RETURNING
    says what changed); returns how many changed."""
    table = CreditRecord._meta.db_table
    ops = connection.ops
    id_params: list[Any]
    if connection.vendor == "postgresql":
        among, id_params = "id = ANY(%s)", [list(ids)]
    else:
        among, id_params = f"id IN ({', '.join(['%s'] * len(ids))})", list(ids)
    with transaction.atomic():
        now = timezone.now()
        rows: list[tuple[int, str, dt.date, int]] = []
        with connection.cursor() as cursor:
            for state in _DUE_STATES:
                cursor.execute(
                    f"UPDATE {table} SET state = %s, state_changed_at = %s, updated_at = %s"  # noqa: S608
                    f" WHERE {among} AND state = %s AND publicity_end IS NOT NULL"
                    " AND publicity_end < %s RETURNING id, publicity_end, subject_id",
                    [
                        RecordState.EXPIRED.value,
                        ops.adapt_datetimefield_value(now),
                        ops.adapt_datetimefield_value(now),
                        *id_params,
                        state.value,
                        ops.adapt_datefield_value(day),
                    ],
                )
                for pk, end, subject_id in cursor.fetchall():
                    end = end if isinstance(end, dt.date) else dt.date.fromisoformat(end)
                    rows.append((pk, state.value, end, subject_id))
        if not rows:
            return 0
        rows.sort()
        audit_append(
            actor=actor,
            action=AuditEvent.Action.STATE,
            object_type=CreditRecord._meta.label_lower,
            object_id=f"{rows[0][0]}-{rows[-1][0]}" if len(rows) > 1 else rows[0][0],
            before={"records": {str(pk): [state, end.isoformat()] for pk, state, end, _s in rows}},
            after={"state": RecordState.EXPIRED.value, "records": [row[0] for row in rows]},
            reason=_("Publicity period ended before %(date)s (each record's end date above).")
            % {"date": day.isoformat()},
        )
        subjects = sorted({row[3] for row in rows})
        if len(subjects) <= RESCORE_QUEUE_LIMIT:
            subjects_rescore_request(subjects)
        else:
            # Marking tens of thousands of subjects rewrites their rows in every index of
            # the subjects table; the nightly rescoring (02:00, after this 01:00 job)
            # rescores everyone anyway.
            log.info("expiry.batch subjects=%s left to the nightly rescoring", len(subjects))
    return len(rows)


# --- Objections and repair applications ---------------------------------------------------
#
# Two state machines over ``repair.Case`` (DOMAIN §7, §8; Zhejiang deadlines, thesis §2.4.2):
#
# repair:    submitted → incomplete → (resubmitted) submitted → accepted → granted → published
#            → closed; accepted → refused; published/closed → reversed (false commitment or an
#            upheld objection during publication).
# objection: submitted → decided (corrected, revoked or kept; or, against a published repair,
#            kept or repair reversed).
#
# Each transition goes through ``_transition``: one CaseEvent (the applicant's history), one
# audit row, and an email to the applicant once the transaction commits.


# Working days (DOMAIN §8, §7). Green channel: the shorter internal targets of this site
# (thesis §3.3 "expedited handling"); the legal maximum stays the ordinary one.
COMPLETENESS_DAYS = 2
DECISION_DAYS = 15
CARRY_OUT_DAYS = 2
PUBLICATION_DAYS = 5
OBJECTION_DAYS = 5
OBJECTION_MAX_DAYS = 20
GREEN_COMPLETENESS_DAYS = 1
GREEN_DECISION_DAYS = 5
GREEN_CARRY_OUT_DAYS = 1
REPAIR_BAN_YEARS = 3
REMIND_WITHIN_DAYS = 2

REMINDER_JOB = "repair_deadline_reminder"

_MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


class CaseNotAllowed(DomainError):
    default_message = gettext_lazy("This step is not allowed in the current state of the case.")


# --- Applicants, references, access codes ------------------------------------------------


def applicant_subject(*, uscc: str, legal_representative: str) -> Subject:
    """The subject an applicant speaks for: its USCC and the name of its legal
    representative must match the credit file."""
    from enterprises.uscc import normalize_uscc

    code = normalize_uscc(uscc or "")
    subject = Subject.objects.filter(uscc=code).first() if code else None
    if subject is None:
        raise ValidationError({"uscc": _("No credit subject has this code.")})
    if (
        not legal_representative.strip()
        or subject.legal_representative.strip() != legal_representative.strip()
    ):
        raise ValidationError(
            {
                "legal_representative": _(
                    "The legal representative does not match the credit file of this subject."
                )
            }
        )
    return subject


def _code_hash(reference: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{reference}:{code.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def _new_reference(kind: str, day: dt.date) -> str:
    prefix = "YY" if kind == CaseKind.OBJECTION else "XF"
    while True:
        reference = f"{prefix}{day:%Y%m%d}{secrets.token_hex(3).upper()}"
        if not Case.objects.filter(reference=reference).exists():
            return reference


def case_for_tracking(*, reference: str, access_code: str) -> Case | None:
    """The case if the access code matches; None otherwise (same answer for an unknown
    reference, so references cannot be probed)."""
    if "\x00" in reference:  # PostgreSQL refuses NUL in text; no reference contains one
        return None
    case = Case.objects.filter(reference=reference.strip().upper()).first()
    if case is None or not hmac.compare_digest(
        case.access_code_hash, _code_hash(case.reference, access_code)
    ):
        return None
    return case


# --- Uploads -------------------------------------------------------------------------------


def upload_check(upload: UploadedFile, *, field: str = "files") -> tuple[str, str]:
    """(content type, extension) of a PDF, JPEG or PNG recognised by its first bytes, at
    most ``REPAIR_UPLOAD_MAX_BYTES``; a ValidationError naming ``field`` otherwise."""
    limit = settings.REPAIR_UPLOAD_MAX_BYTES
    name = upload.name or ""
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {
                field: _("“%(name)s” is larger than %(mb)d MB.")
                % {"name": name, "mb": limit // (1024 * 1024)}
            }
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type, extension in _MAGIC:
        if head.startswith(magic):
            return content_type, extension
    raise ValidationError(
        {
            field: _(
                "“%(name)s” is not a PDF, JPEG or PNG file (checked by its content, not its name)."
            )
            % {"name": name}
        }
    )


def _uploads_store(
    case: Case, files: Sequence[tuple[str, UploadedFile]], written: list[Path]
) -> None:
    directory = Path(settings.REPAIR_UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    for purpose, upload in files:
        content_type, extension = upload_check(upload, field=purpose)
        stored = secrets.token_hex(16) + extension
        path = directory / stored
        digest = hashlib.sha256()
        written.append(path)
        with path.open("xb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
        Attachment.objects.create(
            case=case,
            purpose=purpose,
            original_name=(upload.name or stored)[:200],
            stored_name=stored,
            content_type=content_type,
            size=upload.size or 0,
            sha256=digest.hexdigest(),
        )


def attachment_path(attachment: Attachment) -> Path:
    return Path(settings.REPAIR_UPLOAD_DIR) / attachment.stored_name


def _with_uploads(files: Sequence[tuple[str, UploadedFile]], body: Any) -> Any:
    """Run ``body(written)`` in one transaction; files written by it are removed if it
    fails, so a refused submission leaves nothing on disk."""
    for purpose, upload in files:
        upload_check(upload, field=purpose)
    written: list[Path] = []
    try:
        with transaction.atomic():
            return body(written)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


# --- Transitions, history, notifications --------------------------------------------------


def _notify(case: Case, note: str) -> None:
    def send() -> None:
        path = reverse("repair-track", args=[case.reference])
        body = _(
            "Your case %(reference)s is now: %(state)s.\n%(note)s\n"
            "Next step due by: %(due)s\nTrack it at %(path)s with your access code."
        ) % {
            "reference": case.reference,
            "state": CaseState(case.state).label,
            "note": note,
            "due": case.due_on.isoformat() if case.due_on else "-",
            "path": path,
        }
        send_mail(
            subject=_("[CreditSite] %(reference)s: %(state)s")
            % {"reference": case.reference, "state": CaseState(case.state).label},
            message=body,
            from_email=None,
            recipient_list=[case.contact_email],
            fail_silently=True,
        )

    transaction.on_commit(send, robust=True)


def _set_due(case: Case, deadline: Deadline | None) -> None:
    case.due_on = deadline.date if deadline else None
    case.due_provisional = deadline.provisional if deadline else False


def _transition(
    *,
    actor: Actor,
    case: Case,
    allowed_from: Iterable[str],
    state: str,
    note: str,
    change: Any = None,
) -> Case:
    """Move ``case`` (locked) from one of ``allowed_from`` to ``state``, apply ``change``
    to it first, record the event and audit row and notify the applicant."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.state not in set(allowed_from):
            raise CaseNotAllowed(
                _("A case that is “%(old)s” cannot become “%(new)s”.")
                % {"old": CaseState(case.state).label, "new": CaseState(state).label},
                field="state",
            )
        before = snapshot(case)
        if change is not None:
            change(case)
        case.state = state
        case.full_clean()
        case.save()
        _event(case=case, actor=actor, note=note)
        audit_change(actor=actor, instance=case, before=before, reason=note, action="state")
        _notify(case, note)
    log.info("case.state case=%s state=%s actor=%s", case.pk, state, actor.label)
    return case


def _event(*, case: Case, actor: Actor, note: str) -> None:
    CaseEvent.objects.create(case=case, state=case.state, actor=actor.label, note=note)


def _require_reason(reason: str, field: str = "reason") -> str:
    if not reason.strip():
        raise ValidationError({field: _("Give the reasons.")})
    return reason.strip()


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
    on: dt.date | None = None,
) -> tuple[Case, str]:
    """File an objection (DOMAIN §7): the records concerned are marked "under objection"
    and a decision is due within 5 working days. Against a published repair anyone may
    object during its 5 working days of publication. Returns the case and its access code."""
    day = on or timezone.localdate()
    if grounds not in Grounds.values:
        raise ValidationError({"grounds": _("Choose the grounds of the objection.")})
    if objected_case is not None:
        if objected_case.state != CaseState.PUBLISHED:
            raise ValidationError(
                {"repair_reference": _("This repair is not in its publication period.")}
            )
        grounds = Grounds.REPAIR_WRONG
        subject = objected_case.subject
        department = objected_case.department
    else:
        if grounds == Grounds.REPAIR_WRONG:
            raise ValidationError({"repair_reference": _("Give the reference of the repair.")})
        department = _targets(subject, records, list_entries)
    _require_reason(explanation, "explanation")
    actor = Actor.for_system("objection")
    code = secrets.token_urlsafe(8).upper()[:10]

    def body(written: list[Path]) -> Case:
        reference = _new_reference(CaseKind.OBJECTION, day)
        deadline = add_working_days(day, OBJECTION_DAYS)
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
        audit_change(actor=actor, instance=case, before=None, reason=_("Objection received."))
        _notify(case, str(_("Objection received.")))
        return case

    case = _with_uploads(files, body)
    log.info("objection.submitted case=%s", case.pk)
    return case, code


def _serious(records: Sequence[CreditRecord], entries: Sequence[Any]) -> bool:
    return any(r.severity == "serious" for r in records) or any(
        e.credit_list.is_serious for e in entries
    )


def _check_eligible(records: Sequence[CreditRecord], entries: Sequence[Any], day: dt.date) -> None:
    answers = records_eligibility(list(records), on=day)
    for record in records:
        answer = answers[record.pk]
        if answer.status != NOW:
            raise ValidationError(
                {
                    "records": _("“%(title)s” cannot be repaired now: %(why)s")
                    % {"title": record.title, "why": " ".join(str(r) for r in answer.reasons)}
                }
            )
    for entry in entries:
        answer = entry_eligibility(entry, on=day)
        if answer.status != NOW:
            raise ValidationError(
                {
                    "list_entries": _("This list entry cannot be removed by repair now: %(why)s")
                    % {"why": " ".join(str(r) for r in answer.reasons)}
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
    on: dt.date | None = None,
) -> tuple[Case, str]:
    """Apply for credit repair (DOMAIN §8): every record or entry must be eligible now;
    the identifying unit's opinion and the Letter of Commitment signed by the legal
    representative are attached; a serious case needs a training certificate (≥ 3 hours)
    of an approved agency, checked against the registry. Completeness is checked within
    2 working days (green channel: 1)."""
    day = on or timezone.localdate()
    department = _targets(subject, records, list_entries)
    _check_eligible(records, list_entries, day)
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
        training_certificate_number, required=_serious(records, list_entries)
    )
    if green_channel and not green_channel_reason.strip():
        raise ValidationError(
            {"green_channel_reason": _("Say why the case qualifies for the green channel.")}
        )
    actor = Actor.for_system("applicant")
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
            add_working_days(day, GREEN_COMPLETENESS_DAYS if green_channel else COMPLETENESS_DAYS),
        )
        case.full_clean()
        case.save()
        case.records.set(records)
        case.list_entries.set(list_entries)
        _uploads_store(case, files, written)
        _event(case=case, actor=actor, note=_("Application received."))
        audit_change(actor=actor, instance=case, before=None, reason=_("Application received."))
        _notify(case, str(_("Application received.")))
        return case

    case = _with_uploads(files, body)
    log.info("repair.submitted case=%s", case.pk)
    return case, code


def _certificate(number: str, *, required: bool) -> TrainingCertificate | None:
    number = (number or "").strip()
    if not number:
        if required:
            raise ValidationError(
                {
                    "training_certificate_number": _(
                        "Serious information needs a credit repair training certificate."
                    )
                }
            )
        return None
    certificate = (
        TrainingCertificate.objects.filter(number=number, agency__approved=True)
        .select_related("agency")
        .first()
    )
    if certificate is None:
        raise ValidationError(
            {
                "training_certificate_number": _(
                    "No certificate with this number was issued by an approved credit service "
                    "agency."
                )
            }
        )
    return certificate


# --- Repair workflow ---------------------------------------------------------------------------


def _repair(case: Case) -> None:
    if case.kind != CaseKind.REPAIR:
        raise CaseNotAllowed(_("This is not a repair application."), field="kind")


def _objection(case: Case) -> None:
    if case.kind != CaseKind.OBJECTION:
        raise CaseNotAllowed(_("This is not an objection."), field="kind")


def _check_official(actor: Actor, case: Case) -> None:
    if not actor.may_write(case.department_id):
        from core.exceptions import DepartmentNotAllowed

        raise DepartmentNotAllowed(field="department")


def repair_mark_incomplete(
    *, actor: Actor, case: Case, reason: str, on: dt.date | None = None
) -> Case:
    """Tell the applicant what is missing (within 2 working days of receipt); the
    applicant may resubmit through the tracking page."""
    _repair(case)
    _check_official(actor, case)
    note = _require_reason(reason)

    def change(c: Case) -> None:
        _set_due(c, None)

    return _transition(
        actor=actor,
        case=case,
        allowed_from=[CaseState.SUBMITTED],
        state=CaseState.INCOMPLETE,
        note=note,
        change=change,
    )


def repair_resubmit(
    *,
    case: Case,
    note: str,
    files: Sequence[tuple[str, UploadedFile]] = (),
    on: dt.date | None = None,
) -> Case:
    """The applicant completes the material; the completeness check starts again."""
    _repair(case)
    day = on or timezone.localdate()
    actor = Actor.for_system("applicant")
    text = _require_reason(note, "note")

    def change(c: Case) -> None:
        _set_due(
            c,
            add_working_days(
                day, GREEN_COMPLETENESS_DAYS if c.green_channel else COMPLETENESS_DAYS
            ),
        )

    def body(written: list[Path]) -> Case:
        _uploads_store(case, files, written)
        return _transition(
            actor=actor,
            case=case,
            allowed_from=[CaseState.INCOMPLETE],
            state=CaseState.SUBMITTED,
            note=text,
            change=change,
        )

    return _with_uploads(files, body)


def repair_accept(*, actor: Actor, case: Case, on: dt.date | None = None) -> Case:
    """Material complete: the decision is due within 15 working days (green channel: 5)."""
    _repair(case)
    _check_official(actor, case)
    day = on or timezone.localdate()

    def change(c: Case) -> None:
        deadline = add_working_days(day, GREEN_DECISION_DAYS if c.green_channel else DECISION_DAYS)
        _set_due(c, deadline)
        c.decision_due = deadline.date
        c.decision_due_provisional = deadline.provisional

    return _transition(
        actor=actor,
        case=case,
        allowed_from=[CaseState.SUBMITTED],
        state=CaseState.ACCEPTED,
        note=str(_("Material complete; application accepted.")),
        change=change,
    )


def repair_decide(
    *, actor: Actor, case: Case, grant: bool, reasons: str, on: dt.date | None = None
) -> Case:
    """Grant (carried out within 2 working days; green channel 1) or refuse, with reasons."""
    _repair(case)
    _check_official(actor, case)
    day = on or timezone.localdate()
    text = _require_reason(reasons, "reasons")
    if grant:
        _check_eligible(list(case.records.all()), list(case.list_entries.all()), day)

    def change(c: Case) -> None:
        c.decision = Decision.GRANTED if grant else Decision.REFUSED
        c.decision_reasons = text
        c.decided_on = day
        _set_due(
            c,
            add_working_days(day, GREEN_CARRY_OUT_DAYS if c.green_channel else CARRY_OUT_DAYS)
            if grant
            else None,
        )
        if not grant:
            c.closed_on = day

    return _transition(
        actor=actor,
        case=case,
        allowed_from=[CaseState.ACCEPTED],
        state=CaseState.GRANTED if grant else CaseState.REFUSED,
        note=text,
        change=change,
    )


def repair_carry_out(*, actor: Actor, case: Case, on: dt.date | None = None) -> Case:
    """Mark the records repaired (kept for officials, no longer public or counting) and
    remove the list entries; rescore; publish the repair for 5 working days."""
    from lists.models import ListEntry
    from lists.services import list_entry_remove

    _repair(case)
    _check_official(actor, case)
    day = on or timezone.localdate()
    reason = _("Credit repair %(reference)s granted.") % {"reference": case.reference}
    with transaction.atomic():
        for record in case.records.all():
            record_state_set(actor=actor, record=record, state=RecordState.REPAIRED, reason=reason)
        for entry in case.list_entries.all():
            list_entry_remove(
                actor=actor,
                entry=entry,
                reason=ListEntry.RemovalReason.REPAIRED,
                removed_on=day,
                note=reason,
            )
        subject_rescore_request(case.subject_id)

        def change(c: Case) -> None:
            c.carried_out_on = day
            end = add_working_days(day, PUBLICATION_DAYS)
            c.publication_ends = end.date
            _set_due(c, end)

        return _transition(
            actor=actor,
            case=case,
            allowed_from=[CaseState.GRANTED],
            state=CaseState.PUBLISHED,
            note=str(_("Repair carried out; published for objections.")),
            change=change,
        )


def repair_close(*, actor: Actor, case: Case, on: dt.date | None = None) -> Case:
    """Close a repair once its 5 working days of publication are over with no objection
    pending."""
    _repair(case)
    day = on or timezone.localdate()
    if case.publication_ends is None or day <= case.publication_ends:
        raise CaseNotAllowed(_("The publication period is not over."), field="state")
    if case.objections.filter(state=CaseState.SUBMITTED).exists():
        raise CaseNotAllowed(_("An objection to this repair is pending."), field="state")

    def change(c: Case) -> None:
        c.closed_on = day
        _set_due(c, None)

    return _transition(
        actor=actor,
        case=case,
        allowed_from=[CaseState.PUBLISHED],
        state=CaseState.CLOSED,
        note=str(_("Publication over; case closed.")),
        change=change,
    )


def _repair_reverse(
    *, actor: Actor, case: Case, reason: str, kind: str, ban: bool, day: dt.date
) -> Case:
    """Reverse a repair: a new negative record states why (records once repaired stay
    repaired: that state is final), and, for a false commitment, a 3-year repair ban."""
    with transaction.atomic():
        severity = (
            "serious"
            if _serious(list(case.records.all()), list(case.list_entries.all()))
            else "general"
        )
        record_create(
            actor=actor,
            subject=case.subject,
            department=case.department,
            data={
                "kind": kind,
                "decision_date": day,
                "document_number": f"{case.reference}-R",
                "title": str(
                    _("Credit repair %(reference)s reversed") % {"reference": case.reference}
                ),
                "content": reason,
                "severity": severity,
            },
            reason=reason,
        )
        if ban:
            RepairBan.objects.create(
                subject=case.subject,
                starts_on=day,
                ends_on=day + relativedelta(years=REPAIR_BAN_YEARS),
                reason=reason,
                case=case,
            )

        def change(c: Case) -> None:
            c.decision_reasons = (c.decision_reasons + "\n" + reason).strip()
            c.closed_on = day
            _set_due(c, None)

        return _transition(
            actor=actor,
            case=case,
            allowed_from=[CaseState.PUBLISHED, CaseState.CLOSED],
            state=CaseState.REVERSED,
            note=reason,
            change=change,
        )


def repair_false_commitment(
    *, actor: Actor, case: Case, reason: str, on: dt.date | None = None
) -> Case:
    """The repair was obtained with false information or a false commitment: reversed,
    a negative record (unfulfilled credit commitment), and no repair for 3 years."""
    _repair(case)
    _check_official(actor, case)
    return _repair_reverse(
        actor=actor,
        case=case,
        reason=_require_reason(reason),
        kind="commitment_unfulfilled",
        ban=True,
        day=on or timezone.localdate(),
    )


# --- Objection workflow --------------------------------------------------------------------------


def objection_extend(
    *, actor: Actor, case: Case, days: int, reason: str, on: dt.date | None = None
) -> Case:
    """Extend the decision period, recorded with a reason: at most 20 working days from
    receipt in all (Zhejiang regulation)."""
    _objection(case)
    _check_official(actor, case)
    text = _require_reason(reason)
    if days < 1 or case.extension_days + days > OBJECTION_MAX_DAYS - OBJECTION_DAYS:
        raise ValidationError(
            {
                "days": _("The decision may be extended to at most %(n)d working days in all.")
                % {"n": OBJECTION_MAX_DAYS}
            }
        )

    def change(c: Case) -> None:
        c.extension_days += days
        c.extension_reason = (c.extension_reason + "\n" + text).strip()
        deadline = add_working_days(c.received_on, OBJECTION_DAYS + c.extension_days)
        _set_due(c, deadline)
        c.decision_due = deadline.date
        c.decision_due_provisional = deadline.provisional

    return _transition(
        actor=actor,
        case=case,
        allowed_from=[CaseState.SUBMITTED],
        state=CaseState.SUBMITTED,
        note=text,
        change=change,
    )


def objection_decide(
    *,
    actor: Actor,
    case: Case,
    decision: str,
    reasons: str,
    correction: dict[str, Any] | None = None,
    on: dt.date | None = None,
) -> Case:
    """Decide an objection with reasons: correct the record (``record_update``), revoke
    it, or keep it (back to active); against a repair: keep it or reverse it."""
    from lists.models import ListEntry
    from lists.services import list_entry_remove

    _objection(case)
    _check_official(actor, case)
    day = on or timezone.localdate()
    text = _require_reason(reasons, "reasons")
    allowed = (
        {Decision.KEPT, Decision.REPAIR_REVERSED}
        if case.objected_case_id
        else {Decision.CORRECTED, Decision.REVOKED, Decision.KEPT}
    )
    if decision not in allowed:
        raise ValidationError({"decision": _("This decision is not possible for this objection.")})
    if decision == Decision.CORRECTED and not correction:
        raise ValidationError({"correction": _("Give the corrected values.")})
    with transaction.atomic():
        if case.objected_case_id and decision == Decision.REPAIR_REVERSED:
            assert case.objected_case is not None
            _repair_reverse(
                actor=actor,
                case=case.objected_case,
                reason=text,
                kind="other_bad_conduct",
                ban=False,
                day=day,
            )
        for record in case.records.all():
            if decision == Decision.CORRECTED:
                record = record_update(
                    actor=actor, record=record, data=correction or {}, reason=text
                )
            if record.state != RecordState.UNDER_OBJECTION:
                continue
            record_state_set(
                actor=actor,
                record=record,
                state=RecordState.REVOKED if decision == Decision.REVOKED else RecordState.ACTIVE,
                reason=text,
            )
        if decision == Decision.REVOKED:
            for entry in case.list_entries.all():
                list_entry_remove(
                    actor=actor,
                    entry=entry,
                    reason=ListEntry.RemovalReason.REVOKED_AFTER_OBJECTION,
                    removed_on=day,
                    note=text,
                )

        def change(c: Case) -> None:
            c.decision = decision
            c.decision_reasons = text
            c.decided_on = day
            c.closed_on = day
            c.correction = correction or {}
            _set_due(c, None)

        return _transition(
            actor=actor,
            case=case,
            allowed_from=[CaseState.SUBMITTED],
            state=CaseState.DECIDED,
            note=text,
            change=change,
        )


# --- Daily job ----------------------------------------------------------------------------


def case_deadlines_remind(*, on: dt.date | None = None) -> dict[str, int]:
    """Daily: email each official the open cases of their department due within 2 working
    days (credit-centre reviewers: all), and close repairs whose publication is over.
    Leaves a job-run row with counts."""
    from django.contrib.auth import get_user_model

    from core.roles import GROUP_ADMINISTRATOR, GROUP_CREDIT_CENTRE_REVIEWER

    day = on or timezone.localdate()
    horizon = add_working_days(day, REMIND_WITHIN_DAYS).date
    system = Actor.for_system(REMINDER_JOB)
    counts = {"due_soon": 0, "overdue": 0, "emails": 0, "closed": 0}
    with job_run(REMINDER_JOB) as progress:
        for case in Case.objects.filter(
            state=CaseState.PUBLISHED, publication_ends__lt=day
        ).exclude(objections__state=CaseState.SUBMITTED):
            repair_close(actor=system, case=case, on=day)
            counts["closed"] += 1
        due = list(
            Case.objects.exclude(state__in=[CaseState.INCOMPLETE, *OPEN_DONE])
            .filter(due_on__lte=horizon)
            .select_related("department")
            .order_by("due_on")
        )
        counts["due_soon"] = len(due)
        counts["overdue"] = sum(1 for c in due if c.due_on is not None and c.due_on < day)
        users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
        for user in users.select_related("official").prefetch_related("groups"):
            groups = {g.name for g in user.groups.all()}
            everything = user.is_superuser or bool(
                groups & {GROUP_ADMINISTRATOR, GROUP_CREDIT_CENTRE_REVIEWER}
            )
            official = getattr(user, "official", None)
            mine = [
                c
                for c in due
                if everything
                or (official is not None and official.department_id == c.department_id)
            ]
            if not mine:
                continue
            lines = [f"{c.reference} {CaseState(c.state).label} {c.due_on}" for c in mine]
            send_mail(
                subject=_("[CreditSite] %(n)d cases due within 2 working days") % {"n": len(mine)},
                message="\n".join(lines),
                from_email=None,
                recipient_list=[user.email],
                fail_silently=True,
            )
            counts["emails"] += 1
        progress.advance(len(due), **counts)
    log.info("repair.reminders on=%s counts=%s", day, counts)
    return counts


OPEN_DONE = (CaseState.CLOSED, CaseState.REFUSED, CaseState.REVERSED, CaseState.DECIDED)
