"""Writes with rules for credit subjects and credit records.

Every path that changes credit information — the admin, bulk import, the
department API, tasks and commands — calls these functions. Each validates with
``full_clean()``, runs in one transaction, writes the audit trail and marks the
subject for rescoring.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.audit import audit_append, audit_change, jsonable, snapshot
from core.exceptions import (
    DepartmentNotAllowed,
    RegistrationNotAllowed,
    RevocationNotAllowed,
    StateTransitionNotAllowed,
)

from .models import (
    LIVE_STATES,
    AuditEvent,
    CreditRecord,
    Department,
    Disclosure,
    FormerName,
    RecordRemoval,
    RecordState,
    Subject,
    record_is_public,
)
from .pinyin import search_keys
from .publicity import (
    PUBLICITY_INPUTS,
    publicity_edition_store,
    publicity_fill,
    publicity_recompute_due,
    publicity_recompute_one,
)
from .rescore_requests import (  # noqa: F401 - callers use enterprises.services
    RESCORE_QUEUE_LIMIT,
    rescore_pending_job,
    subject_rescore_request,
    subjects_rescore_pending,
    subjects_rescore_request,
)
from .tax_repair import tax_rating_after_repair_check
from .uscc import normalize_uscc, registered_by_market_regulation

log = logging.getLogger(__name__)

# Fields of a subject that officials, the registration API and imports may set (the API
# and imports: all but ``SUBJECT_PERSONAL_FIELDS``).
SUBJECT_FIELDS = (
    "subject_type",
    "name",
    "legal_representative",
    "enterprise_type",
    "established_on",
    "address",
    "registered_capital",
    "business_scope",
    "registration_status",
    "region_id",
    "industry_id",
    "id_number",
)
# A natural person's identity number: set in the admin only (the API and imports register
# no natural persons, and only administrators see the number in full).
SUBJECT_PERSONAL_FIELDS = ("id_number",)
# ``SUBJECT_FIELDS`` as forms, serializers and import columns name them: ``region``, not
# ``region_id``. Every other list of a subject's writable fields derives from these.
SUBJECT_FORM_FIELDS = tuple(name.removesuffix("_id") for name in SUBJECT_FIELDS)

# Fields of a record that officials and departments set; state moves only through
# ``record_state_set``.
RECORD_FIELDS = (
    "kind",
    "decision_date",
    "document_number",
    "legal_basis",
    "title",
    "content",
    "disclosure",
    "severity",
    "publicity_end",
    "penalty_type",
    "simplified_procedure",
    "decision_revoked_on",
    "fine_amount",
    "amount",
    "valid_from",
    "valid_until",
    "tax_credit_level",
    "tax_year",
)

# Allowed state changes (rules.md §6–§8). Expired, repaired and revoked are final
# for the record; a correction after objection edits fields instead.
STATE_TRANSITIONS: dict[str, frozenset[str]] = {
    RecordState.ACTIVE: frozenset(
        {
            RecordState.UNDER_OBJECTION,
            RecordState.EXPIRED,
            RecordState.REPAIRED,
            RecordState.REVOKED,
        }
    ),
    RecordState.UNDER_OBJECTION: frozenset(
        {RecordState.ACTIVE, RecordState.REVOKED, RecordState.EXPIRED}
    ),
    RecordState.EXPIRED: frozenset({RecordState.ARCHIVED}),
    RecordState.REPAIRED: frozenset({RecordState.ARCHIVED}),
    RecordState.REVOKED: frozenset(),
    # Set by the rules (rules.md §6.5, §6.6), not by hand; revocation stays possible.
    RecordState.UNPUBLISHED: frozenset({RecordState.REVOKED, RecordState.ARCHIVED}),
    RecordState.ARCHIVED: frozenset(),
}


def _unknown_fields(data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})


# --- Subjects -------------------------------------------------------------------------

# What a subject's registering authority holds: the writable fields and the accepted
# check-character override (former names too: a changed name becomes one).
SUBJECT_REGISTRATION_FIELDS = (*SUBJECT_FIELDS, "uscc_override", "uscc_override_reason")


def subject_registration_editable(actor: Actor, subject: Subject) -> bool:
    """May ``actor`` change the registration data of this registered subject?

    rules.md §2.1: an organisation registered by market regulation (its code starts with
    9) has its registration data from that authority, so only market regulation changes
    it; administrators and system jobs too (credit-centre reviewers have no write access
    to subjects, §1.1). Other departments may still register a subject not yet on file and
    enter records about any subject.
    """
    if subject.pk is None or not registered_by_market_regulation(subject.uscc):
        return True
    if actor.is_unrestricted:
        return True
    department = actor.department
    return department is not None and department.is_market_regulation


def subject_registration_check(actor: Actor, subject: Subject, changed: list[str]) -> None:
    """Refuse changes to ``changed`` (field names as forms and the API name them) that
    ``actor`` may not make (:func:`subject_registration_editable`)."""
    if not changed or subject_registration_editable(actor, subject):
        return
    raise RegistrationNotAllowed(
        _(
            "Only market regulation, which registered this enterprise, may change its "
            "registration data (%(fields)s). Other departments may enter records about it."
        )
        % {"fields": ", ".join(changed)},
        field=changed[0],
    )


def subject_upsert(
    *,
    actor: Actor,
    uscc: str | None,
    data: Mapping[str, Any],
    override_reason: str = "",
    former_names: list[str] | None = None,
    subject: Subject | None = None,
) -> tuple[Subject, bool]:
    """Register a subject or update its basic information, keyed by its USCC.

    A code whose check character fails is accepted only from an official (never
    from a token) with a reason, and the acceptance is recorded (rules.md §2.2).
    A changed name is kept as a former name. Pass ``subject`` to update a known
    subject by id (natural persons have no code).
    """
    _unknown_fields(data, SUBJECT_FIELDS)
    if override_reason and actor.user is None:
        raise ValidationError(
            {"uscc_override_reason": _("Only an official may accept a code that fails its check.")}
        )
    code = normalize_uscc(uscc) if uscc else None
    known_pk = subject.pk if subject is not None and subject.pk else None
    with transaction.atomic():
        # A known subject is updated by id (a natural person has no code: looking it up by
        # code registered the same person again on every edit), anyone else by code.
        rows = Subject.objects.select_for_update()
        if known_pk is not None:
            subject = rows.get(pk=known_pk)
        else:
            subject = rows.filter(uscc=code).first() if code else None
        created = subject is None
        before = None if subject is None else snapshot(subject)
        if subject is None:
            subject = Subject(uscc=code)
        # As stored, to compare with the cleaned values (Decimal("5") == Decimal("5.0000")).
        stored = {name: getattr(subject, name) for name in SUBJECT_REGISTRATION_FIELDS}
        old_name = subject.name
        for name, value in data.items():
            setattr(subject, name, value)
        if override_reason:
            subject.uscc_override = True
            subject.uscc_override_reason = override_reason
        subject.full_clean(validate_unique=True)
        if not created:
            changed = [
                name.removesuffix("_id")
                for name in SUBJECT_REGISTRATION_FIELDS
                if getattr(subject, name) != stored[name]
            ]
            known = set(subject.former_names.values_list("name", flat=True))
            if {f for f in former_names or [] if f and f != subject.name} - known:
                changed.append("former_names")
            subject_registration_check(actor, subject, changed)
        subject.save()
        if not created and old_name and old_name != subject.name:
            FormerName.objects.get_or_create(
                subject=subject, name=old_name, defaults={"used_until": timezone.localdate()}
            )
        for former in former_names or []:
            if former and former != subject.name:
                FormerName.objects.get_or_create(subject=subject, name=former)
        _subject_search_keys_refresh(subject)
        audit_change(actor=actor, instance=subject, before=before)
    log.info("subject.upserted uscc=%s created=%s actor=%s", subject.uscc, created, actor.label)
    return subject, created


def _subject_search_keys_refresh(subject: Subject) -> None:
    """Public search finds a subject by the pinyin of its current and former names."""
    names = [subject.name, *subject.former_names.values_list("name", flat=True)]
    subject.search_pinyin, subject.search_initials = search_keys(names)
    Subject.objects.filter(pk=subject.pk).update(
        search_pinyin=subject.search_pinyin, search_initials=subject.search_initials
    )


# --- Records ----------------------------------------------------------------------------

# Fields that only check constraints read. ``CreditRecord.clean()`` and field validators
# enforce those rules with a message on the field at fault (the database keeps the
# constraints as a backstop), so ``full_clean`` need not re-run each one as a query; the
# department + document-number uniqueness is still validated.
_CHECKED_IN_CLEAN = frozenset(
    {
        "kind",
        "severity",
        "publicity_end",
        "decision_date",
        "fine_amount",
        "amount",
        "valid_from",
        "valid_until",
    }
)


def _record_validate(record: CreditRecord) -> None:
    record.full_clean(validate_constraints=False)
    tax_rating_after_repair_check(record)  # rules.md §8.1: a repaired D is not lifted to A
    record.validate_constraints(exclude=set(_CHECKED_IN_CLEAN))


def _check_department(actor: Actor, department: Department) -> None:
    if not actor.may_write(department.pk):
        raise DepartmentNotAllowed(field="department")


def record_create(
    *,
    actor: Actor,
    subject: Subject,
    department: Department,
    data: Mapping[str, Any],
    reason: str = "",
) -> CreditRecord:
    """Enter a credit record for ``department`` (its officials or token only)."""
    _unknown_fields(data, RECORD_FIELDS)
    _check_department(actor, department)
    record = CreditRecord(subject=subject, department=department, **data)
    with transaction.atomic():
        publicity = publicity_fill(record)
        _record_validate(record)
        record.save(force_insert=True)
        if publicity is not None:
            publicity_edition_store(record, publicity)
        audit_change(actor=actor, instance=record, before=None, reason=reason)
        subject_rescore_request(subject.pk)
        record = _revoked_decision_withdraw(actor, record, reason)
    log.info("record.created record=%s subject=%s actor=%s", record.pk, subject.pk, actor.label)
    return record


def record_update(
    *,
    actor: Actor,
    record: CreditRecord,
    data: Mapping[str, Any],
    reason: str = "",
    subject: Subject | None = None,
    recompute_publicity: bool = False,
) -> CreditRecord:
    """Correct a record of the actor's own department. The audit row keeps what it was.

    A decision that changes a record changes its publicity (rules.md §7): when the kind,
    severity, penalty type or decision date changes and the end of publicity was computed
    (a ``RecordEdition`` row exists), the end and the stored edition are computed again
    from the corrected values (``publicity.publicity_recompute_one``), with an audit row holding the
    old and new end and edition. An end given by hand stays as given, unless the caller
    passes ``recompute_publicity``; an end given in ``data`` that differs from the
    current one is the caller's own and is kept. A new end already past is left to the
    nightly expiry job (§6.4), as every end that passes is: the record stops counting for
    the score at once (``CreditRecord.objects.counting``) and rescoring is requested."""
    from .models import RecordEdition

    _unknown_fields(data, RECORD_FIELDS)
    _check_department(actor, record.department)
    with transaction.atomic():
        record = CreditRecord.objects.select_for_update().get(pk=record.pk)
        before = snapshot(record)
        inputs_before = {name: getattr(record, name) for name in PUBLICITY_INPUTS}
        end_before = record.publicity_end
        old_subject_id = record.subject_id
        was_public = record_is_public(record)
        if subject is not None:
            record.subject = subject
        for name, value in data.items():
            setattr(record, name, value)
        publicity = None
        given_by_hand = "publicity_end" in data and data["publicity_end"] != end_before
        stored = RecordEdition.objects.select_related("edition").filter(record_id=record.pk).first()
        if publicity_recompute_due(
            record,
            inputs_before=inputs_before,
            stored=stored,
            given_by_hand=given_by_hand,
            force=recompute_publicity,
        ):
            publicity = publicity_recompute_one(record)
        _record_validate(record)
        record.save()
        if publicity is not None:
            publicity_edition_store(record, publicity)
            audit_append(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                object_type=RecordEdition._meta.label_lower,
                object_id=record.pk,
                before={
                    "publicity_end": jsonable(end_before),
                    "edition": stored.edition.code if stored is not None else None,
                    "permanent_reason": stored.permanent_reason if stored is not None else "",
                },
                after={
                    "publicity_end": jsonable(record.publicity_end),
                    "edition": publicity.edition.code,
                    "permanent_reason": str(publicity.permanent_reason),
                },
                reason=reason,
            )
        _public_file_left(record, was_public=was_public, subject_id=old_subject_id)
        audit_change(actor=actor, instance=record, before=before, reason=reason)
        subject_rescore_request(record.subject_id)
        if old_subject_id != record.subject_id:
            subject_rescore_request(old_subject_id)
        record = _revoked_decision_withdraw(actor, record, reason)
    log.info("record.updated record=%s actor=%s", record.pk, actor.label)
    return record


def record_upsert(
    *,
    actor: Actor,
    subject: Subject,
    department: Department,
    data: Mapping[str, Any],
    reason: str = "",
) -> tuple[CreditRecord, bool]:
    """Create a record, or update the one this department sent with the same document
    number (departments resend; nothing is duplicated)."""
    document_number = (data.get("document_number") or "").strip()
    _check_department(actor, department)
    with transaction.atomic():
        existing = (
            CreditRecord.objects.select_for_update()
            .filter(department=department, document_number=document_number)
            .first()
            if document_number
            else None
        )
        if existing is None:
            return record_create(
                actor=actor, subject=subject, department=department, data=data, reason=reason
            ), True
        return record_update(
            actor=actor, record=existing, data=data, reason=reason, subject=subject
        ), False


def record_removals_add(*, record_ids: list[int], reason: str, at: dt.datetime) -> int:
    """Tombstones for records that were public and have just left their subject's public
    file (rules.md §3.7), in one INSERT … SELECT (the nightly expiry passes 10,000 at a
    time): the change feeds report them by id, reason and time, without content. Only
    records that were public may be passed: one never public leaves no trace the public
    could see. Returns how many were written."""
    if not record_ids:
        return 0
    ops = connection.ops
    params: list[Any]
    if connection.vendor == "postgresql":
        among, params = "id = ANY(%s)", [list(record_ids)]
    else:
        among, params = f"id IN ({', '.join(['%s'] * len(record_ids))})", list(record_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RecordRemoval._meta.db_table}"  # noqa: S608
            " (record_id, subject_id, reason, removed_at)"
            f" SELECT id, subject_id, %s, %s FROM {CreditRecord._meta.db_table} WHERE {among}",
            [reason, ops.adapt_datetimefield_value(at), *params],
        )
        return int(cursor.rowcount)


def _public_file_left(record: CreditRecord, *, was_public: bool, subject_id: int) -> None:
    """A tombstone when a record that was public is no longer in ``subject_id``'s public
    file: "withdrawn" when it is no longer fully public or belongs to another subject
    (the public learns no more), else its new state (expired, repaired, revoked)."""
    if not was_public or (record_is_public(record) and record.subject_id == subject_id):
        return
    withdrawn = record.disclosure != Disclosure.PUBLIC or record.subject_id != subject_id
    RecordRemoval.objects.create(
        record=record,
        subject_id=subject_id,
        reason=RecordRemoval.Reason.WITHDRAWN
        if withdrawn
        else RecordRemoval.Reason.for_state(record.state),
        removed_at=record.updated_at,
    )


def _revoked_decision_withdraw(actor: Actor, record: CreditRecord, reason: str) -> CreditRecord:
    """A record whose penalty decision was revoked (``decision_revoked_on``) leaves public
    view: revoked through ``record_state_set``, audited (rules.md §6.7). Its department
    withdraws it; another writer's entry is withdrawn by the platform."""
    if record.decision_revoked_on is None or record.state not in (
        *LIVE_STATES,
        RecordState.UNPUBLISHED,
    ):
        return record
    by = actor if record_revocable_by(actor, record) else Actor.for_system("decision_revoked")
    note = _("Penalty decision revoked on %(date)s: withdrawn from publication.") % {
        "date": record.decision_revoked_on.isoformat()
    }
    return record_state_set(
        actor=by, record=record, state=RecordState.REVOKED, reason=f"{note} {reason}".strip()
    )


def record_revocable_by(actor: Actor, record: CreditRecord) -> bool:
    """May ``actor`` revoke ``record`` outside an objection decision?

    rules.md §3.6, §7: a record is revoked by an objection decision (``repair.services``,
    handled by its department or a credit-centre reviewer), or withdrawn by the department
    that entered it, with a reason. Nobody else revokes another department's decision:
    not a reviewer, not an administrator. System jobs act as the platform.
    """
    if actor.system:
        return True
    department = actor.department
    return department is not None and department.pk == record.department_id


def record_state_choices(actor: Actor, record: CreditRecord) -> list[str]:
    """The states ``actor`` may move ``record`` to by hand (the admin's state page)."""
    allowed = STATE_TRANSITIONS.get(record.state, frozenset())
    return [
        state
        for state in RecordState.values
        if state in allowed
        and (state != RecordState.REVOKED or record_revocable_by(actor, record))
        # Archiving follows the retention period (rules.md §6.6): the nightly job's.
        and state != RecordState.ARCHIVED
    ]


def record_state_set(
    *,
    actor: Actor,
    record: CreditRecord,
    state: str,
    reason: str,
    objection: str = "",
) -> CreditRecord:
    """Move a record to another state (objection, expiry, repair, revocation).

    Nothing is deleted; the audit row says who, when and why. ``objection`` is the
    reference of the objection whose decision revokes the record; without one only the
    record's own department may revoke it (:func:`record_revocable_by`).
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the state changes.")})
    _check_department(actor, record.department)
    if state == RecordState.REVOKED and not objection and not record_revocable_by(actor, record):
        raise RevocationNotAllowed(
            _(
                "Only the department that entered this record may revoke it directly; "
                "anyone else revokes it by deciding an objection to it."
            ),
            field="state",
        )
    with transaction.atomic():
        record = CreditRecord.objects.select_for_update().get(pk=record.pk)
        if state not in STATE_TRANSITIONS.get(record.state, frozenset()):
            raise StateTransitionNotAllowed(
                _("A record that is “%(old)s” cannot become “%(new)s”.")
                % {
                    "old": RecordState(record.state).label,
                    "new": RecordState(state).label if state in RecordState.values else state,
                },
                field="state",
            )
        before = snapshot(record)
        was_public = record_is_public(record)
        record.state = state
        record.state_changed_at = timezone.now()
        record.save(update_fields=["state", "state_changed_at", "updated_at"])
        _public_file_left(record, was_public=was_public, subject_id=record.subject_id)
        audit_change(
            actor=actor,
            instance=record,
            before=before,
            reason=reason,
            action="state",
        )
        subject_rescore_request(record.subject_id)
    log.info("record.state record=%s state=%s actor=%s", record.pk, state, actor.label)
    return record
