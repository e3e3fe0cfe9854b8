"""The credit-repair workflow after submission (rules.md §8): completeness, decision,
carrying out and publication, closing, and reversal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from enterprises.models import RecordState
from enterprises.services import record_create, record_state_set, subject_rescore_request
from enterprises.tax_repair import capped_note, is_d_rating

from ..clock import clock, decision_due_set
from ..models import Case, CaseState, Decision, RepairBan
from ..tax import decision_notes
from .common import (
    CARRY_OUT_DAYS,
    COMPLETENESS_DAYS,
    DECISION_DAYS,
    GREEN_CARRY_OUT_DAYS,
    GREEN_COMPLETENESS_DAYS,
    GREEN_DECISION_DAYS,
    PUBLICATION_DAYS,
    REPAIR_BAN_YEARS,
    CaseNotAllowed,
    _check_eligible,
    _check_official,
    _repair,
    _require_reason,
    _serious,
    _set_due,
    _transition,
)
from .uploads import _uploads_store, _with_uploads

# --- Repair workflow ---------------------------------------------------------------------------


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
            clock(day, GREEN_COMPLETENESS_DAYS if c.green_channel else COMPLETENESS_DAYS),
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
        deadline = clock(day, GREEN_DECISION_DAYS if c.green_channel else DECISION_DAYS)
        _set_due(c, deadline)
        decision_due_set(c, deadline)

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
        records = list(case.records.select_related("department"))
        _check_eligible(
            records,
            list(case.list_entries.all()),
            day,
            officials=True,
            applied_on=case.received_on,
        )
        # rules.md §8.1: a taxpayer rated D is not lifted to A; the decision says so.
        text = "\n".join([text, *(str(note) for note in decision_notes(records))])

    def change(c: Case) -> None:
        c.decision = Decision.GRANTED if grant else Decision.REFUSED
        c.decision_reasons = text
        c.decided_on = day
        _set_due(
            c,
            clock(day, GREEN_CARRY_OUT_DAYS if c.green_channel else CARRY_OUT_DAYS)
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
        for record in case.records.select_related("department"):
            # A repaired D rating stays, with the cap in its audit row (rules.md §8.1).
            note = f"{reason} {capped_note(record.tax_year)}" if is_d_rating(record) else reason
            record_state_set(actor=actor, record=record, state=RecordState.REPAIRED, reason=note)
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
            end = clock(day, PUBLICATION_DAYS)
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
