"""Credit subjects, source departments and credit records (rules.md §2–§3), the
officials and tokens that write them, the audit trail and job-run rows."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Department
from rules.kinds import (
    KINDS,
    NEGATIVE_KINDS,
    TRUST_TAX_CREDIT_LEVELS,
    Category,
    RecordKind,
    kinds_in_category,
    record_category,
)

from ..uscc import USCCError, validate_uscc


class Region(models.Model):
    """An administrative division (GB/T 2260), e.g. 330100 Hangzhou."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("Prefecture-level city")
        COUNTY = "county", _("County or district")

    code = models.CharField(_("division code"), max_length=6, primary_key=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=80)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class Industry(models.Model):
    """An industry section of GB/T 4754-2017 (A agriculture … T international organisations)."""

    code = models.CharField(_("code"), max_length=1, primary_key=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class SubjectQuerySet(models.QuerySet["Subject"]):
    def enterprises(self) -> SubjectQuerySet:
        return self.filter(subject_type=Subject.SubjectType.ENTERPRISE)


class Subject(models.Model):
    """A credit subject of one of the five types (rules.md §2.1).

    One table for all five: they share the code, name, legal representative and
    address; enterprise-only fields stay empty for the others. Natural persons have
    no USCC and are never scored; their identity number is personal data and never
    shown in full to the public (rules.md §2).
    """

    class SubjectType(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        NATURAL_PERSON = "natural_person", _("Natural person")
        SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
        PUBLIC_INSTITUTION = "public_institution", _("Public institution")
        GOVERNMENT_AGENCY = "government_agency", _("Government agency")

    class RegistrationStatus(models.TextChoices):
        EXISTING = "existing", _("Existing")  # 存续
        OPEN = "open", _("Open")  # 开业 / 在业
        SUSPENDED = "suspended", _("Suspended")  # 停业
        MOVED_OUT = "moved_out", _("Moved out")  # 迁出
        REVOKED = "revoked", _("Licence revoked")  # 吊销
        CANCELLED = "cancelled", _("Cancelled")  # 注销

    subject_type = models.CharField(
        _("subject type"),
        max_length=20,
        choices=SubjectType.choices,
        default=SubjectType.ENTERPRISE,
    )
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
    )
    uscc_override = models.BooleanField(
        _("code accepted despite failed check"),
        default=False,
        help_text=_("Some codes issued in the past fail the checksum; an official accepted it."),
    )
    uscc_override_reason = models.CharField(
        _("reason for the override"), max_length=300, blank=True
    )
    id_number = models.CharField(
        _("identity number"),
        max_length=18,
        blank=True,
        help_text=_("Natural persons only. Personal data: never shown in full to the public."),
    )
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    enterprise_type = models.CharField(_("enterprise type"), max_length=100, blank=True)
    established_on = models.DateField(_("date of establishment"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10,000 yuan)"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    business_scope = models.TextField(_("business scope"), blank=True)
    registration_status = models.CharField(
        _("registration status"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.EXISTING,
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Public search by pinyin (enterprises/pinyin.py): the full pinyin and the initials
    # of the current and former names, lower case, one name per space-separated word.
    # Kept up to date by enterprises.services.subject_upsert and the demo seed.
    search_pinyin = models.TextField(
        _("pinyin of the names"), blank=True, default="", editable=False
    )
    search_initials = models.TextField(
        _("pinyin initials of the names"), blank=True, default="", editable=False
    )
    rescore_requested_at = models.DateTimeField(
        _("rescoring requested at"),
        null=True,
        blank=True,
        help_text=_("Set when its credit information changes; cleared by rescoring."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SubjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit subject")
        verbose_name_plural = _("credit subjects")
        ordering = ["id"]
        constraints = [
            # Natural persons have no USCC; every organisation has one.
            models.CheckConstraint(
                condition=Q(subject_type="natural_person", uscc__isnull=True)
                | (~Q(subject_type="natural_person") & Q(uscc__isnull=False)),
                name="subject_uscc_by_type",
            ),
            models.CheckConstraint(
                condition=Q(registered_capital__isnull=True) | Q(registered_capital__gte=0),
                name="subject_capital_not_negative",
            ),
        ]
        indexes = [
            # Search by name prefix / exact name; substring search gets its own
            # indexes in the public-site issue.
            models.Index(fields=["name"], name="subject_name_idx"),
            # The rescoring job picks up subjects whose records changed.
            models.Index(
                fields=["rescore_requested_at"],
                name="subject_rescore_due_idx",
                condition=Q(rescore_requested_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})" if self.uscc else self.name

    def clean(self) -> None:
        """USCC per rules.md §2; a failed check character passes only with a recorded override."""
        if self.subject_type == self.SubjectType.NATURAL_PERSON:
            if self.uscc:
                raise ValidationError(
                    {"uscc": _("Natural persons have no unified social credit code.")}
                )
            self.uscc = None
            return
        if not self.uscc:
            raise ValidationError({"uscc": _("This field is required for organisations.")})
        try:
            self.uscc = validate_uscc(self.uscc)
        except USCCError as error:
            if error.code != "checksum" or not self.uscc_override:
                raise ValidationError({"uscc": error}) from None
            if not self.uscc_override_reason.strip():
                raise ValidationError(
                    {"uscc_override_reason": _("Say why a code that fails its check is accepted.")}
                ) from None
        else:
            # A code that passes needs no override; keep the flag meaningful.
            self.uscc_override = False
            self.uscc_override_reason = ""

    @property
    def is_natural_person(self) -> bool:
        return self.subject_type == self.SubjectType.NATURAL_PERSON

    @property
    def masked_id_number(self) -> str:
        """Personal data masked for public display: first 4 and last 2 characters."""
        return mask_id_number(self.id_number)


def mask_id_number(value: str) -> str:
    """An identity number as officials other than administrators see it, and as the audit
    trail stores it: first 4 and last 2 characters (rules.md §11.1). Masking a masked
    number changes nothing."""
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


class FormerName(models.Model):
    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), related_name="former_names", on_delete=models.CASCADE
    )
    name = models.CharField(_("former name"), max_length=200)
    used_until = models.DateField(_("used until"), null=True, blank=True)

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["-used_until", "id"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "name"], name="former_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Disclosure(models.TextChoices):
    """Disclosure levels (rules.md §3.5)."""

    PUBLIC = "public", _("Fully public")
    PARTIAL = "partial", _("Partly public (subject and officials only)")
    GOVERNMENT = "government", _("Government only")


class Severity(models.TextChoices):
    """Severity of negative information, decided by the identifying department (§3.1.3)."""

    MINOR = "minor", _("Minor")  # 轻微
    GENERAL = "general", _("General")  # 一般
    SERIOUS = "serious", _("Serious")  # 严重


class RecordState(models.TextChoices):
    ACTIVE = "active", _("Active")
    UNDER_OBJECTION = "under_objection", _("Under objection")
    EXPIRED = "expired", _("Publicity ended")
    REPAIRED = "repaired", _("Repaired")
    REVOKED = "revoked", _("Revoked")
    # Kept but never published (rules.md §6.5): minor information under the national
    # editions, SAMR warnings, Zhejiang penalties under the simplified procedure.
    UNPUBLISHED = "unpublished", _("Not published")
    # Past the retention period (rules.md §6.6): out of every view, kept for the record.
    ARCHIVED = "archived", _("Archived")


class PenaltyType(models.TextChoices):
    WARNING = "warning", _("Warning")  # 警告
    CRITICISM = "criticism", _("Public criticism")  # 通报批评
    FINE = "fine", _("Fine")  # 罚款
    CONFISCATION = "confiscation", _("Confiscation of illegal gains or property")  # 没收
    QUALIFICATION_LOWERED = "qualification_lowered", _("Qualification lowered")  # 降低资质等级
    LICENCE_SUSPENDED = "licence_suspended", _("Licence withheld or suspended")  # 暂扣
    LICENCE_REVOKED = "licence_revoked", _("Licence revoked")  # 吊销
    # rules.md §6.3: suspension and temporary restriction are serious, not permanent;
    # closure and a permanent ban or restriction are permanent.
    PRODUCTION_RESTRICTED = (
        "production_restricted",
        _("Production or business restricted (temporary)"),
    )  # 限制开展生产经营活动
    SUSPENDED = "suspended", _("Ordered to suspend production or business")  # 责令停产停业
    CLOSED_DOWN = "closed_down", _("Ordered to close down")  # 责令关闭
    PERMANENT_RESTRICTION = (
        "permanent_restriction",
        _("Permanent ban or restriction"),
    )  # 永久性禁入 / 终身限制
    EMPLOYMENT_BAN = "employment_ban", _("Employment restriction (temporary)")  # 限制从业
    DETENTION = "detention", _("Administrative detention")  # 行政拘留
    OTHER = "other", _("Other penalty")


# Publicity without end (rules.md §6.3): revoked licences, orders to close down, a
# permanent ban or restriction. The editions list them (``permanent_penalty_types``).
PERMANENT_PENALTIES = frozenset({"licence_revoked", "closed_down", "permanent_restriction"})
# Penalty types that are serious information whatever else (rules.md §3.4, §6.3).
SERIOUS_PENALTIES = PERMANENT_PENALTIES | {"suspended", "production_restricted"}


class TaxCreditLevel(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    M = "M", "M"
    C = "C", "C"
    D = "D", "D"


# The states in which a record is shown to the public and counts for the score: an
# objection does not suspend a record until it is decided (rules.md §3, §6, §8).
LIVE_STATES = (RecordState.ACTIVE, RecordState.UNDER_OBJECTION)


class CreditRecordQuerySet(models.QuerySet["CreditRecord"]):
    """The one definition of what the public sees and what counts; pages, the API, the
    PDF, feeds, scoring (explained and set-based) all start from these."""

    def public(self) -> CreditRecordQuerySet:
        """What the public may see: fully public and still in publicity (rules.md §3, §6)."""
        return self.filter(disclosure=Disclosure.PUBLIC, state__in=LIVE_STATES)

    def counting(self, *, on: dt.date) -> CreditRecordQuerySet:
        """What counts for the score on ``on``: public, decided by ``on`` and its publicity
        not over. Expired, repaired and revoked records never count (rules.md §6, §8)."""
        return self.public().filter(
            Q(publicity_end__isnull=True) | Q(publicity_end__gte=on),
            decision_date__lte=on,
        )

    def for_department(self, department_id: int) -> CreditRecordQuerySet:
        return self.filter(department_id=department_id)

    def in_category(self, category: str) -> CreditRecordQuerySet:
        """The records of ``category`` as ``rules.kinds.record_category`` decides it (rules.md
        §3.1): a tax credit rating by its level, every other record by its kind."""
        rating = Q(kind=RecordKind.TAX_CREDIT_RATING)
        trust_levels = Q(tax_credit_level__in=TRUST_TAX_CREDIT_LEVELS)
        condition = Q(kind__in=kinds_in_category(category))
        if category == Category.TRUST:
            condition |= rating & trust_levels
        elif category == KINDS[RecordKind.TAX_CREDIT_RATING].category:
            condition |= rating & ~trust_levels
        return self.filter(condition)


_NEGATIVE = sorted(str(kind) for kind in NEGATIVE_KINDS)
_KIND_LABELS = dict(RecordKind.choices)


class CreditRecord(models.Model):
    """One piece of credit information about a subject (rules.md §3).

    Nothing is ever deleted: when publicity ends, after repair or after a revoking
    objection decision, the state changes and the audit trail says when and why.
    """

    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), related_name="records", on_delete=models.PROTECT
    )
    kind = models.CharField(_("kind"), max_length=40, choices=RecordKind.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("source department"),
        related_name="records",
        on_delete=models.PROTECT,
    )
    decision_date = models.DateField(_("decision or identification date"))
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    title = models.CharField(_("title"), max_length=300)
    content = models.TextField(_("content"), blank=True)
    disclosure = models.CharField(
        _("disclosure level"),
        max_length=12,
        choices=Disclosure.choices,
        default=Disclosure.PUBLIC,
    )
    severity = models.CharField(
        _("severity"),
        max_length=10,
        choices=Severity.choices,
        blank=True,
        help_text=_("Negative information only."),
    )
    publicity_end = models.DateField(
        _("end of publicity"),
        null=True,
        blank=True,
        help_text=_("Empty means published without end (permanent)."),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=RecordState.choices, default=RecordState.ACTIVE
    )
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    # Kind-specific fields.
    penalty_type = models.CharField(
        _("penalty type"), max_length=24, choices=PenaltyType.choices, blank=True
    )
    simplified_procedure = models.BooleanField(
        _("simplified procedure"),
        default=False,
        help_text=_(
            "Decided on the spot under the simplified procedure (简易程序). Under Zhejiang's "
            "regulation such a penalty is not negative information and is not published."
        ),
    )
    decision_revoked_on = models.DateField(
        _("decision revoked on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the penalty decision itself was revoked (reconsideration, court). SAMR "
            "withdraws the publication within 3 working days."
        ),
    )
    fine_amount = models.DecimalField(
        _("fine (yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Arrears owed or amount donated, where the kind has one."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    tax_credit_level = models.CharField(
        _("tax credit level"), max_length=1, choices=TaxCreditLevel.choices, blank=True
    )
    tax_year = models.PositiveSmallIntegerField(_("tax year"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CreditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-decision_date", "-id"]
        constraints = [
            # A department's document number identifies its record: resending updates it.
            models.UniqueConstraint(
                fields=["department", "document_number"],
                condition=~Q(document_number=""),
                name="record_department_document_unique",
                violation_error_message=_(
                    "This department already has a record with this document number."
                ),
            ),
            # Negative information always carries a severity; other kinds never do.
            models.CheckConstraint(
                condition=(Q(kind__in=_NEGATIVE) & ~Q(severity=""))
                | (~Q(kind__in=_NEGATIVE) & Q(severity="")),
                name="record_severity_iff_negative",
            ),
            models.CheckConstraint(
                condition=Q(publicity_end__isnull=True)
                | Q(publicity_end__gte=models.F("decision_date")),
                name="record_publicity_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(fine_amount__isnull=True) | Q(fine_amount__gte=0),
                name="record_fine_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="record_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="record_validity_ordered",
            ),
        ]
        indexes = [
            # A credit file: a subject's records, newest first.
            models.Index(fields=["subject", "-decision_date"], name="record_subject_date_idx"),
            # Officials' admin list: a department's records, newest first.
            models.Index(
                fields=["department", "-decision_date"], name="record_department_date_idx"
            ),
            # Reviewers' unfiltered admin list, newest first.
            models.Index(fields=["-decision_date", "-id"], name="record_decision_date_idx"),
            # Admin search by document number across departments.
            models.Index(
                fields=["document_number"],
                name="record_document_number_idx",
                condition=~Q(document_number=""),
            ),
            # The expiry job: active records whose publicity has ended.
            models.Index(
                fields=["publicity_end"],
                name="record_publicity_due_idx",
                condition=Q(state__in=list(LIVE_STATES), publicity_end__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        # Django's generated version rebuilds a dict of all ~30 lazily translated choices on
        # every call (hashing each label translates it): ~0.2 ms a record on the credit file.
        return str(_KIND_LABELS.get(self.kind, self.kind))

    def clean(self) -> None:
        """Cross-field rules, each reported on the field at fault."""
        errors: dict[str, object] = {}
        negative = self.kind in NEGATIVE_KINDS
        if negative and not self.severity:
            errors["severity"] = _(
                "Negative information needs a severity (minor, general or serious)."
            )
        if not negative and self.kind and self.severity:
            errors["severity"] = _("Only negative information has a severity; leave it empty.")
        # An empty end of publicity on negative information is filled by
        # enterprises.services.record_create from the rule edition in force on the
        # decision date (rules.publicity), which also decides the permanent cases.
        if (
            isinstance(self.publicity_end, dt.date)
            and isinstance(self.decision_date, dt.date)
            and self.publicity_end < self.decision_date
        ):
            errors["publicity_end"] = _("The end of publicity cannot be before the decision date.")
        if self.kind == RecordKind.PENALTY and not self.penalty_type:
            errors["penalty_type"] = _("An administrative penalty needs its type.")
        if self.kind != RecordKind.PENALTY and self.penalty_type:
            errors["penalty_type"] = _("Only administrative penalties have a penalty type.")
        if self.kind != RecordKind.PENALTY and self.simplified_procedure:
            errors["simplified_procedure"] = _(
                "Only administrative penalties are decided under the simplified procedure."
            )
        if self.penalty_type in SERIOUS_PENALTIES and self.severity and self.severity != "serious":
            errors["severity"] = _(
                "%(type)s is serious information: set the severity to serious."
            ) % {"type": PenaltyType(self.penalty_type).label}
        if self.penalty_type == PenaltyType.FINE and self.fine_amount is None:
            errors["fine_amount"] = _("A fine needs its amount in yuan.")
        if self.kind == RecordKind.TAX_CREDIT_RATING:
            if not self.tax_credit_level:
                errors["tax_credit_level"] = _(
                    "A tax credit rating needs its level (A, B, M, C, D)."
                )
            if not self.tax_year:
                errors["tax_year"] = _("A tax credit rating needs the year it rates.")
        elif self.tax_credit_level:
            errors["tax_credit_level"] = _("Only tax credit ratings have a level.")
        if (
            isinstance(self.valid_from, dt.date)
            and isinstance(self.valid_until, dt.date)
            and self.valid_until < self.valid_from
        ):
            errors["valid_until"] = _("The end of validity cannot be before its start.")
        if errors:
            raise ValidationError(errors)

    @property
    def info(self):  # type: ignore[no-untyped-def]
        return KINDS[self.kind]

    @property
    def category(self) -> str:
        return record_category(self.kind, self.tax_credit_level)

    @property
    def is_negative(self) -> bool:
        return KINDS[self.kind].category == Category.NEGATIVE

    @property
    def is_permanent(self) -> bool:
        return self.publicity_end is None


class RecordEdition(models.Model):
    """Which rule edition fixed a credit record's publicity end (keyed by record id)."""

    record = models.OneToOneField(
        "enterprises.CreditRecord",
        verbose_name=_("credit record"),
        primary_key=True,
        related_name="rule_edition_applied",
        on_delete=models.CASCADE,
    )
    edition = models.ForeignKey(
        "repair.RuleEdition", verbose_name=_("edition"), related_name="+", on_delete=models.PROTECT
    )
    permanent_reason = models.CharField(_("why permanent"), max_length=200, blank=True)
    # The department's own edition (Zhejiang, SAMR) in force on the decision date: its
    # sector rules (not published, clean record, kept while listed, retention) apply on
    # top of the national publicity edition (rules.md §6.1).
    local_edition = models.ForeignKey(
        "repair.RuleEdition",
        verbose_name=_("department's own edition"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    unpublished_reason = models.CharField(_("why not published"), max_length=200, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        app_label = "repair"  # its table and migrations are the repair app's
        verbose_name = _("edition applied to a record")
        verbose_name_plural = _("editions applied to records")

    def __str__(self) -> str:
        return f"{self.record_id} → {self.edition.code}"
