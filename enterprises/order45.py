"""Publication and withdrawal clocks of penalty information (rules.md §6.7).

Where the department's own rule edition sets them (SAMR: publish a penalty within 20
working days of the decision, withdraw it within 3 working days once the decision is
revoked), a fully public administrative penalty has two clocks, counted as in rules.md
§13 (the decision day or the revocation day not counted; provisional where a year's
calendar is not entered):

- **publication**: due by ``decision_date`` + N working days; it was published on the day
  it was entered (``created_at``), late when that day is after the deadline;
- **withdrawal**: once ``decision_revoked_on`` is entered, due by that day + M working
  days; withdrawn when the record left public view (its state changed from active or under
  objection), overdue while it is still public after the deadline, late when it left after.

A provisional deadline that falls on a statutory holiday counts as the next working day
(rules.md §13): nobody is called late on a day that may yet be a working day.

``record_order45_clock`` answers for one record; ``order45_overdue`` finds the late and
overdue records of a queryset (the admin filter and any other surface). The record
services withdraw a record once ``decision_revoked_on`` is entered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rules.kinds import RecordKind
from rules.workdays import Deadline, add_working_days, effective_deadline

from .models import LIVE_STATES, CreditRecord, Department, Disclosure, RecordState

LATE = "late"
WITHDRAWAL_OVERDUE = "withdrawal_overdue"


def _calendar_span(days: int) -> int:
    """A clock of ``days`` working days never spans more calendar days than this (weekends
    and the longest holiday weeks included): a record entered later is late whatever the
    calendar says; one entered within ``days`` calendar days never is. Only the records
    in between are counted day by day."""
    return 2 * days + 15


@dataclass(frozen=True)
class Order45Clock:
    edition: str  # code of the edition that sets the clocks
    publish_by: Deadline
    published_on: dt.date
    published_late: bool
    withdraw_by: Deadline | None = None
    withdrawn_on: dt.date | None = None
    withdrawal_overdue: bool = False  # still public after the withdrawal deadline
    withdrawn_late: bool = False  # left public view after the withdrawal deadline

    @property
    def overdue(self) -> bool:
        return self.published_late or self.withdrawal_overdue or self.withdrawn_late

    def describe(self) -> str:
        """One line for officials: the deadlines (marked provisional) and what is late."""
        mark = str(_(" (provisional)"))
        text = _("publish by %(date)s%(mark)s, published %(on)s") % {
            "date": self.publish_by.date.isoformat(),
            "mark": mark if self.publish_by.provisional else "",
            "on": self.published_on.isoformat(),
        }
        if self.published_late:
            text += str(_(" (late)"))
        if self.withdraw_by is not None:
            text += "; " + _("decision revoked: withdraw by %(date)s%(mark)s") % {
                "date": self.withdraw_by.date.isoformat(),
                "mark": mark if self.withdraw_by.provisional else "",
            }
            if self.withdrawn_on is not None:
                text += _(", withdrawn %(on)s") % {"on": self.withdrawn_on.isoformat()}
            if self.withdrawal_overdue:
                text += str(_(" (overdue)"))
            elif self.withdrawn_late:
                text += str(_(" (late)"))
        return text


def _clocked_editions() -> list[Any]:
    from rules.models import RuleEdition

    return list(
        RuleEdition.objects.filter(publication_deadline_days__isnull=False).order_by(
            "-effective_from"
        )
    )


def _own_edition(record: CreditRecord, editions: list[Any]) -> Any:
    """The department's own edition of the record (rules.md §6.1): the one stored with it,
    else the one of the department's jurisdiction in force on the decision date."""
    from rules.publicity import jurisdiction_for_department

    stored = getattr(record, "rule_edition_applied", None) if record.pk else None
    if stored is not None and stored.local_edition_id is not None:
        return stored.local_edition
    jurisdiction = jurisdiction_for_department(record.department)
    for edition in editions:
        if edition.jurisdiction == jurisdiction and edition.in_force_on(record.decision_date):
            return edition
    return None


def _due(start: dt.date, days: int, cache: dict[tuple[dt.date, int], Deadline]) -> Deadline:
    key = (start, days)
    if key not in cache:
        cache[key] = add_working_days(start, days)
    return cache[key]


def _after(day: dt.date, deadline: Deadline) -> bool:
    return day > effective_deadline(deadline.date, deadline.provisional)


def _left_public_on(record: CreditRecord) -> dt.date | None:
    if record.state in LIVE_STATES:
        return None
    changed = record.state_changed_at or record.updated_at
    return timezone.localdate(changed) if changed is not None else None


def record_order45_clock(
    record: CreditRecord,
    *,
    on: dt.date | None = None,
    editions: list[Any] | None = None,
    cache: dict[tuple[dt.date, int], Deadline] | None = None,
) -> Order45Clock | None:
    """The clocks of ``record`` on ``on`` (today), None where none applies: not a fully
    public administrative penalty, kept unpublished, or its department's own edition sets
    no publication deadline."""
    day = on or timezone.localdate()
    cache = {} if cache is None else cache
    if (
        record.kind != RecordKind.PENALTY
        or record.disclosure != Disclosure.PUBLIC
        or record.state == RecordState.UNPUBLISHED
    ):
        return None
    edition = _own_edition(record, _clocked_editions() if editions is None else editions)
    if edition is None or edition.publication_deadline_days is None:
        return None
    publish_by = _due(record.decision_date, edition.publication_deadline_days, cache)
    published_on = timezone.localdate(record.created_at)
    withdraw_by = withdrawn_on = None
    overdue = late = False
    if record.decision_revoked_on is not None and edition.withdrawal_deadline_days is not None:
        withdraw_by = _due(record.decision_revoked_on, edition.withdrawal_deadline_days, cache)
        withdrawn_on = _left_public_on(record)
        if withdrawn_on is None:
            overdue = _after(day, withdraw_by)
        else:
            late = _after(withdrawn_on, withdraw_by)
    return Order45Clock(
        edition=edition.code,
        publish_by=publish_by,
        published_on=published_on,
        published_late=_after(published_on, publish_by),
        withdraw_by=withdraw_by,
        withdrawn_on=withdrawn_on,
        withdrawal_overdue=overdue,
        withdrawn_late=late,
    )


def _candidates(editions: list[Any]) -> Q:
    """Records a clocked edition applies to: stored with it as their own edition, or,
    without one stored, of a department of its jurisdiction decided while it was in force."""
    from rules.publicity import jurisdiction_for_department

    by_jurisdiction: dict[str, list[int]] = {}
    for department in Department.objects.all():
        by_jurisdiction.setdefault(jurisdiction_for_department(department), []).append(
            department.pk
        )
    condition = Q(pk__in=[])
    for edition in editions:
        window = Q(decision_date__gte=edition.effective_from)
        if edition.effective_until is not None:
            window &= Q(decision_date__lte=edition.effective_until)
        condition |= Q(rule_edition_applied__local_edition=edition) | (
            Q(rule_edition_applied__local_edition__isnull=True)
            & Q(department_id__in=by_jurisdiction.get(edition.jurisdiction, []))
            & window
        )
    return condition


def _plus_days(field: str, days: int) -> Any:
    """``field`` (a date) + ``days``, as a timestamp comparable with ``created_at``."""
    return ExpressionWrapper(F(field) + dt.timedelta(days=days), output_field=DateTimeField())


def order45_overdue(
    queryset: QuerySet[CreditRecord] | None = None,
    *,
    which: str | None = None,
    on: dt.date | None = None,
) -> QuerySet[CreditRecord]:
    """The records of ``queryset`` (every record if None: pass a department-scoped one to
    keep an official to their department) published late (``which=LATE``), whose revoked
    decision is not withdrawn in time or was withdrawn late (``WITHDRAWAL_OVERDUE``), or
    either (None), on ``on`` (today)."""
    day = on or timezone.localdate()
    base = CreditRecord.objects.all() if queryset is None else queryset
    editions = _clocked_editions()
    if not editions:
        return base.none()
    scope = (
        base.filter(_candidates(editions), kind=RecordKind.PENALTY, disclosure=Disclosure.PUBLIC)
        .exclude(state=RecordState.UNPUBLISHED)
        .select_related("department", "rule_edition_applied__local_edition")
        .order_by()
    )
    shortest = min(e.publication_deadline_days for e in editions)
    clearly = _plus_days(
        "decision_date", _calendar_span(max(e.publication_deadline_days for e in editions))
    )
    cache: dict[tuple[dt.date, int], Deadline] = {}
    found = Q(pk__in=[])
    if which in (None, LATE):
        counted = scope.filter(created_at__gt=_plus_days("decision_date", shortest)).exclude(
            created_at__gt=clearly
        )
        late = [
            record.pk
            for record in counted
            if (clock := record_order45_clock(record, on=day, editions=editions, cache=cache))
            and clock.published_late
        ]
        found |= Q(pk__in=late) | Q(pk__in=scope.filter(created_at__gt=clearly).values("pk"))
    if which in (None, WITHDRAWAL_OVERDUE):
        withdrawal = [
            record.pk
            for record in scope.filter(decision_revoked_on__isnull=False)
            if (clock := record_order45_clock(record, on=day, editions=editions, cache=cache))
            and (clock.withdrawal_overdue or clock.withdrawn_late)
        ]
        found |= Q(pk__in=withdrawal)
    return base.filter(found)
