"""Models of the public site: policies, credit commitments, issued credit reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .core import CreditRecord, Department, Disclosure, Subject

__all__ = [
    "CommitmentState",
    "CommitmentType",
    "CreditCommitment",
    "CreditCommitmentQuerySet",
    "Policy",
    "PolicyLevel",
    "ReportIssue",
]


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")


class Policy(models.Model):
    """A policy or regulation document listed on /policies/ (managed in the admin)."""

    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    issuer_zh = models.CharField(_("issuer (Chinese)"), max_length=300)
    issuer_en = models.CharField(_("issuer (English)"), max_length=400, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=PolicyLevel.choices)
    issued_on = models.DateField(
        _("date"), null=True, blank=True, help_text=_("Date of issue or publication.")
    )
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title_zh


class CommitmentType(models.TextChoices):
    """Types of credit commitment (信用承诺) published on the portals (§2.3.2, figure 10)."""

    APPROVAL_SUBSTITUTE = "approval_substitute", _("Approval substitute")  # 审批替代型
    CREDIT_REPAIR = "credit_repair", pgettext_lazy("commitment type", "Credit repair")  # 信用修复型
    INDUSTRY_SELF_DISCIPLINE = (
        "industry_self_discipline",
        _("Industry self-discipline"),
    )  # 行业自律型
    VOLUNTARY = "voluntary", _("Voluntary")  # 主动型
    TAX_DECLARATION = "tax_declaration", _("Tax declaration")  # 涉税申报型


class CommitmentState(models.TextChoices):
    PENDING = "pending", _("Pending")
    FULFILLED = "fulfilled", _("Fulfilled")
    # An unfulfilled commitment becomes negative information (indicator 4.1.3).
    UNFULFILLED = "unfulfilled", _("Not fulfilled")


class CreditCommitmentQuerySet(models.QuerySet["CreditCommitment"]):
    def public(self) -> CreditCommitmentQuerySet:
        """Fully public commitments of organisations (natural persons' data is not public)."""
        return self.filter(disclosure=Disclosure.PUBLIC).exclude(
            subject__subject_type=Subject.SubjectType.NATURAL_PERSON
        )


class CreditCommitment(models.Model):
    """A written credit commitment, with the fields Credit Zhejiang publishes (figure 10)."""

    subject = models.ForeignKey(
        Subject,
        verbose_name=_("committing subject"),
        related_name="commitments",
        on_delete=models.PROTECT,
    )
    commitment_type = models.CharField(
        _("commitment type"), max_length=30, choices=CommitmentType.choices
    )
    reason = models.CharField(_("reason for the commitment"), max_length=300)
    committed_on = models.DateField(_("date of the commitment"))
    accepting_unit = models.ForeignKey(
        Department,
        verbose_name=_("accepting unit"),
        related_name="commitments",
        on_delete=models.PROTECT,
    )
    content = models.TextField(_("content of the commitment"))
    promised_by = models.DateField(
        _("promised deadline"),
        null=True,
        blank=True,
        help_text=_("By when the missing materials or obligations are promised."),
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=CommitmentState.choices,
        default=CommitmentState.PENDING,
    )
    disclosure = models.CharField(
        _("disclosure level"),
        max_length=12,
        choices=Disclosure.choices,
        default=Disclosure.PUBLIC,
    )
    # Fulfilment is recorded by the accepting unit (supervision.services.commitment_fulfil);
    # an unfulfilled one points at the negative record it became (indicator 4.1.3).
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fulfilment recorded by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    negative_record = models.OneToOneField(
        CreditRecord,
        verbose_name=_("negative record"),
        null=True,
        blank=True,
        related_name="unfulfilled_commitment",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = CreditCommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit commitment")
        verbose_name_plural = _("credit commitments")
        ordering = ["-committed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_by__isnull=True)
                | Q(promised_by__gte=models.F("committed_on")),
                name="commitment_deadline_after_date",
            ),
        ]
        indexes = [
            # /commitments/: newest first, optionally one accepting unit's.
            models.Index(fields=["-committed_on", "-id"], name="commitment_date_idx"),
            models.Index(
                fields=["accepting_unit", "-committed_on"], name="commitment_unit_date_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject.name} · {self.get_commitment_type_display()}"


class ReportIssue(models.Model):
    """One credit report PDF as issued: its number, the verification code printed on it
    (and in its QR code) and the SHA-256 of the file, so that anyone holding a report
    can confirm at /reports/verify/<code>/ that it is genuine and unaltered."""

    number = models.CharField(_("report number"), max_length=32, unique=True)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), related_name="reports", on_delete=models.PROTECT
    )
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    content_hash = models.CharField(
        _("SHA-256 of the PDF file"), max_length=64, blank=True, editable=False
    )
    record_count = models.PositiveIntegerField(_("records included"), default=0)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("issued credit report")
        verbose_name_plural = _("issued credit reports")
        ordering = ["-generated_at"]

    def __str__(self) -> str:
        return self.number
