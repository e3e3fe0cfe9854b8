"""What the objection and repair workflows share: their deadlines, applicants and access
codes, the transition of a case (event, audit row, email) and the checks every step makes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actors import Actor
from core.audit import snapshot
from core.exceptions import DomainError
from core.site import site_name
from enterprises.models import CreditRecord, Subject

# ``audit_change`` is looked up on the package at call time, so that replacing it there (as
# tests do, to make a submission fail after its files are written) reaches this module.
from repair import services as _package
from rules.workdays import Deadline

from ..clock import due_clock_set
from ..eligibility import (
    NOW,
    entry_eligibility,
    records_eligibility,
    records_eligibility_for_officials,
)
from ..models import Case, CaseEvent, CaseKind, CaseState

log = logging.getLogger("repair.services")  # one logger for the package

# --- Objections and repair applications ---------------------------------------------------
#
# Two state machines over ``repair.Case`` (rules.md §7, §8; Zhejiang deadlines, rules.md §8.3):
#
# repair:    submitted → incomplete → (resubmitted) submitted → accepted → granted → published
#            → closed; accepted → refused; published/closed → reversed (false commitment or an
#            upheld objection during publication).
# objection: submitted → decided (corrected, revoked or kept; or, against a published repair,
#            kept or repair reversed).
#
# Each transition goes through ``_transition``: one CaseEvent (the applicant's history), one
# audit row, and an email to the applicant once the transaction commits.


# Working days (rules.md §8, §7). Green channel: the shorter internal targets of this site
# (rules.md §8.4 "expedited handling"); the legal maximum stays the ordinary one.
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


# --- Transitions, history, notifications --------------------------------------------------


def due_text(due: dt.date | None, provisional: bool) -> str:
    """A due date as e-mails give it, marked when provisional (rules.md §13)."""
    if due is None:
        return "-"
    if provisional:
        mark = _("provisional: the holiday calendar of that year is not published yet")
        return f"{due.isoformat()} ({mark})"
    return due.isoformat()


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
            "due": due_text(case.due_on, case.due_provisional),
            "path": path,
        }
        send_mail(
            subject=_("[%(site)s] %(reference)s: %(state)s")
            % {
                "site": site_name(),
                "reference": case.reference,
                "state": CaseState(case.state).label,
            },
            message=body,
            from_email=None,
            recipient_list=[case.contact_email],
            fail_silently=True,
        )

    transaction.on_commit(send, robust=True)


def _set_due(case: Case, deadline: Deadline | None) -> None:
    case.due_on = deadline.date if deadline else None
    case.due_provisional = deadline.provisional if deadline else False
    due_clock_set(case, deadline)  # counted again once its year is entered (rules.md §13)


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
        _package.audit_change(
            actor=actor, instance=case, before=before, reason=note, action="state"
        )
        _notify(case, note)
    log.info("case.state case=%s state=%s actor=%s", case.pk, state, actor.label)
    return case


def _event(*, case: Case, actor: Actor, note: str) -> None:
    CaseEvent.objects.create(case=case, state=case.state, actor=actor.label, note=note)


def _require_reason(reason: str, field: str = "reason") -> str:
    if not reason.strip():
        raise ValidationError({field: _("Give the reasons.")})
    return reason.strip()


def _serious(records: Sequence[CreditRecord], entries: Sequence[Any]) -> bool:
    return any(r.severity == "serious" for r in records) or any(
        e.credit_list.is_serious for e in entries
    )


def _check_eligible(
    records: Sequence[CreditRecord],
    entries: Sequence[Any],
    day: dt.date,
    *,
    officials: bool,
    applied_on: dt.date | None = None,
) -> None:
    """Every record and entry eligible now. The applicant is answered as the public is
    (only public list entries count, only a public record is named as breaking a clean
    record, rules.md §3.7, §8.1); the grant (``officials``) counts every listed entry of
    the subject and judges the clean record up to the application day (§8.2)."""
    if officials:
        answers = records_eligibility_for_officials(list(records), on=day, applied_on=applied_on)
    else:
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
        answer = entry_eligibility(entry, on=day, officials=officials)
        if answer.status != NOW:
            raise ValidationError(
                {
                    "list_entries": _("This list entry cannot be removed by repair now: %(why)s")
                    % {"why": " ".join(str(r) for r in answer.reasons)}
                }
            )


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
