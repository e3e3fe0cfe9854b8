"""API tokens of source departments: issue, authenticate, revoke.

A key is shown once, when it is issued; the database keeps only its first eight
characters (to tell tokens apart in the admin and the audit trail) and its SHA-256
hash. A key carries 256 random bits, so a plain hash cannot be brute-forced and
needs no salt; a stolen database does not yield working keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .actors import Actor
from .audit import audit_append
from .models import Department, DepartmentToken

log = logging.getLogger(__name__)

KEY_PREFIX = "cs_"
PREFIX_LENGTH = 8
# Writing last_used_at on every request would turn each API read into a write;
# once a minute is precise enough to see which tokens are still in use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
# Real keys are 46 characters; anything far longer is not a key and is not hashed.
MAX_KEY_LENGTH = 200


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _audit(actor: Actor, token: DepartmentToken, action: str, reason: str) -> None:
    # Who may write credit information is part of the trail; the hash of the key is not.
    audit_append(
        actor=actor,
        action=action,
        object_type="enterprises.departmenttoken",
        object_id=token.pk,
        after={
            "department": token.department.code,
            "label": token.label,
            "prefix": token.prefix,
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
        },
        reason=reason,
    )


def token_issue(
    *, department: Department, label: str = "", actor: Actor | None = None
) -> tuple[DepartmentToken, str]:
    """Create a token for ``department``; return it and the key, which is never stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = DepartmentToken.objects.create(
            department=department,
            label=label,
            prefix=key[:PREFIX_LENGTH],
            key_hash=key_hash(key),
        )
        _audit(actor or Actor.for_system("issue_token"), token, "create", "token issued")
    log.info("token.issued token=%s department=%s", token.pk, department.code)
    return token, key


def token_authenticate(key: str) -> DepartmentToken | None:
    """The live token with this key, or None (unknown, malformed or revoked)."""
    if not key or len(key) > MAX_KEY_LENGTH:
        return None
    digest = key_hash(key)
    # The lookup is by hash, so response time does not depend on how much of a
    # guessed key matches a real one; the compare below guards the equality itself.
    token = DepartmentToken.objects.select_related("department").filter(key_hash=digest).first()
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    if token.revoked_at is not None:
        return None
    now = timezone.now()
    # Conditional UPDATE: concurrent requests within the minute write at most once.
    updated = (
        DepartmentToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION))
        .update(last_used_at=now)
    )
    if updated:
        token.last_used_at = now
    return token


def token_revoke(*, token: DepartmentToken, actor: Actor | None = None) -> DepartmentToken:
    """Refuse the token from now on. Idempotent: a revoked token keeps its first date."""
    if token.revoked_at is None:
        now = timezone.now()
        with transaction.atomic():
            changed = DepartmentToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
                revoked_at=now
            )
            token.refresh_from_db(fields=["revoked_at"])
            if changed:
                _audit(actor or Actor.for_system("token_revoke"), token, "state", "token revoked")
        log.info("token.revoked token=%s department=%s", token.pk, token.department_id)
    return token
