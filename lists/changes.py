"""Reads of the lists' change feeds: what changed since a moment, and the tombstones of the
entries that left publicity (rules.md §5.3, §5.4).

An entry leaves publicity when it is removed (term over, repaired, obligation fulfilled,
revoked after objection) or its term ends before the nightly job removes it. Only entries
that were public can leave: fully public, of an organisation, listed on or before today
(``ListEntry.objects.public()``). An entry's disclosure level is fixed when it is proposed,
so no public entry becomes non-public; an unpublished list answers 404 as a whole.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import CreditList, ListEntry

Status = ListEntry.Status
Reason = ListEntry.RemovalReason


def _ever_public(*, on: dt.date) -> QuerySet[ListEntry]:
    """Entries the public has seen: public and listed by ``on`` (rules.md §5.4)."""
    return ListEntry.objects.public().filter(listed_on__lte=on)


def entry_in_force(entry: ListEntry, *, on: dt.date) -> bool:
    """``queries.active_entries`` for one entry already known to be public and listed by
    ``on`` (rules.md §5.4)."""
    return entry.status == Status.LISTED and (entry.term_end is None or entry.term_end >= on)


def _left_publicity(*, on: dt.date) -> Q:
    """Of the entries the public has seen, those no longer in force on ``on``."""
    return Q(status=Status.REMOVED) | Q(term_end__lt=on)


def entry_changes(
    credit_list: CreditList, *, since: dt.datetime, on: dt.date | None = None
) -> QuerySet[ListEntry]:
    """The list's entries the public has seen that changed since ``since``, oldest change
    first: those in force and those that left publicity (to be shown as tombstones)."""
    day = on or timezone.localdate()
    return (
        _ever_public(on=day)
        .filter(credit_list=credit_list, updated_at__gte=since)
        .select_related("subject")
        .order_by("updated_at", "id")
    )


def entry_removals(
    *, credit_list: CreditList | None = None, subject_id: int | None = None, limit: int = 50
) -> list[ListEntry]:
    """The newest entries of a list or a subject that left publicity, for the Atom feeds."""
    day = timezone.localdate()
    entries = _ever_public(on=day).filter(_left_publicity(on=day))
    if credit_list is not None:
        entries = entries.filter(credit_list=credit_list)
    if subject_id is not None:
        entries = entries.filter(subject_id=subject_id)
    return list(entries.select_related("credit_list").order_by("-updated_at", "-id")[:limit])


def entry_removal_reason(entry: ListEntry) -> str:
    """Why an entry left publicity: its removal reason, or "term over" for an entry whose
    term ended before the nightly job removed it (rules.md §5.3)."""
    return entry.removal_reason or Reason.TERM_OVER


def entry_tombstone(entry: ListEntry) -> dict[str, Any]:
    """An entry that left publicity as the change feed shows it: which entry, why, when;
    never the subject, the reason for listing or the document (rules.md §3.7)."""
    removed_on = entry.removed_on
    if removed_on is None and entry.term_end is not None:
        removed_on = entry.term_end + dt.timedelta(days=1)
    return {
        "id": entry.pk,
        "status": Status.REMOVED.value,
        "removal_reason": str(entry_removal_reason(entry)),
        "removed_on": removed_on.isoformat() if removed_on else None,
        "updated_at": entry.updated_at.isoformat(),
    }
