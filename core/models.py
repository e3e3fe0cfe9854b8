"""The tables every layer shares: source departments, the officials and tokens that act
for them, the hash-chained audit trail, job runs and idempotency keys.

Their app label stays ``enterprises``: the tables, migrations, content types,
permissions and admin URLs are those of the ``enterprises`` app, where they were
created; only the Python classes live here, below every domain app
(docs/decisions.md, "The shared core keeps its tables' app label").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

APP_LABEL = "enterprises"


class Department(models.Model):
    """A source department (数据来源部门) that identifies and enters credit information."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        MUNICIPAL = "municipal", _("Municipal")
        COUNTY = "county", _("County")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    is_credit_centre = models.BooleanField(
        _("is the credit centre"),
        default=False,
        help_text=_("The credit centre handles objections and repairs across departments."),
    )

    class Meta:
        app_label = APP_LABEL
        verbose_name = _("source department")
        verbose_name_plural = _("source departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def is_market_regulation(self) -> bool:
        """SAMR and the provincial administrations for market regulation (``zj-amr``):
        the registering authority of enterprises (rules.md §2.1) and a jurisdiction of
        their own for publicity (§6)."""
        return self.code == "samr" or self.code.endswith("-amr")

    @property
    def is_tax(self) -> bool:
        """The State Taxation Administration (``sta``) and its branches (``zj-tax``): their
        records follow the tax credit repair rules (rules.md §8.1)."""
        return self.code == "sta" or self.code.endswith("-tax")


class OfficialProfile(models.Model):
    """Ties a staff user to the department whose data they may enter and correct."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="official",
        on_delete=models.CASCADE,
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), related_name="officials", on_delete=models.PROTECT
    )

    class Meta:
        app_label = APP_LABEL
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self) -> str:
        return f"{self.user} · {self.department}"


class DepartmentToken(models.Model):
    """A source department's API token. Only a SHA-256 hash of the key is stored."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), related_name="tokens", on_delete=models.PROTECT
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    prefix = models.CharField(_("key prefix"), max_length=8, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        app_label = APP_LABEL
        verbose_name = _("department API token")
        verbose_name_plural = _("department API tokens")

    def __str__(self) -> str:
        return f"{self.department.code}:{self.prefix}…"


class AuditEvent(models.Model):
    """An append-only row of the audit trail, chained by hash (rules.md §11.3).

    ``hash`` covers every other column and the previous row's hash, so altering,
    inserting or removing a row breaks the chain from that row on; ``manage.py
    verify_audit`` finds the first broken row.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Change")
        STATE = "state", _("State change")
        BULK = "bulk", _("Bulk operation")

    at = models.DateTimeField(_("at"))
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_token = models.ForeignKey(
        DepartmentToken,
        verbose_name=_("token"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        app_label = APP_LABEL
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["id"]
        indexes = [
            # "History of this record" on officials' pages.
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The single row holding the newest hash: appends lock it, so the chain stays a
    line under concurrent writers, and verification detects a truncated tail."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_event_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        app_label = APP_LABEL
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.last_event_id} {self.last_hash[:12]}"


class JobRun(models.Model):
    """One run of a scheduled job or long command: officials see progress and failures."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("job"), max_length=60)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        app_label = APP_LABEL
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


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
        app_label = APP_LABEL
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
