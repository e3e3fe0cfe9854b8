"""Writes with rules of the credit-commitment lifecycle (rules.md §10): who may commit,
fulfilment, and the nightly processing of commitments not kept."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actors import Actor
from core.audit import audit_change, snapshot
from core.exceptions import DomainError
from core.jobs import job_run
from enterprises.models import (
    CommitmentState,
    CreditCommitment,
    CreditRecord,
    Severity,
    Subject,
)
from enterprises.services import record_create
from lists.models import CreditList
from lists.queries import active_entries
from rules.kinds import NEGATIVE_KINDS, RecordKind

from .common import DrawError, _check_department, _user_of

log = logging.getLogger("supervision.services")


# --- Credit commitments (rules.md §10) ---------------------------------------------------------

COMMITMENTS_JOB = "process_commitments"

# What a commitment records; the state and fulfilment fields are the lifecycle's.
COMMITMENT_FIELDS = (
    "commitment_type",
    "reason",
    "committed_on",
    "accepting_unit",
    "content",
    "promised_by",
    "disclosure",
)


class CommitmentNotAllowed(DomainError):
    """The subject may not make a credit commitment (rules.md §10); the message says why."""

    default_message = gettext_lazy("This subject may not make a credit commitment.")


def commitment_refusal(subject: Subject, *, on: dt.date) -> str | None:
    """Why ``subject`` may not make a credit commitment on ``on``, or None if it may
    (rules.md §10): it is on a black list in force (§5.4), or it has serious negative
    information in publicity (a serious record counting on that day, §3.8)."""
    entry = (
        active_entries(on=on)
        .filter(subject=subject, credit_list__color=CreditList.Color.BLACK)
        .select_related("credit_list")
        .order_by("listed_on", "pk")
        .first()
    )
    if entry is not None:
        return _(
            "The subject is on a black list in force (%(list)s, listed on %(date)s) and may "
            "not make a credit commitment."
        ) % {"list": entry.credit_list.name_zh, "date": str(entry.listed_on)}
    record = (
        CreditRecord.objects.counting(on=on)
        .filter(subject=subject, kind__in=NEGATIVE_KINDS, severity=Severity.SERIOUS)
        .order_by("decision_date", "pk")
        .first()
    )
    if record is not None:
        return _(
            "The subject has serious negative information in publicity (%(title)s, decided "
            "on %(date)s) and may not make a credit commitment."
        ) % {"title": record.title, "date": str(record.decision_date)}
    return None


def commitment_check(subject: Subject, *, on: dt.date) -> None:
    """Raise ``CommitmentNotAllowed`` naming the reason if ``subject`` may not commit."""
    refusal = commitment_refusal(subject, on=on)
    if refusal is not None:
        raise CommitmentNotAllowed(refusal, field="subject")


def commitment_create(
    *, actor: Actor, subject: Subject, data: Mapping[str, Any], reason: str = ""
) -> CreditCommitment:
    """Enter a credit commitment (rules.md §10): only a subject not on a black list in force
    and without serious negative information in publicity on the commitment date may make
    one. Audited; the admin writes through here."""
    commitment = CreditCommitment(subject=subject)
    for name in COMMITMENT_FIELDS:
        if name in data:
            setattr(commitment, name, data[name])
    commitment.full_clean(exclude=["state", "fulfilled_on", "recorded_by", "negative_record"])
    with transaction.atomic():
        commitment_check(subject, on=commitment.committed_on)
        commitment.save()
        audit_change(actor=actor, instance=commitment, before=None, reason=reason)
    return commitment


def commitment_fulfil(
    *, actor: Actor, commitment: CreditCommitment, fulfilled_on: dt.date
) -> CreditCommitment:
    """The accepting unit records that a pending commitment was kept."""
    _check_department(actor, commitment.accepting_unit_id)
    with transaction.atomic():
        commitment = CreditCommitment.objects.select_for_update().get(pk=commitment.pk)
        if commitment.state != CommitmentState.PENDING:
            raise DrawError(_("Only a pending commitment can be marked fulfilled."), field="state")
        if fulfilled_on < commitment.committed_on:
            raise ValidationError(
                {"fulfilled_on": _("Fulfilment cannot be before the commitment.")}
            )
        before = snapshot(commitment)
        commitment.state = CommitmentState.FULFILLED
        commitment.fulfilled_on = fulfilled_on
        commitment.recorded_by = _user_of(actor)
        commitment.save(update_fields=["state", "fulfilled_on", "recorded_by"])
        audit_change(actor=actor, instance=commitment, before=before)
    return commitment


@dataclass
class CommitmentsResult:
    on: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    job_id: int | None = None


def _commitment_unfulfilled(*, actor: Actor, commitment_id: int, on: dt.date) -> bool:
    with transaction.atomic():
        commitment = (
            CreditCommitment.objects.select_for_update()
            .select_related("subject", "accepting_unit")
            .get(pk=commitment_id)
        )
        due = commitment.promised_by
        if commitment.state != CommitmentState.PENDING or due is None or due >= on:
            return False  # fulfilled or processed meanwhile
        before = snapshot(commitment)
        record = record_create(
            actor=actor,
            subject=commitment.subject,
            department=commitment.accepting_unit,
            data={
                "kind": RecordKind.COMMITMENT_UNFULFILLED,
                "decision_date": due + dt.timedelta(days=1),
                "title": _("Credit commitment not fulfilled by %(date)s") % {"date": due},
                "content": commitment.reason,
                "severity": Severity.GENERAL,
                "disclosure": commitment.disclosure,
            },
            reason=_("Commitment %(id)s passed its deadline unfulfilled.") % {"id": commitment.pk},
        )
        commitment.state = CommitmentState.UNFULFILLED
        commitment.negative_record = record
        commitment.save(update_fields=["state", "negative_record"])
        audit_change(actor=actor, instance=commitment, before=before)
    return True


def commitments_unfulfilled_process(*, on: dt.date | None = None) -> CommitmentsResult:
    """A pending commitment whose promised deadline is before ``on`` (default today)
    becomes negative information of kind "unfulfilled credit commitment" (indicator
    4.1.3, "commitment information on administrative matters", weight 20), entered for
    the accepting unit; the subject is rescored. Safe to run twice: processed ones are no
    longer pending. Each commitment is its own transaction, so a failure keeps the rest.
    """
    day = on or timezone.localdate()
    actor = Actor.for_system(COMMITMENTS_JOB)
    result = CommitmentsResult(on=day)
    with job_run(COMMITMENTS_JOB) as progress:
        ids = list(
            CreditCommitment.objects.filter(
                state=CommitmentState.PENDING, promised_by__isnull=False, promised_by__lt=day
            )
            .order_by("promised_by", "pk")
            .values_list("pk", flat=True)
        )
        progress.set_total(len(ids))
        made = 0
        for done, pk in enumerate(ids, start=1):
            if _commitment_unfulfilled(actor=actor, commitment_id=pk, on=day):
                made += 1
            progress.advance(done, commitments_unfulfilled=made)
        result.counts = {"commitments_unfulfilled": made}
        progress.advance(len(ids), **result.counts)
        result.job_id = progress.run.pk
    log.info("commitments.processed on=%s counts=%s", day, result.counts)
    return result
