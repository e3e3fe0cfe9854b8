"""What left the public file: the tombstones of the change feeds (rules.md §3.7).

A record leaves the public file of its subject when it expires, is repaired or revoked,
is no longer fully public, or is moved to another subject. Its row here says which record,
which subject's file it left, why (in words the public may see) and when; nothing else. A
record that was never public leaves no row, so the feeds cannot tell that it exists.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .core import LIVE_STATES, CreditRecord, Disclosure, RecordState, Subject

__all__ = ["RecordRemoval", "RecordRemovalQuerySet", "record_is_public"]


def record_is_public(record: CreditRecord) -> bool:
    """``CreditRecord.objects.public()`` for one loaded record (rules.md §3.7)."""
    return record.disclosure == Disclosure.PUBLIC and record.state in LIVE_STATES


class RecordRemovalQuerySet(models.QuerySet["RecordRemoval"]):
    def tombstones(
        self, *, subject: Subject, since: dt.datetime | None = None
    ) -> RecordRemovalQuerySet:
        """The records that left ``subject``'s public file (since ``since``) and are not
        back in it: one row per record (the latest removal), oldest first."""
        latest = (
            RecordRemoval.objects.filter(record=OuterRef("record"), subject=OuterRef("subject"))
            .order_by("-removed_at", "-pk")
            .values("pk")[:1]
        )
        back = CreditRecord.objects.public().filter(subject=subject).values("pk")
        removals = self.filter(subject=subject, pk=Subquery(latest)).exclude(record__in=back)
        if since is not None:
            removals = removals.filter(removed_at__gte=since)
        return removals.order_by("removed_at", "record_id")


class RecordRemoval(models.Model):
    """A record that left a subject's public file (see the module's docstring)."""

    class Reason(models.TextChoices):
        # The record's new state where the record is still fully public.
        EXPIRED = "expired", _("Publicity ended")
        REPAIRED = "repaired", _("Repaired")
        REVOKED = "revoked", _("Revoked")
        # No longer fully public, or moved to another subject: the public learns no more.
        WITHDRAWN = "withdrawn", _("Withdrawn from publication")

        @classmethod
        def for_state(cls, state: str) -> RecordRemoval.Reason:
            return {
                RecordState.EXPIRED: cls.EXPIRED,
                RecordState.REPAIRED: cls.REPAIRED,
                RecordState.REVOKED: cls.REVOKED,
            }.get(RecordState(state), cls.WITHDRAWN)

    # One index only (below): every read starts from the subject, and the nightly expiry
    # writes a row per expired public record.
    record = models.ForeignKey(
        CreditRecord,
        verbose_name=_("credit record"),
        related_name="removals",
        on_delete=models.PROTECT,
        db_index=False,
    )
    subject = models.ForeignKey(
        Subject,
        verbose_name=_("subject whose file it left"),
        related_name="+",
        on_delete=models.PROTECT,
        db_index=False,
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    removed_at = models.DateTimeField(_("removed at"), default=timezone.now)

    objects = RecordRemovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("record removed from publication")
        verbose_name_plural = _("records removed from publication")
        ordering = ["-removed_at", "-id"]
        indexes = [
            # The change feed of one credit file: its removals since a moment.
            models.Index(fields=["subject", "removed_at"], name="record_removal_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} ({self.reason}, {self.removed_at:%Y-%m-%d %H:%M})"
