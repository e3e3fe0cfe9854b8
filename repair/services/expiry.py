"""The nightly expiry of publicity (rules.md §6.4).

``records_expire`` ends the publicity of credit records whose end date has passed and
removes list entries whose term is over (or whose removal after fulfilment is due),
through the audited services; nothing is deleted. It then proposes abnormal-operations
entries listed 3 years without the obligation performed for the SAMR serious-violation
list (rules.md §5.3), and archives negative information whose retention is over
(rules.md §6.6, ``archive.records_archive``). It leaves a job-run row with counts.

A record whose applied edition keeps information public while its subject is on a serious
black list (Zhejiang, rules.md §6.4) is held, not expired, while such an entry is in force
on the run day; each run re-examines the held records and expires them on the first run
after the listing ends.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.audit import audit_append
from core.jobs import job_run
from enterprises.models import AuditEvent, CreditRecord, Disclosure, RecordRemoval, RecordState
from enterprises.services import (
    RESCORE_QUEUE_LIMIT,
    record_removals_add,
    subjects_rescore_request,
)
from lists.queries import serious_black_entries

if TYPE_CHECKING:
    from lists.models import ListEntry

log = logging.getLogger("repair.services")  # one logger for the package

JOB_NAME = "expire_records"
_BATCH = 10_000
_DUE_STATES = (RecordState.ACTIVE, RecordState.UNDER_OBJECTION)


@dataclass
class ExpiryResult:
    on: dt.date
    records: int = 0
    held: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    job_id: int | None = None


def _held(day: dt.date) -> Q:
    """A due record is held on ``day`` when its applied edition keeps information public
    while listed and its subject has a serious black-list entry in force (rules.md §6.4)."""
    listed = serious_black_entries(on=day).filter(subject_id=OuterRef("subject_id"))
    return Q(Exists(listed), rule_edition_applied__local_edition__keeps_public_while_listed=True)


def records_kept_public(records: list[CreditRecord], *, on: dt.date) -> dict[int, ListEntry]:
    """For each of these live records whose publicity ended before ``on`` but that is held
    (rules.md §6.4), the serious black-list entry holding it (the earliest listed), to show
    on the credit file. Two queries, whatever the number of records."""
    past = [r for r in records if r.publicity_end is not None and r.publicity_end < on]
    if not past:
        return {}
    keeping = set(
        CreditRecord.objects.filter(
            pk__in=[r.pk for r in past],
            rule_edition_applied__local_edition__keeps_public_while_listed=True,
        ).values_list("pk", flat=True)
    )
    if not keeping:
        return {}
    entries: dict[int, ListEntry] = {}
    for entry in (
        serious_black_entries(on=on)
        .filter(subject_id__in={r.subject_id for r in past if r.pk in keeping})
        .select_related("credit_list")
        .order_by("listed_on", "pk")
    ):
        entries.setdefault(entry.subject_id, entry)
    return {
        r.pk: entries[r.subject_id] for r in past if r.pk in keeping and r.subject_id in entries
    }


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
    moves them to "expired" in one UPDATE (``updated_at`` too: the change feeds read it),
    appends ONE audit row for the batch (every record id with its previous state and
    publicity end: who, when, what and why), leaves a tombstone for each record that was
    public (rules.md §3.7) and marks the subjects for rescoring. A due record held while
    its subject is on a serious black list (``_held``, rules.md §6.4) is left active and
    counted (``held_while_listed``); the same statement that finds the due ids says which
    are held (one EXISTS), so every run re-examines them. Safe twice (expired rows
    no longer match); a run after a week without runs catches up; a failure keeps the
    batches committed so far and the next run finishes the rest.
    """
    from lists.services import list_entries_expire

    from .archive import records_archive

    day = on or timezone.localdate()
    actor = Actor.for_system(JOB_NAME)
    result = ExpiryResult(on=day)
    with job_run(JOB_NAME) as progress:
        due = CreditRecord.objects.filter(
            state__in=_DUE_STATES, publicity_end__isnull=False, publicity_end__lt=day
        )
        flagged = due.annotate(
            held=ExpressionWrapper(_held(day), output_field=BooleanField())
        ).values_list("pk", "held")
        ids: list[int] = []
        for pk, held in flagged:
            if held:
                result.held += 1
            else:
                ids.append(pk)
        ids.sort()
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
            "held_while_listed": result.held,
            **list_entries_expire(on=day, actor=actor),
            "records_archived": records_archive(on=day, actor=actor),
        }
        progress.advance(done, **result.counts)
        result.job_id = progress.run.pk
    log.info("expiry.done on=%s counts=%s", day, result.counts)
    return result


def _expire_batch(ids: list[int], *, day: dt.date, actor: Actor) -> int:
    """Expire these records if still due (one UPDATE per previous state, whose RETURNING
    says what changed); returns how many changed. A bulk UPDATE skips ``auto_now``: it
    sets ``updated_at`` itself."""
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
        left_public: list[int] = []
        with connection.cursor() as cursor:
            for state in _DUE_STATES:
                cursor.execute(
                    f"UPDATE {table} SET state = %s, state_changed_at = %s, updated_at = %s"  # noqa: S608
                    f" WHERE {among} AND state = %s AND publicity_end IS NOT NULL"
                    " AND publicity_end < %s"
                    " RETURNING id, publicity_end, subject_id, disclosure",
                    [
                        RecordState.EXPIRED.value,
                        ops.adapt_datetimefield_value(now),
                        ops.adapt_datetimefield_value(now),
                        *id_params,
                        state.value,
                        ops.adapt_datefield_value(day),
                    ],
                )
                for pk, end, subject_id, disclosure in cursor.fetchall():
                    end = end if isinstance(end, dt.date) else dt.date.fromisoformat(end)
                    rows.append((pk, state.value, end, subject_id))
                    if disclosure == Disclosure.PUBLIC:  # it was in the public file (§3.7)
                        left_public.append(pk)
        if not rows:
            return 0
        record_removals_add(record_ids=left_public, reason=RecordRemoval.Reason.EXPIRED, at=now)
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
