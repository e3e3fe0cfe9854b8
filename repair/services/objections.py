"""Deciding objections (rules.md §7): extending the period, correcting, revoking or keeping
the records, or reversing a published repair."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from enterprises.models import RecordState
from enterprises.services import record_state_set, record_update

from ..clock import clock, decision_due_set
from ..models import Case, CaseState, Decision, Grounds
from .common import (
    DECISION_DAYS,
    GREEN_DECISION_DAYS,
    OBJECTION_DAYS,
    OBJECTION_MAX_DAYS,
    _check_official,
    _objection,
    _require_reason,
    _set_due,
    _transition,
)
from .repairs import _repair_reverse

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
        deadline = clock(c.received_on, OBJECTION_DAYS + c.extension_days)
        _set_due(c, deadline)
        decision_due_set(c, deadline)

    return _transition(
        actor=actor,
        case=case,
        allowed_from=[CaseState.SUBMITTED],
        state=CaseState.SUBMITTED,
        note=text,
        change=change,
    )


def _refusal_overturn(*, actor: Actor, case: Case, reason: str, day: dt.date) -> Case:
    """An objection upheld against a refusal: the application is accepted again and
    decided anew within the decision period (rules.md §7, §8.3)."""

    def change(c: Case) -> None:
        deadline = clock(day, GREEN_DECISION_DAYS if c.green_channel else DECISION_DAYS)
        c.decision = ""
        c.decision_reasons = ""
        c.decided_on = None
        c.closed_on = None
        _set_due(c, deadline)
        decision_due_set(c, deadline)

    return _transition(
        actor=actor,
        case=case,
        allowed_from=[CaseState.REFUSED],
        state=CaseState.ACCEPTED,
        note=reason,
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
    if case.grounds == Grounds.REFUSAL_WRONG:
        allowed = {Decision.KEPT, Decision.REFUSAL_OVERTURNED}
    elif case.objected_case_id:
        allowed = {Decision.KEPT, Decision.REPAIR_REVERSED}
    else:
        allowed = {Decision.CORRECTED, Decision.REVOKED, Decision.KEPT}
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
        if decision == Decision.REFUSAL_OVERTURNED:
            assert case.objected_case is not None
            _refusal_overturn(actor=actor, case=case.objected_case, reason=text, day=day)
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
                objection=case.reference,
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
