"""Archiving negative information after its retention period (rules.md §6.6).

Negative information stays in the credit file for government use (officials, sharing) for
the retention period of the Zhejiang regulation — 60 months from the decision — after its
publicity has ended, and longer while the subject is on a serious black list. Then it is
*archived*: out of every view, kept (nothing is deleted). ``records_archive`` runs inside
the nightly expiry job, in batches, each with one audit row listing the records and their
previous states; a second run finds nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.audit import audit_append
from enterprises.models import AuditEvent, CreditRecord, RecordState
from lists.queries import serious_black_entries
from rules.kinds import NEGATIVE_KINDS
from rules.publicity import EditionBook

log = logging.getLogger("repair.services")

# Out of publicity already: expired, repaired, or never published (rules.md §6.5).
ARCHIVABLE_STATES = (RecordState.EXPIRED, RecordState.REPAIRED, RecordState.UNPUBLISHED)
_BATCH = 10_000


def retention_over(day: dt.date) -> Q:
    """Records whose retention period is over on ``day``: decided more than the retention
    months of the edition in force on their decision date before ``day`` (the first
    edition also covers what was decided before it). Q() matching nothing if no edition
    sets a retention."""
    editions = EditionBook.load().retention_editions()
    condition = Q(pk__in=[])
    for index, edition in enumerate(editions):
        assert edition.retention_months is not None
        cutoff = day - relativedelta(months=edition.retention_months)
        span = Q(decision_date__lt=cutoff)
        if index > 0:
            span &= Q(decision_date__gte=edition.effective_from)
        if index + 1 < len(editions):
            span &= Q(decision_date__lt=editions[index + 1].effective_from)
        condition |= span
    return condition


def archivable(day: dt.date) -> QuerySet[CreditRecord]:
    """Records to archive on ``day``: negative, out of publicity, retention over, and the
    subject not on a serious black list in force (which extends retention)."""
    listed = serious_black_entries(on=day).filter(subject_id=OuterRef("subject_id"))
    return (
        CreditRecord.objects.filter(state__in=ARCHIVABLE_STATES, kind__in=list(NEGATIVE_KINDS))
        .filter(retention_over(day))
        .exclude(Exists(listed))
    )


def records_archive(*, on: dt.date, actor: Actor, batch_size: int = _BATCH) -> int:
    """Archive every record whose retention is over on ``on``; returns how many."""
    ids = sorted(archivable(on).values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch_size):
        done += _archive_batch(ids[start : start + batch_size], on=on, actor=actor)
    if done:
        log.info("archive.done on=%s records=%s", on, done)
    return done


def _archive_batch(ids: list[int], *, on: dt.date, actor: Actor) -> int:
    with transaction.atomic():
        rows = list(
            CreditRecord.objects.select_for_update()
            .filter(pk__in=ids, state__in=ARCHIVABLE_STATES)
            .values_list("pk", "state", "decision_date")
        )
        if not rows:
            return 0
        now = timezone.now()
        CreditRecord.objects.filter(pk__in=[row[0] for row in rows]).update(
            state=RecordState.ARCHIVED, state_changed_at=now, updated_at=now
        )
        audit_append(
            actor=actor,
            action=AuditEvent.Action.STATE,
            object_type=CreditRecord._meta.label_lower,
            object_id=f"{rows[0][0]}-{rows[-1][0]}" if len(rows) > 1 else rows[0][0],
            before={"records": {str(pk): [state, day.isoformat()] for pk, state, day in rows}},
            after={"state": RecordState.ARCHIVED.value, "records": [row[0] for row in rows]},
            reason=_(
                "Retention period over on %(date)s (decision dates above): archived from "
                "every view."
            )
            % {"date": on.isoformat()},
        )
    return len(rows)
