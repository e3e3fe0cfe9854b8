"""Recomputing the stored provisional deadlines of list entries (rules.md §13): the
objection deadline of a notified entry and the removal date after fulfilment. Run by
``rules.workdays.provisional_deadlines_recompute`` when an official marks a year entered;
each change is audited with the old and the new date."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from core.actors import Actor
from core.audit import audit_change, snapshot
from rules.workdays import Deadline, add_working_days

from .models import ListEntry

log = logging.getLogger(__name__)


def _reason(old: dt.date, new: Deadline) -> str:
    return _(
        "Provisional deadline recomputed with the calendar now entered: %(old)s → %(new)s."
    ) % {
        "old": old.isoformat(),
        "new": str(new),
    }


def list_deadlines_recompute(*, actor: Actor) -> dict[str, int]:
    """Recompute the provisional objection deadline of every notified entry and the
    provisional removal date of every listed one; returns how many were looked at and how
    many changed."""
    counts = {"list_deadlines_checked": 0, "list_deadlines_changed": 0}
    entries = ListEntry.objects.filter(
        status=ListEntry.Status.NOTIFIED,
        objection_deadline_provisional=True,
        notified_on__isnull=False,
    ).select_related("credit_list")
    for entry in entries:
        counts["list_deadlines_checked"] += 1
        assert entry.notified_on is not None and entry.objection_deadline is not None
        new = add_working_days(entry.notified_on, entry.credit_list.objection_working_days)
        if (new.date, new.provisional) == (entry.objection_deadline, True):
            continue
        with transaction.atomic():
            before = snapshot(entry)
            reason = _reason(entry.objection_deadline, new)
            entry.objection_deadline = new.date
            entry.objection_deadline_provisional = new.provisional
            entry.save(update_fields=["objection_deadline", "objection_deadline_provisional"])
            audit_change(actor=actor, instance=entry, before=before, reason=reason)
        counts["list_deadlines_changed"] += 1
    removals = ListEntry.objects.filter(
        status=ListEntry.Status.LISTED,
        removal_due_provisional=True,
        obligation_fulfilled_on__isnull=False,
    ).select_related("credit_list")
    for entry in removals:
        counts["list_deadlines_checked"] += 1
        assert entry.obligation_fulfilled_on is not None and entry.removal_due is not None
        new = add_working_days(
            entry.obligation_fulfilled_on, entry.credit_list.removal_working_days or 0
        )
        if (new.date, new.provisional) == (entry.removal_due, True):
            continue
        with transaction.atomic():
            before = snapshot(entry)
            reason = _reason(entry.removal_due, new)
            entry.removal_due = new.date
            entry.removal_due_provisional = new.provisional
            entry.save(update_fields=["removal_due", "removal_due_provisional"])
            audit_change(actor=actor, instance=entry, before=before, reason=reason)
        counts["list_deadlines_changed"] += 1
    log.info("list_deadlines.recomputed counts=%s", counts)
    return counts
