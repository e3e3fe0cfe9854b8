"""Tables of the public site: the stored statistics snapshot (docs/operations.md)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatisticsSnapshot(models.Model):
    """The figures of /statistics/ as computed by the statistics job: the page serves the
    newest row, so it costs one query however large the database (a table, not the cache,
    so that it survives a restart)."""

    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    as_of = models.DateField(_("figures as of"))
    seconds = models.FloatField(_("computation time (s)"), default=0)
    data = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")
        ordering = ["-computed_at", "-id"]
        indexes = [
            # The page: the newest snapshot.
            models.Index(fields=["-computed_at", "-id"], name="statsnapshot_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.computed_at:%Y-%m-%d %H:%M})"
