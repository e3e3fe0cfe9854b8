"""The append-only, hash-chained audit trail of credit information (rules.md §11.3).

Each row's hash covers its own columns and the previous row's hash. Appends lock
the single chain-head row, so concurrent writers produce one line, and the head
remembers the newest hash, so a removed tail is detected too.

Fields that officials see masked (a natural person's identity number) are stored masked
in the before/after snapshots (rules.md §11.1): the hash covers what is stored, so the
chain verifies as before. Apps name those fields in their ``AppConfig.ready()`` with
:func:`register_audit_mask`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .actors import Actor
from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64

# object type ("enterprises.subject") -> field attname -> the mask stored in its place.
_MASKS: dict[str, dict[str, Callable[[Any], Any]]] = {}


def register_audit_mask(object_type: str, field: str, mask: Callable[[Any], Any]) -> None:
    """Store ``mask(value)`` instead of a non-empty value of ``field`` in the snapshots of
    ``object_type``'s audit rows (rules.md §11.1). ``mask`` must give the same answer for
    a masked value."""
    _MASKS.setdefault(object_type, {})[field] = mask


def _masked(object_type: str, values: dict[str, Any] | None) -> dict[str, Any] | None:
    masks = _MASKS.get(object_type)
    if not masks or not isinstance(values, dict):
        return values
    return {
        key: masks[key](value) if key in masks and value else value for key, value in values.items()
    }


def jsonable(value: Any) -> Any:
    """A JSON-native form of a field value that survives a database round trip."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Field values of a model instance, by attribute name (``department_id`` …)."""
    concrete = [f for f in instance._meta.concrete_fields if f.attname not in ("updated_at",)]
    wanted = set(fields) if fields is not None else None
    return {
        f.attname: jsonable(getattr(instance, f.attname))
        for f in concrete
        if wanted is None or f.attname in wanted or f.name in wanted
    }


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(
    *,
    at: dt.datetime,
    actor_user_id: int | None,
    actor_token_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
    reason: str,
    prev_hash: str,
) -> str:
    payload = {
        "at": _timestamp(at),
        "actor_user_id": actor_user_id,
        "actor_token_id": actor_token_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "before": before,
        "after": after,
        "reason": reason,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def event_hash(event: AuditEvent) -> str:
    return compute_hash(
        at=event.at,
        actor_user_id=event.actor_user_id,
        actor_token_id=event.actor_token_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        before=event.before,
        after=event.after,
        reason=event.reason,
        prev_hash=event.prev_hash,
    )


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(pk=1)
    except IntegrityError:
        pass  # another writer created it first
    return AuditChainHead.objects.select_for_update().get(pk=1)


def audit_append(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one row to the chain. Must run inside the transaction of the change it records.

    Registered fields are stored masked (:func:`register_audit_mask`); ``audit_change``
    compares the full values first, so a change that only the mask hides is still a row."""
    before = _masked(object_type, before)
    after = _masked(object_type, after)
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    event = AuditEvent(
        actor_user_id=user.pk if user is not None else None,
        actor_token_id=actor.token.pk if actor.token is not None else None,
        actor_label=actor.label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
        reason=reason,
    )
    pending = _pending.get()
    if pending is not None:
        # Chained when the audit_deferred() block ends; the time is the change's.
        event.at = timezone.now()
        pending.append(event)
    else:
        _chain([event])
    return event


def _chain(events: list[AuditEvent]) -> None:
    """Link ``events`` to the chain in their order and insert them. The head stays locked
    until the transaction ends: this is the only step that takes it."""
    with transaction.atomic():
        head = _locked_head()
        last_hash = head.last_hash
        now = timezone.now()
        for event in events:
            if event.at is None:
                event.at = now
            event.prev_hash = last_hash
            event.hash = last_hash = event_hash(event)
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events, batch_size=500)
        head.last_hash = last_hash
        last_id = events[-1].pk
        if last_id is None:  # a backend that does not return ids from a bulk insert
            last_id = AuditEvent.objects.get(hash=last_hash).pk
        head.last_event_id = last_id
        head.save(update_fields=["last_hash", "last_event_id"])


# The rows held by the innermost audit_deferred() block of this thread or task.
_pending: ContextVar[list[AuditEvent] | None] = ContextVar("audit_pending", default=None)


@contextmanager
def audit_deferred() -> Iterator[None]:
    """Hold the audit rows of the changes made inside the block and append them to the
    chain in one short step when it ends, so the chain head (which every audited write in
    the site waits for) is locked for that step only, not for the whole block.

    For one long transaction of many changes (a bulk import). Use it inside that
    transaction, ``with transaction.atomic(), audit_deferred():``: the rows are still
    written in the transaction of their changes and are committed or rolled back with
    them (rules.md §11.3). A block that raises, or whose transaction is marked for
    rollback, appends nothing. A savepoint inside it that may roll back while the block
    goes on must be :func:`audit_savepoint`, so that its rows are dropped with it. A block
    inside another one joins it.
    """
    if _pending.get() is not None:
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_deferred() must run inside the transaction of its changes")
    pending: list[AuditEvent] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending and not transaction.get_rollback():
        _chain(pending)


@contextmanager
def audit_savepoint() -> Iterator[None]:
    """``transaction.atomic()`` whose held audit rows (:func:`audit_deferred`) are dropped
    if it rolls back."""
    pending = _pending.get()
    mark = len(pending) if pending is not None else 0
    try:
        with transaction.atomic():
            yield
    except BaseException:
        if pending is not None:
            del pending[mark:]
        raise


def audit_change(
    *,
    actor: Actor,
    instance: models.Model,
    before: dict[str, Any] | None,
    reason: str = "",
    action: str | None = None,
) -> AuditEvent | None:
    """Record a create (``before`` is None) or the changed fields of an update.
    An update that changed nothing writes no row."""
    after_full = snapshot(instance)
    object_type = instance._meta.label_lower
    if before is None:
        return audit_append(
            actor=actor,
            action=action or AuditEvent.Action.CREATE,
            object_type=object_type,
            object_id=instance.pk,
            after=after_full,
            reason=reason,
        )
    changed = {key for key, value in after_full.items() if before.get(key) != value}
    if not changed:
        return None
    return audit_append(
        actor=actor,
        action=action or AuditEvent.Action.UPDATE,
        object_type=object_type,
        object_id=instance.pk,
        before={key: before.get(key) for key in sorted(changed)},
        after={key: after_full[key] for key in sorted(changed)},
        reason=reason,
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    problem: str = ""


def audit_verify(*, chunk_size: int = 5000) -> VerifyResult:
    """Walk the chain in id order and report the first row that does not verify."""
    expected_prev = GENESIS
    checked = 0
    last_id: int | None = None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != expected_prev:
            return VerifyResult(
                False,
                checked,
                event.pk,
                "previous-hash link broken: a row before it was removed, inserted or altered",
            )
        if event_hash(event) != event.hash:
            return VerifyResult(False, checked, event.pk, "content does not match its hash")
        expected_prev = event.hash
        last_id = event.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    head_hash = head.last_hash if head is not None else GENESIS
    if head_hash != expected_prev:
        return VerifyResult(
            False,
            checked,
            head.last_event_id if head is not None else last_id,
            "chain head does not match the newest row: rows at the end were removed",
        )
    return VerifyResult(True, checked)


def audit_verify_job() -> VerifyResult:
    """The scheduled audit verification: a job-run row records the outcome, and a
    broken chain fails the run so officials see it."""
    from .jobs import job_run

    with job_run("verify_audit") as progress:
        result = audit_verify()
        progress.advance(result.checked, checked=result.checked, ok=result.ok)
        if not result.ok:
            raise AuditChainBroken(f"row {result.broken_id}: {result.problem}")
    return result


class AuditChainBroken(Exception):
    """The audit chain does not verify."""
