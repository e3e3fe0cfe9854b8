"""Idempotency keys of the write API (issue 8): a repeated POST creates one record."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["IdempotencyKey"]


class IdempotencyKey(models.Model):
    """One accepted ``Idempotency-Key`` and the response it produced.

    ``scope`` separates callers: ``token:<id>`` for a department token, ``anon:<hash>``
    (a hash of the client address) for the public forms. The row is written in the
    same transaction as the record it answers for, so the unique constraint makes a
    concurrent duplicate wait for the first request and then replay its response.
    """

    scope = models.CharField(_("scope"), max_length=80)
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(
        _("request fingerprint"), max_length=64, help_text=_("SHA-256 of method, path and body.")
    )
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
