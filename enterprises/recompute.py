"""Recomputing the publicity of every stored record under the editions as they are now
(docs/rules.md §6.8).

When the rule editions change (a ruling, a corrected edition, a new one entered late),
the end of publicity, the state (published or not) and the editions stored for existing
records must follow. ``publicity_recompute`` walks the negative records still governed by
their publicity (active, under objection, not published) in id order, in batches, and
computes each again with ``rules.publicity.EditionBook`` — the same choice as for a new
record. Per batch, in one transaction: the rows are locked, the changed ones updated, the
``RecordEdition`` rows written, a tombstone left for every record that leaves the public
file, ONE hash-chained audit row listing every changed record with what it was, and the
subjects marked for rescoring. A second run changes nothing (idempotent). ``dry_run``
computes and counts without writing.

Not changed here, on purpose: a record whose end was given by hand (no ``RecordEdition``
row) unless ``include_unrecorded``; a record whose new end is already past stays active
until the nightly expiry job ends its publicity (as for a correction, §7); expired,
repaired and revoked records, whose publicity is over, are history.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.audit import audit_append
from core.exceptions import DomainError
from core.jobs import job_run
from rules.kinds import NEGATIVE_KINDS
from rules.publicity import EditionBook, Publicity, jurisdiction_for_department

from .models import (
    LIVE_STATES,
    AuditEvent,
    CreditRecord,
    Department,
    Disclosure,
    RecordEdition,
    RecordRemoval,
    RecordState,
)
from .services import RESCORE_QUEUE_LIMIT, record_removals_add, subjects_rescore_request

log = logging.getLogger("enterprises.recompute")

JOB_NAME = "recompute_publicity"
GOVERNED_STATES = (*LIVE_STATES, RecordState.UNPUBLISHED)
_FIELDS = (
    "pk",
    "kind",
    "severity",
    "penalty_type",
    "decision_date",
    "simplified_procedure",
    "department_id",
    "subject_id",
    "state",
    "publicity_end",
    "disclosure",
    "rule_edition_applied__edition_id",
    "rule_edition_applied__local_edition_id",
    "rule_edition_applied__permanent_reason",
    "rule_edition_applied__unpublished_reason",
)


@dataclass
class RecomputeResult:
    dry_run: bool
    examined: int = 0
    changed: int = 0
    skipped_unrecorded: int = 0
    no_edition: int = 0
    now_past_end: int = 0
    # (kind, edition code, what changed) -> records
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    job_id: int | None = None

    def summary(self) -> dict[str, Any]:
        by_change: Counter[str] = Counter()
        for (_kind, _edition, change), n in self.counts.items():
            by_change[change] += n
        return {
            "examined": self.examined,
            "changed": self.changed,
            "skipped_unrecorded": self.skipped_unrecorded,
            "no_edition": self.no_edition,
            "now_past_end": self.now_past_end,
            **{f"change_{name}": n for name, n in sorted(by_change.items())},
        }


@dataclass
class _Change:
    pk: int
    subject_id: int
    old_state: str
    old_end: dt.date | None
    old_edition_id: int | None
    new_state: str
    publicity: Publicity
    left_public: bool


def _change_kind(old_state: str, old_end: Any, new_state: str, new_end: Any) -> str:
    if new_state == RecordState.UNPUBLISHED and old_state != RecordState.UNPUBLISHED:
        return "unpublished"
    if old_state == RecordState.UNPUBLISHED and new_state != RecordState.UNPUBLISHED:
        return "published_again"
    if old_end is None and new_end is not None:
        return "no_longer_permanent"
    if old_end is not None and new_end is None:
        return "now_permanent"
    if old_end != new_end:
        return "end_earlier" if new_end < old_end else "end_later"
    return "edition_only"


def publicity_recompute(
    *,
    dry_run: bool = False,
    include_unrecorded: bool = False,
    batch_size: int = 10_000,
    on: dt.date | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RecomputeResult:
    """Recompute every governed negative record (see the module docstring)."""
    day = on or timezone.localdate()
    book = EditionBook.load()
    jurisdictions = {d.pk: jurisdiction_for_department(d) for d in Department.objects.all()}
    counting_rule = any(e.serious_permanent_count for e in book.editions)
    result = RecomputeResult(dry_run=dry_run)
    actor = Actor.for_system(JOB_NAME)
    governed = CreditRecord.objects.filter(kind__in=list(NEGATIVE_KINDS), state__in=GOVERNED_STATES)
    with job_run(JOB_NAME if not dry_run else f"{JOB_NAME}:dry-run") as progress:
        total = governed.count()
        progress.set_total(total)
        last = 0
        while True:
            with transaction.atomic():
                batch = governed.filter(pk__gt=last).order_by("pk")
                if not dry_run:
                    batch = batch.select_for_update(of=("self",))
                rows = list(batch.values_list(*_FIELDS)[:batch_size])
                if not rows:
                    break
                last = rows[-1][0]
                changes = _compute(
                    rows,
                    book,
                    jurisdictions,
                    result,
                    day=day,
                    counting_rule=counting_rule,
                    include_unrecorded=include_unrecorded,
                )
                if changes and not dry_run:
                    _write(changes, book, actor)
            result.examined += len(rows)
            progress.advance(result.examined, changed=result.changed)
            if on_progress is not None:
                on_progress(result.examined, total)
        progress.advance(result.examined, **result.summary())
        result.job_id = progress.run.pk
    log.info("recompute_publicity dry_run=%s %s", dry_run, result.summary())
    return result


def _compute(
    rows: list[tuple[Any, ...]],
    book: EditionBook,
    jurisdictions: dict[int, str],
    result: RecomputeResult,
    *,
    day: dt.date,
    counting_rule: bool,
    include_unrecorded: bool,
) -> list[_Change]:
    changes = []
    for (
        pk,
        kind,
        severity,
        penalty_type,
        decision_date,
        simplified,
        department_id,
        subject_id,
        state,
        end,
        disclosure,
        edition_id,
        local_id,
        permanent_reason,
        unpublished_reason,
    ) in rows:
        if edition_id is None and not include_unrecorded:
            result.skipped_unrecorded += 1
            continue
        try:
            if counting_rule and kind == "penalty" and severity == "serious":
                from .publicity import publicity_for_record

                publicity = publicity_for_record(CreditRecord.objects.get(pk=pk))
            else:
                publicity = book.publicity(
                    kind=kind,
                    severity=severity,
                    decision_date=decision_date,
                    jurisdiction=jurisdictions[department_id],
                    penalty_type=penalty_type,
                    simplified_procedure=simplified,
                )
        except DomainError:
            result.no_edition += 1
            continue
        new_state = state
        if not publicity.published and state in LIVE_STATES:
            new_state = RecordState.UNPUBLISHED
        elif publicity.published and state == RecordState.UNPUBLISHED:
            new_state = RecordState.ACTIVE
        local_pk = publicity.local_edition.pk if publicity.local_edition else None
        same = (
            new_state == state
            and publicity.end == end
            and publicity.edition.pk == edition_id
            and local_pk == local_id
            and str(publicity.permanent_reason) == (permanent_reason or "")
            and str(publicity.unpublished_reason) == (unpublished_reason or "")
        )
        if same:
            continue
        result.changed += 1
        change = _change_kind(state, end, new_state, publicity.end)
        result.counts[(kind, publicity.edition.code, change)] += 1
        if (
            new_state in LIVE_STATES
            and publicity.end is not None
            and publicity.end < day
            and (end is None or end >= day)
        ):
            result.now_past_end += 1
        changes.append(
            _Change(
                pk=pk,
                subject_id=subject_id,
                old_state=state,
                old_end=end,
                old_edition_id=edition_id,
                new_state=new_state,
                publicity=publicity,
                left_public=state in LIVE_STATES
                and new_state not in LIVE_STATES
                and disclosure == Disclosure.PUBLIC,
            )
        )
    return changes


def _update_postgresql(changes: list[_Change], now: dt.datetime) -> None:
    """One UPDATE joined to the batch's new values (``bulk_update``'s CASE per row grows
    with the square of the batch on PostgreSQL: ~700 rows a second here)."""
    table = CreditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET publicity_end = v.publicity_end, state = v.state,"  # noqa: S608
            " state_changed_at = CASE WHEN r.state <> v.state THEN %s ELSE r.state_changed_at END,"
            " updated_at = %s"
            " FROM unnest(%s::bigint[], %s::date[], %s::varchar[])"
            " AS v(id, publicity_end, state) WHERE r.id = v.id",
            [
                now,
                now,
                [c.pk for c in changes],
                [c.publicity.end for c in changes],
                [c.new_state for c in changes],
            ],
        )


def _write(changes: list[_Change], book: EditionBook, actor: Actor) -> None:
    now = timezone.now()
    records = []
    for change in changes:
        record = CreditRecord(pk=change.pk)
        record.publicity_end = change.publicity.end
        record.state = change.new_state
        record.state_changed_at = now if change.new_state != change.old_state else None
        record.updated_at = now
        records.append(record)
    if connection.vendor == "postgresql":
        _update_postgresql(changes, now)
    else:
        moved = [r for r, c in zip(records, changes, strict=True) if c.new_state != c.old_state]
        same = [r for r, c in zip(records, changes, strict=True) if c.new_state == c.old_state]
        if moved:
            CreditRecord.objects.bulk_update(
                moved, ["publicity_end", "state", "state_changed_at", "updated_at"], batch_size=500
            )
        if same:
            CreditRecord.objects.bulk_update(same, ["publicity_end", "updated_at"], batch_size=500)
    RecordEdition.objects.bulk_create(
        [
            RecordEdition(
                record_id=c.pk,
                edition=c.publicity.edition,
                local_edition=c.publicity.local_edition,
                permanent_reason=str(c.publicity.permanent_reason),
                unpublished_reason=str(c.publicity.unpublished_reason),
                computed_at=now,
            )
            for c in changes
        ],
        update_conflicts=True,
        unique_fields=["record"],
        update_fields=[
            "edition",
            "local_edition",
            "permanent_reason",
            "unpublished_reason",
            "computed_at",
        ],
        batch_size=1000,
    )
    left = [c.pk for c in changes if c.left_public]
    if left:
        record_removals_add(record_ids=left, reason=RecordRemoval.Reason.WITHDRAWN, at=now)
    codes = {e.pk: e.code for e in book.editions}
    audit_append(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type=CreditRecord._meta.label_lower,
        object_id=f"{changes[0].pk}-{changes[-1].pk}" if len(changes) > 1 else changes[0].pk,
        before={
            "records": {
                str(c.pk): [
                    c.old_state,
                    c.old_end.isoformat() if c.old_end else None,
                    codes.get(c.old_edition_id or 0),
                ]
                for c in changes
            }
        },
        after={
            "records": {
                str(c.pk): [
                    c.new_state,
                    c.publicity.end.isoformat() if c.publicity.end else None,
                    c.publicity.edition.code,
                ]
                for c in changes
            }
        },
        reason=_("Publicity recomputed under the rule editions in force (docs/rules.md §6.8)."),
    )
    subjects = sorted({c.subject_id for c in changes})
    if len(subjects) <= RESCORE_QUEUE_LIMIT:
        subjects_rescore_request(subjects)
