"""Recomputing the stored provisional due dates of objection and repair cases (docs/rules.md
§13): the next step's due date of an open case and the decision's due date, counted again
from their stored clocks (``repair.clock``) with the calendar as it is now. Run by
``rules.workdays.provisional_deadlines_recompute`` when an official marks a year entered
(and by ``manage.py recompute_provisional_deadlines``); each change is audited with the old
and the new date. A published repair's end of publication is its next step's due date and
follows it."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.actors import Actor
from core.audit import audit_change, snapshot
from rules.workdays import Deadline, add_working_days

from .models import OPEN_EXCLUDED, Case, CaseState

log = logging.getLogger(__name__)


def _reason(what: str, old: dt.date, new: Deadline) -> str:
    return _(
        "Provisional %(what)s recomputed with the calendar now entered: %(old)s → %(new)s."
    ) % {"what": what, "old": old.isoformat(), "new": str(new)}


def _recount(start: dt.date | None, days: int | None) -> Deadline | None:
    if start is None or days is None:
        return None
    return add_working_days(start, days)


def case_deadlines_recompute(*, actor: Actor) -> dict[str, int]:
    """Recount every provisional due date of a case that has its clock; returns how many
    were looked at, how many changed and how many have no clock (set before clocks were
    stored: left as they are)."""
    counts = {
        "case_deadlines_checked": 0,
        "case_deadlines_changed": 0,
        "case_deadlines_no_clock": 0,
    }
    open_due = Q(due_provisional=True, due_on__isnull=False) & ~Q(state__in=OPEN_EXCLUDED)
    decision = Q(decision_due_provisional=True, decision_due__isnull=False)
    for pk in Case.objects.filter(open_due | decision).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            before = snapshot(case)
            reasons: list[str] = []
            fields: list[str] = []
            if case.due_provisional and case.due_on and case.state not in OPEN_EXCLUDED:
                counts["case_deadlines_checked"] += 1
                new = _recount(case.due_from, case.due_days)
                if new is None:
                    counts["case_deadlines_no_clock"] += 1
                elif (new.date, new.provisional) != (case.due_on, True):
                    reasons.append(_reason(_("due date"), case.due_on, new))
                    if case.state == CaseState.PUBLISHED and case.publication_ends == case.due_on:
                        case.publication_ends = new.date
                        fields.append("publication_ends")
                    case.due_on, case.due_provisional = new.date, new.provisional
                    fields += ["due_on", "due_provisional"]
            if case.decision_due_provisional and case.decision_due:
                counts["case_deadlines_checked"] += 1
                new = _recount(case.decision_due_from, case.decision_due_days)
                if new is None:
                    counts["case_deadlines_no_clock"] += 1
                elif (new.date, new.provisional) != (case.decision_due, True):
                    reasons.append(_reason(_("decision due date"), case.decision_due, new))
                    case.decision_due = new.date
                    case.decision_due_provisional = new.provisional
                    fields += ["decision_due", "decision_due_provisional"]
            if not fields:
                continue
            case.save(update_fields=[*fields, "updated_at"])
            audit_change(actor=actor, instance=case, before=before, reason=" ".join(reasons))
            counts["case_deadlines_changed"] += 1
    log.info("case_deadlines.recomputed counts=%s", counts)
    return counts
