"""Writes with rules for list entries: proposed → notified → listed → removed (rules.md §5).

Every step runs in one transaction, is validated, writes an audit row with the actor
and the reason, and marks the subject for rescoring (labels and indicators 4.3.1 /
5.2.1 follow the entries). Nothing is deleted: a removed entry keeps its row.
"""

from __future__ import annotations

import datetime as dt
import logging

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.audit import audit_change, snapshot
from core.exceptions import DepartmentNotAllowed
from enterprises.models import Department, Disclosure, Subject
from enterprises.services import subject_rescore_request
from rules.workdays import add_working_days, effective_deadline

from .early_removal import heavier_penalty_blocks
from .exceptions import ListingNotAllowed, RepairNotEligible
from .models import CreditList, ListEntry

log = logging.getLogger(__name__)

Status = ListEntry.Status
Reason = ListEntry.RemovalReason


def _check_department(actor: Actor, department_id: int) -> None:
    if not actor.may_write(department_id):
        raise DepartmentNotAllowed(field="department")


def _locked(entry: ListEntry) -> ListEntry:
    return ListEntry.objects.select_for_update().select_related("credit_list").get(pk=entry.pk)


def _save(*, actor: Actor, entry: ListEntry, before: dict[str, object] | None, reason: str) -> None:
    entry.full_clean(validate_constraints=True)
    entry.save()
    audit_change(
        actor=actor,
        instance=entry,
        before=before,
        reason=reason,
        action=None if before is None else "state",
    )
    subject_rescore_request(entry.subject_id)


def list_entry_propose(
    *,
    actor: Actor,
    credit_list: CreditList,
    subject: Subject,
    reason: str,
    proposed_on: dt.date | None = None,
    department: Department | None = None,
    document_number: str = "",
    disclosure: str = Disclosure.PUBLIC,
    moved_from: ListEntry | None = None,
) -> ListEntry:
    """Propose a subject for a list (by the list's authority unless another identifying
    department is named). ``times_listed`` counts earlier listings on the same list:
    repair is refused from the list's threshold on (SAMR: listed two or more times).
    ``moved_from`` names the entry whose time on another list proposes this one
    (rules.md §5.3)."""
    department = department or credit_list.authority
    _check_department(actor, department.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason shown to the subject and public.")})
    with transaction.atomic():
        earlier = ListEntry.objects.filter(
            credit_list=credit_list, subject=subject, listed_on__isnull=False
        ).count()
        entry = ListEntry(
            credit_list=credit_list,
            subject=subject,
            department=department,
            reason=reason,
            document_number=document_number,
            disclosure=disclosure,
            proposed_on=proposed_on or timezone.localdate(),
            times_listed=earlier + 1,
            moved_from=moved_from,
        )
        _save(actor=actor, entry=entry, before=None, reason=reason)
    log.info("list_entry.proposed entry=%s list=%s", entry.pk, credit_list.slug)
    return entry


def list_entry_notify(
    *, actor: Actor, entry: ListEntry, notified_on: dt.date | None = None
) -> ListEntry:
    """The subject is told the reasons and may object within the list's working days
    (SAMR serious-violation list: 10 working days, rules.md §5.2). The deadline counts
    Chinese working days and is marked provisional in a year not yet entered. A list
    without notice before listing (0 days) sets no deadline."""
    _check_department(actor, entry.department_id)
    with transaction.atomic():
        entry = _locked(entry)
        if entry.status != Status.PROPOSED:
            raise ListingNotAllowed(
                _("Only a proposed entry can be notified; this one is “%(status)s”.")
                % {"status": entry.get_status_display()},
                field="status",
            )
        before = snapshot(entry)
        day = notified_on or timezone.localdate()
        entry.status = Status.NOTIFIED
        entry.notified_on = day
        if entry.credit_list.objection_working_days:
            deadline = add_working_days(day, entry.credit_list.objection_working_days)
            entry.objection_deadline = deadline.date
            entry.objection_deadline_provisional = deadline.provisional
        _save(actor=actor, entry=entry, before=before, reason=_("Subject notified with reasons."))
    return entry


def list_entry_list(
    *,
    actor: Actor,
    entry: ListEntry,
    listed_on: dt.date | None = None,
    term_months: int | None = None,
) -> ListEntry:
    """Publish the entry. Where the list gives notice before listing (its
    ``objection_working_days``; SAMR serious-violation list: 10) the entry needs the
    notice and an objection period that ran out without objection; other lists, red or
    black (court lists), list straight from proposed or notified (rules.md §5.2).
    The term ends ``term_months`` (default: the list's term) after publication."""
    _check_department(actor, entry.department_id)
    with transaction.atomic():
        entry = _locked(entry)
        day = listed_on or timezone.localdate()
        credit_list = entry.credit_list
        if credit_list.objection_working_days:
            if entry.status != Status.NOTIFIED or entry.objection_deadline is None:
                raise ListingNotAllowed(
                    _("An entry of this list is listed only after the subject was notified."),
                    field="status",
                )
            # A provisional deadline on a statutory holiday holds until the next working
            # day (rules.md §13).
            until = effective_deadline(
                entry.objection_deadline, entry.objection_deadline_provisional
            )
            if day <= until:
                raise ListingNotAllowed(
                    _("The subject may object until %(date)s: list it after that day.")
                    % {"date": until.isoformat()},
                    field="listed_on",
                )
        elif entry.status not in (Status.PROPOSED, Status.NOTIFIED):
            raise ListingNotAllowed(
                _("This entry is “%(status)s” and cannot be listed.")
                % {"status": entry.get_status_display()},
                field="status",
            )
        before = snapshot(entry)
        months = term_months if term_months is not None else credit_list.term_months
        entry.status = Status.LISTED
        entry.listed_on = day
        # The last day in force: a three-year term listed on 1 March ends on 28/29 February.
        entry.term_end = day + relativedelta(months=months, days=-1) if months else None
        _save(actor=actor, entry=entry, before=before, reason=_("Listed."))
    log.info("list_entry.listed entry=%s", entry.pk)
    return entry


def list_entry_obligation_fulfilled(
    *, actor: Actor, entry: ListEntry, fulfilled_on: dt.date | None = None
) -> ListEntry:
    """Record that the obligations were fulfilled. Where the list sets a removal period
    (court list: within 3 working days, rules.md §5), the removal falls due then; the
    nightly job removes it at the latest on that day."""
    _check_department(actor, entry.department_id)
    with transaction.atomic():
        entry = _locked(entry)
        if entry.status != Status.LISTED:
            raise ListingNotAllowed(_("Only a listed entry can be fulfilled."), field="status")
        if entry.credit_list.end_rule not in (
            CreditList.EndRule.OBLIGATION,
            CreditList.EndRule.TERM_OR_OBLIGATION,
        ):
            raise ListingNotAllowed(
                _("Entries of this list do not end when an obligation is fulfilled."),
                field="removal_reason",
            )
        before = snapshot(entry)
        day = fulfilled_on or timezone.localdate()
        entry.obligation_fulfilled_on = day
        due = add_working_days(day, entry.credit_list.removal_working_days or 0)
        entry.removal_due = due.date
        entry.removal_due_provisional = due.provisional
        _save(actor=actor, entry=entry, before=before, reason=_("Obligations fulfilled."))
    return entry


def list_entry_repair_check(entry: ListEntry, *, on: dt.date) -> None:
    """Raise :class:`RepairNotEligible` unless the list allows early removal by repair
    for this entry now: allowed at all, not listed too often, listed long enough, and, on
    a list of market regulation, no new heavier penalty since listing."""
    credit_list = entry.credit_list
    if not credit_list.repair_allowed:
        raise RepairNotEligible(
            _("Entries of this list are not removed early by credit repair."), field="reason"
        )
    limit = credit_list.repair_forbidden_times_listed
    if limit and entry.times_listed >= limit:
        raise RepairNotEligible(
            _("Credit repair is refused: the subject has been listed %(n)d times.")
            % {"n": entry.times_listed},
            field="reason",
        )
    if credit_list.repair_min_months and entry.listed_on is not None:
        earliest = entry.listed_on + relativedelta(months=credit_list.repair_min_months)
        if on < earliest:
            raise RepairNotEligible(
                _("Credit repair may be applied for from %(date)s.")
                % {"date": earliest.isoformat()},
                field="removed_on",
            )
    # rules.md §5.3: market regulation's lists also need no new heavier penalty.
    blocking = heavier_penalty_blocks(entry, until=on, public=False)
    if blocking:
        raise RepairNotEligible(blocking, field="reason")


def list_entry_remove(
    *,
    actor: Actor,
    entry: ListEntry,
    reason: str,
    removed_on: dt.date | None = None,
    note: str = "",
) -> ListEntry:
    """End an entry (nothing is deleted): its term is over; credit repair (where allowed);
    the obligation is fulfilled (lists that end so); or revoked after an objection
    (at any stage). The subject is rescored."""
    _check_department(actor, entry.department_id)
    if reason not in Reason.values:
        raise ListingNotAllowed(_("Unknown removal reason."), field="reason")
    with transaction.atomic():
        entry = _locked(entry)
        day = removed_on or timezone.localdate()
        if entry.status == Status.REMOVED:
            raise ListingNotAllowed(_("This entry has already been removed."), field="status")
        if reason != Reason.REVOKED_AFTER_OBJECTION and entry.status != Status.LISTED:
            raise ListingNotAllowed(
                _("Only a listed entry ends this way; before listing it can only be revoked."),
                field="reason",
            )
        if reason == Reason.TERM_OVER and (entry.term_end is None or entry.term_end >= day):
            raise ListingNotAllowed(_("The term of this entry is not over."), field="reason")
        if reason == Reason.REPAIRED:
            list_entry_repair_check(entry, on=day)
        before = snapshot(entry)
        if reason == Reason.OBLIGATION_FULFILLED:
            if entry.credit_list.end_rule not in (
                CreditList.EndRule.OBLIGATION,
                CreditList.EndRule.TERM_OR_OBLIGATION,
            ):
                raise ListingNotAllowed(
                    _("Entries of this list do not end when an obligation is fulfilled."),
                    field="reason",
                )
            entry.obligation_fulfilled_on = entry.obligation_fulfilled_on or day
        entry.status = Status.REMOVED
        entry.removed_on = day
        entry.removal_reason = reason
        _save(
            actor=actor,
            entry=entry,
            before=before,
            reason=note or str(Reason(reason).label),
        )
    log.info("list_entry.removed entry=%s reason=%s", entry.pk, reason)
    return entry


def list_entry_move_due(entry: ListEntry) -> dt.date | None:
    """The day a listed entry of a list that moves unperformed entries on (abnormal
    operations: 36 months) moves: ``listed_on`` + the months, a 29 February listing
    falling due on 28 February (rules.md §5.3). None where the list does not move."""
    months = entry.credit_list.moves_after_months
    if entry.credit_list.moves_to_id is None or not months or entry.listed_on is None:
        return None
    return entry.listed_on + relativedelta(months=months)


def list_entries_move_on(*, on: dt.date, actor: Actor) -> dict[str, int]:
    """Propose for the next list the subjects of entries listed long enough without the
    obligation performed (abnormal operations → SAMR serious-violation list on the day
    ``listed_on`` + 36 months ≤ ``on``, rules.md §5.3). The new entry is proposed by the
    department of the old one, names it in its reason and then follows its own list's
    notice and measures; the old entry stays listed until the obligation is performed.
    Once per entry (``moved_from`` is unique); an entry whose subject already has an open
    entry on the next list waits and is counted. Safe to run twice."""
    counts = {"entries_moved_on": 0, "entries_move_waiting": 0}
    moving = CreditList.objects.filter(moves_to__isnull=False, moves_after_months__gt=0)
    bounds = Q()
    for pk, months in moving.values_list("pk", "moves_after_months"):
        # Month-end clamping moves the exact day by at most 3 days; checked per entry.
        latest = on - relativedelta(months=months) + dt.timedelta(days=3)
        bounds |= Q(credit_list_id=pk, listed_on__lte=latest)
    if not bounds:
        return counts
    candidates = (
        ListEntry.objects.filter(
            bounds,
            status=Status.LISTED,
            obligation_fulfilled_on__isnull=True,
            moved_to_entries__isnull=True,
        )
        .select_related("credit_list__moves_to", "department")
        .order_by("pk")
    )
    for entry in candidates:
        due = list_entry_move_due(entry)
        if due is None or due > on:
            continue
        target = entry.credit_list.moves_to
        assert target is not None  # filtered above
        if (
            ListEntry.objects.filter(credit_list=target, subject=entry.subject_id)
            .exclude(status=Status.REMOVED)
            .exists()
        ):
            counts["entries_move_waiting"] += 1
            continue
        reason = _(
            "On “%(list)s” since %(listed_on)s (entry %(entry)d: %(reason)s) without the "
            "obligation performed for %(months)d months."
        ) % {
            "list": entry.credit_list.name_zh,
            "listed_on": entry.listed_on.isoformat() if entry.listed_on else "",
            "entry": entry.pk,
            "reason": entry.reason,
            "months": entry.credit_list.moves_after_months or 0,
        }
        with transaction.atomic():
            locked = _locked(entry)
            if (
                locked.status != Status.LISTED
                or locked.obligation_fulfilled_on is not None
                or locked.moved_to_entries.exists()
            ):
                continue  # changed meanwhile
            list_entry_propose(
                actor=actor,
                credit_list=target,
                subject=entry.subject,
                reason=reason,
                proposed_on=on,
                department=entry.department,
                disclosure=entry.disclosure,
                moved_from=locked,
            )
        counts["entries_moved_on"] += 1
    return counts


def list_entries_expire(*, on: dt.date, actor: Actor) -> dict[str, int]:
    """End entries whose term is over (term_end before ``on``) and those whose removal
    after fulfilment falls due by ``on``, then move entries listed long enough on to the
    next list (``list_entries_move_on``). Safe to run twice: removed entries are skipped,
    and an entry moves once."""
    counts = {"entries_term_over": 0, "entries_fulfilled": 0}
    due_term = ListEntry.objects.filter(
        status=Status.LISTED, term_end__isnull=False, term_end__lt=on
    ).values_list("pk", "department_id")
    for pk, department_id in list(due_term):
        entry = ListEntry(pk=pk, department_id=department_id)
        try:
            list_entry_remove(actor=actor, entry=entry, reason=Reason.TERM_OVER, removed_on=on)
        except ListingNotAllowed:
            continue  # changed meanwhile
        counts["entries_term_over"] += 1
    due_removal = ListEntry.objects.filter(
        status=Status.LISTED, removal_due__isnull=False, removal_due__lte=on
    ).values_list("pk", "department_id", "removal_due", "removal_due_provisional")
    for pk, department_id, removal_due, provisional in list(due_removal):
        if removal_due is not None and effective_deadline(removal_due, provisional) > on:
            continue  # provisional, on a statutory holiday: the next working day (rules.md §13)
        entry = ListEntry(pk=pk, department_id=department_id)
        try:
            list_entry_remove(
                actor=actor,
                entry=entry,
                reason=Reason.OBLIGATION_FULFILLED,
                removed_on=on,
            )
        except ListingNotAllowed:
            continue
        counts["entries_fulfilled"] += 1
    counts.update(list_entries_move_on(on=on, actor=actor))
    return counts
