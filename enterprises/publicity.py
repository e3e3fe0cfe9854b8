"""The publicity rules of ``rules.publicity`` applied to credit records: the serious
penalties a subject already has, the end date of a record's publicity and the edition
stored for it, and the steps ``enterprises.services`` takes when it writes a record
(docs/rules.md §6)."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from rules.kinds import NEGATIVE_KINDS, RecordKind
from rules.models import RuleEdition
from rules.publicity import Publicity, jurisdiction_for_department, publicity_end_for

from .models import LIVE_STATES, CreditRecord, Disclosure, RecordEdition, RecordState, Subject


def serious_penalties_in_window(
    *, subject_id: int, decision_date: dt.date, months: int, exclude_record_id: int | None = None
) -> int:
    """Serious penalties of the subject decided in the ``months`` before ``decision_date``
    (inclusive), not counting revoked ones."""
    records = CreditRecord.objects.filter(
        subject_id=subject_id,
        kind=RecordKind.PENALTY,
        severity="serious",
        decision_date__gt=decision_date - relativedelta(months=months),
        decision_date__lte=decision_date,
    ).exclude(state=RecordState.REVOKED)
    if exclude_record_id is not None:
        records = records.exclude(pk=exclude_record_id)
    return records.count()


def publicity_for_record(record: object) -> Publicity:
    """``publicity_end_for`` for an unsaved or saved CreditRecord."""
    assert isinstance(record, CreditRecord)
    subject = record.subject
    return publicity_end_for(
        kind=record.kind,
        severity=record.severity,
        decision_date=record.decision_date,
        jurisdiction=jurisdiction_for_department(record.department),
        penalty_type=record.penalty_type,
        simplified_procedure=record.simplified_procedure,
        subject_id=subject.pk,
        legal_person=subject.subject_type != Subject.SubjectType.NATURAL_PERSON,
        exclude_record_id=record.pk,
    )


def edition_applied(record_id: int) -> RuleEdition | None:
    """The edition stored for a record when its end date was computed (None: given by hand)."""
    row = RecordEdition.objects.select_related("edition").filter(record_id=record_id).first()
    return row.edition if row is not None else None


def publicity_fill(record: CreditRecord) -> Any:
    """Negative information given without an end of publicity gets the end date of the
    rule edition in force on its decision date (rules.publicity, rules.md §6/§12)."""
    if record.publicity_end is not None or not record.kind or not record.severity:
        return None
    if isinstance(record.decision_date, str):
        try:
            record.decision_date = dt.date.fromisoformat(record.decision_date)
        except ValueError:
            return None  # full_clean reports the date
    if not isinstance(record.decision_date, dt.date):
        return None
    if record.kind not in NEGATIVE_KINDS:
        return None
    try:
        publicity = publicity_for_record(record)
    except DomainError as error:
        raise ValidationError({error.field: error.message}) from None
    record.publicity_end = publicity.end
    publication_apply(record, publicity)
    return publicity


def publication_apply(record: CreditRecord, publicity: Any) -> None:
    """Information the rules keep unpublished (rules.md §6.5) is stored as "not published";
    a correction that makes it publishable again makes it active."""
    if not publicity.published and record.state in LIVE_STATES:
        record.state = RecordState.UNPUBLISHED
    elif publicity.published and record.state == RecordState.UNPUBLISHED:
        record.state = RecordState.ACTIVE


def publicity_edition_store(record: CreditRecord, publicity: Any) -> None:
    RecordEdition.objects.update_or_create(
        record_id=record.pk,
        defaults={
            "edition": publicity.edition,
            "local_edition": publicity.local_edition,
            "permanent_reason": publicity.permanent_reason,
            "unpublished_reason": publicity.unpublished_reason,
            "computed_at": timezone.now(),
        },
    )


# What a record's computed end of publicity is computed from (rules.md §6.1, §7).
PUBLICITY_INPUTS = ("kind", "severity", "penalty_type", "decision_date", "simplified_procedure")


def publicity_recompute_due(
    record: CreditRecord,
    *,
    inputs_before: dict[str, Any],
    stored: RecordEdition | None,
    given_by_hand: bool,
    force: bool = False,
) -> bool:
    """Whether a correction computes the end of publicity again (rules.md §6.1, §7): never
    when the caller gives another end by hand; when asked to; else when the end was
    computed (an edition is stored) and one of ``PUBLICITY_INPUTS`` changed."""
    if given_by_hand:
        return False
    changed = any(getattr(record, name) != inputs_before[name] for name in PUBLICITY_INPUTS)
    return force or (stored is not None and changed)


def publicity_recompute_one(record: CreditRecord) -> Any:
    """The end of publicity of a corrected record, computed again from its corrected
    values (rules.md §7): kind, severity, penalty type and decision date. The edition is
    the one in force on the record's decision date, as for a new record (§6.1): the
    original decision date, or the corrected one when the correction changes the date
    itself, since the corrected date is the date the law counts from and the original
    one was an error. Returns the ``Publicity`` (None: no longer negative information,
    the end is left for validation to judge)."""
    end_before = record.publicity_end
    record.publicity_end = None
    publicity = publicity_fill(record)
    if publicity is None:
        record.publicity_end = end_before
    return publicity


# --- What a record will get, shown before it is saved ---------------------------------------


@dataclasses.dataclass(frozen=True)
class PublicityPreview:
    """What ``record_create`` / ``record_update`` would give a record (rules.md §6, §8.1),
    computed without saving: its end of publicity (None: without end), its state and why
    it is not published, the rule editions and the earliest day repair may be applied
    for. ``source``: ``computed`` by the editions, ``stored`` (kept from before),
    ``given`` by the department, or ``none`` (not negative information)."""

    end: dt.date | None
    state: str
    source: str
    edition: RuleEdition | None = None
    local_edition: RuleEdition | None = None
    repair_from: dt.date | None = None
    reasons: tuple[str, ...] = ()
    permanent_reason: str = ""

    @property
    def published(self) -> bool:
        return self.state in LIVE_STATES and not self.reasons


def _preview_state(record: CreditRecord, publicity: Publicity | None) -> str:
    probe = copy.copy(record)
    if publicity is not None:
        publication_apply(probe, publicity)
    if probe.decision_revoked_on is not None and probe.state in (
        *LIVE_STATES,
        RecordState.UNPUBLISHED,
    ):
        return RecordState.REVOKED  # rules.md §6.7: withdrawn when saved
    return str(probe.state)


def _preview_reasons(record: CreditRecord, state: str, unpublished_reason: str) -> list[str]:
    """Why the record will not be public (rules.md §3.7, §6.5), if it will not."""
    reasons: list[str] = []
    if unpublished_reason and state == RecordState.UNPUBLISHED:
        reasons.append(unpublished_reason)
    if state == RecordState.REVOKED and record.decision_revoked_on is not None:
        reasons.append(
            _("The decision was revoked on %(date)s: the record is withdrawn.")
            % {"date": record.decision_revoked_on.isoformat()}
        )
    elif state not in LIVE_STATES and not reasons:
        reasons.append(_("Its state is “%(state)s”.") % {"state": RecordState(state).label})
    if record.disclosure != Disclosure.PUBLIC:
        reasons.append(
            _("Its disclosure level is “%(level)s”: officials only.")
            % {"level": Disclosure(record.disclosure).label}
        )
    return reasons


def publicity_preview(
    record: CreditRecord, *, original: CreditRecord | None = None
) -> PublicityPreview:
    """What ``record`` (unsaved values; ``original``: the stored record it corrects) will
    get when saved, by the same computation the services make (``publicity_fill``,
    ``publicity_recompute_due``): nothing is written. The repair date is the earliest
    the rule edition allows (``Publicity.repair_from``); the conditions of the day of
    application (rules.md §8.1: a clean record, bans, listings) are judged then.

    Raises ``DomainError`` (on the field at fault) where the services would refuse."""
    given_end = record.publicity_end
    stored = None
    given_by_hand = given_end is not None
    if original is not None:
        stored = (
            RecordEdition.objects.select_related("edition", "local_edition")
            .filter(record_id=original.pk)
            .first()
        )
        given_by_hand = given_end != original.publicity_end
    if record.kind not in NEGATIVE_KINDS or not record.severity:
        state = _preview_state(record, None)
        return PublicityPreview(
            given_end, state, "none", reasons=tuple(_preview_reasons(record, state, ""))
        )
    if original is None:
        recompute = not given_by_hand
    else:
        inputs_before = {name: getattr(original, name) for name in PUBLICITY_INPUTS}
        recompute = publicity_recompute_due(
            record, inputs_before=inputs_before, stored=stored, given_by_hand=given_by_hand
        )
    if recompute:
        publicity = publicity_for_record(record)
        state = _preview_state(record, publicity)
        return PublicityPreview(
            publicity.end,
            state,
            "computed",
            publicity.edition,
            publicity.local_edition,
            publicity.repair_from if state in LIVE_STATES else None,
            tuple(_preview_reasons(record, state, publicity.unpublished_reason)),
            permanent_reason=publicity.permanent_reason,
        )
    # Kept: the stored end and editions (inputs unchanged), or an end given by the
    # department, for which no edition is claimed (rules.md §6.1).
    kept = stored if stored is not None and not given_by_hand else None
    state = _preview_state(record, None)
    repair_from = None
    if state in LIVE_STATES and given_end is not None:
        try:
            # The edition in force on the decision date says how long before repair.
            computed = publicity_for_record(record)
        except DomainError:
            pass
        else:
            repair_from = dataclasses.replace(computed, end=given_end, published=True).repair_from
    return PublicityPreview(
        given_end,
        state,
        "stored" if kept is not None else "given",
        kept.edition if kept is not None else None,
        kept.local_edition if kept is not None else None,
        repair_from,
        tuple(_preview_reasons(record, state, kept.unpublished_reason if kept else "")),
        permanent_reason=kept.permanent_reason if kept is not None else "",
    )
