"""Writes with rules of the repair app: the nightly expiry of publicity (DOMAIN §6).

``records_expire`` ends the publicity of credit records whose end date has passed and
removes list entries whose term is over (or whose removal after fulfilment is due),
through the audited services; nothing is deleted. It leaves a job-run row with counts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.actors import Actor
from enterprises.exceptions import StateTransitionNotAllowed
from enterprises.jobs import job_run
from enterprises.models import CreditRecord, RecordState
from enterprises.services import record_state_set

log = logging.getLogger(__name__)

JOB_NAME = "expire_records"
_CHUNK = 500


@dataclass
class ExpiryResult:
    on: dt.date
    records: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    job_id: int | None = None


def records_expire(
    *,
    on: dt.date | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExpiryResult:
    """End publicity of records whose ``publicity_end`` is before ``on`` (default today)
    and of list entries whose term ended.

    Runs on the partial index ``record_publicity_due_idx``. Safe twice (expired rows no
    longer match); a run after a week without runs catches up, since everything due
    before ``on`` matches. Each record changes through ``record_state_set`` (audited,
    subject marked for rescoring) in its own transaction, so a failure keeps the work
    done so far and the next run finishes the rest.
    """
    from lists.services import list_entries_expire

    day = on or timezone.localdate()
    actor = Actor.for_system(JOB_NAME)
    result = ExpiryResult(on=day)
    reason = _("Publicity period ended (%(date)s).")
    with job_run(JOB_NAME) as progress:
        due = CreditRecord.objects.filter(
            state__in=[RecordState.ACTIVE, RecordState.UNDER_OBJECTION],
            publicity_end__isnull=False,
            publicity_end__lt=day,
        )
        ids = list(due.order_by("publicity_end", "pk").values_list("pk", flat=True))
        progress.set_total(len(ids))
        done = 0
        for start in range(0, len(ids), _CHUNK):
            chunk = CreditRecord.objects.filter(pk__in=ids[start : start + _CHUNK]).select_related(
                "department"
            )
            for record in chunk:
                try:
                    record_state_set(
                        actor=actor,
                        record=record,
                        state=RecordState.EXPIRED,
                        reason=reason % {"date": str(record.publicity_end)},
                    )
                except StateTransitionNotAllowed:
                    continue  # changed by someone else meanwhile
                result.records += 1
            done = min(len(ids), start + _CHUNK)
            progress.advance(done, records_expired=result.records)
            if on_progress is not None:
                on_progress(done, len(ids))
        result.counts = {
            "records_expired": result.records,
            **list_entries_expire(on=day, actor=actor),
        }
        progress.advance(done, **result.counts)
        result.job_id = progress.run.pk
    log.info("expiry.done on=%s counts=%s", day, result.counts)
    return result
