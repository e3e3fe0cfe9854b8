"""“Two randoms, one public” (双随机、一公开, rules.md §9): pools of inspectors
and inspection objects, inspection plans, reproducible draws stratified by credit grade and
published inspection results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import CreditRecord, Department, Grade, Industry, Subject

# Results are published within 20 working days of the inspection (SAMR Order 45 publishes
# penalties within 20 working days of the decision; the same clock is used here).
PUBLISH_WITHIN_WORKING_DAYS = 20


class Scale(models.TextChoices):
    """Scale of an inspection object, by registered capital (万元): the register has no
    headcount or turnover, so capital is the one scale the product can compute."""

    MICRO = "micro", _("Micro (under 1 million yuan)")
    SMALL = "small", _("Small (1 to 10 million yuan)")
    MEDIUM = "medium", _("Medium (10 to 100 million yuan)")
    LARGE = "large", _("Large (100 million yuan or more)")


# Lower bound of each scale in 万元 of registered capital.
SCALE_BOUNDS: dict[str, tuple[int, int | None]] = {
    Scale.MICRO: (0, 100),
    Scale.SMALL: (100, 1000),
    Scale.MEDIUM: (1000, 10000),
    Scale.LARGE: (10000, None),
}


class Inspector(models.Model):
    """A law-enforcement inspector in a department's pool (执法检查人员名录库)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        related_name="inspector",
        on_delete=models.SET_NULL,
    )
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        related_name="inspectors",
        on_delete=models.PROTECT,
    )
    competences = models.JSONField(
        _("fields of competence"),
        default=list,
        blank=True,
        help_text=_('Fields this inspector may inspect, e.g. ["food", "advertising"].'),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["department", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def competent_for(self, field: str) -> bool:
        return not field or field in (self.competences or [])


class Conflict(models.Model):
    """A declared conflict of interest: the inspector is never drawn for the subject."""

    inspector = models.ForeignKey(
        Inspector, verbose_name=_("inspector"), related_name="conflicts", on_delete=models.CASCADE
    )
    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), related_name="+", on_delete=models.CASCADE
    )
    reason = models.CharField(_("reason"), max_length=300)
    declared_on = models.DateField(_("declared on"), default=dt.date.today)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["inspector", "subject"], name="conflict_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} × {self.subject}"


# Share of each grade stratum drawn by a non-targeted plan (rules.md §9.2): the lower the
# grade, the larger the share. Documented defaults; the table GradeShare (seeded by
# migration 0002) and a plan's own ``grade_shares`` are what count.
DEFAULT_GRADE_SHARES: dict[str, Decimal] = {
    "A": Decimal("0.03"),
    "B": Decimal("0.05"),
    "C": Decimal("0.10"),
    "D": Decimal("0.20"),
    "E": Decimal("0.30"),
}


class GradeShare(models.Model):
    """Default share of a grade stratum drawn by a non-targeted plan (rules.md §9.2),
    e.g. C 0.10: one subject in ten of grade C. A plan may set its own shares."""

    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, unique=True)
    share = models.DecimalField(
        _("share"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Share of the subjects of this grade to draw, from 0 to 1, e.g. 0.05."),
    )

    class Meta:
        verbose_name = _("selection share per grade")
        verbose_name_plural = _("selection shares per grade")
        ordering = ["grade"]

    def __str__(self) -> str:
        return f"{self.grade}: {self.share}"


def grade_shares_parse(value: object) -> dict[str, Decimal]:
    """A plan's ``grade_shares`` as {grade: Decimal}; ValidationError (translated, one
    message per fault) when a key is not a grade A–E or a share is not a number in [0, 1]."""
    if value in (None, "", {}):
        return {}
    if not isinstance(value, dict):
        raise ValidationError(
            _('Give the shares per grade as an object, e.g. {"A": 0.03, "E": 0.3}.')
        )
    shares: dict[str, Decimal] = {}
    faults = []
    for grade, raw in value.items():
        if grade not in Grade.values:
            faults.append(
                _("“%(grade)s” is not a grade; grades are letters A to E.") % {"grade": grade}
            )
            continue
        try:
            share = None if isinstance(raw, bool) else Decimal(str(raw))
        except InvalidOperation:
            share = None
        if share is None or not share.is_finite() or not Decimal(0) <= share <= Decimal(1):
            faults.append(
                _("The share of grade %(grade)s must be a number from 0 to 1.") % {"grade": grade}
            )
            continue
        shares[grade] = share
    if faults:
        raise ValidationError(faults)
    return shares


class KeyIndustry(models.Model):
    """An industry whose subjects may be inspected more than twice a year (rules.md §9)."""

    industry = models.OneToOneField(
        Industry, verbose_name=_("industry"), related_name="+", on_delete=models.CASCADE
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("key industry")
        verbose_name_plural = _("key industries")

    def __str__(self) -> str:
        return str(self.industry)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class InspectionPlan(models.Model):
    """A random inspection plan (抽查计划): non-targeted, or targeted by industry, region,
    scale or grade (定向随机抽查)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), related_name="plans", on_delete=models.PROTECT
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    competence = models.CharField(
        _("field of competence"),
        max_length=60,
        blank=True,
        help_text=_("Only inspectors competent in this field are drawn; empty: any."),
    )
    targeted = models.BooleanField(_("targeted"), default=False)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    region_prefix = models.CharField(
        _("region"),
        max_length=6,
        blank=True,
        help_text=_("Division code or its prefix, e.g. 3301 for Hangzhou."),
    )
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, blank=True)
    grades = models.CharField(
        _("grades"), max_length=5, blank=True, help_text=_("Grades to include, e.g. DE.")
    )
    grade_shares = models.JSONField(
        _("shares per grade"),
        default=dict,
        blank=True,
        help_text=_(
            'Non-targeted plans: the share of each grade drawn, e.g. {"A": 0.03, "E": 0.3}; '
            "grades left out take the default shares per grade. With a sample size or ratio, "
            "that total is spread over the grades in proportion to the shares."
        ),
    )
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    sample_ratio = models.DecimalField(
        _("sample ratio"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Share of the pool to draw, e.g. 0.05; used when no sample size is set."),
    )
    inspectors_per_object = models.PositiveSmallIntegerField(
        _("inspectors per object"), default=2, validators=[MinValueValidator(2)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspectors_per_object__gte=2), name="plan_two_inspectors"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="plan_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.targeted and self.sample_size is None and self.sample_ratio is None:
            # Non-targeted plans may leave both empty: the shares per grade decide (rules.md §9.2).
            errors["sample_size"] = _("Give a sample size or a sample ratio.")
        try:
            grade_shares_parse(self.grade_shares)
        except ValidationError as error:
            errors["grade_shares"] = error.messages
        else:
            if self.targeted and self.grade_shares:
                errors["grade_shares"] = _(
                    "Shares per grade apply to non-targeted plans; a targeted plan draws its "
                    "sample uniformly."
                )
        if self.grades and set(self.grades) - set(Grade.values):
            errors["grades"] = _("Grades are letters A to E, e.g. DE.")
        if not self.targeted and (
            self.industry_id or self.region_prefix or self.scale or self.grades
        ):
            errors["targeted"] = _("A plan with filters is a targeted plan; tick “targeted”.")
        if (
            isinstance(self.period_start, dt.date)
            and isinstance(self.period_end, dt.date)
            and self.period_end < self.period_start
        ):
            errors["period_end"] = _("The period cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class DrawMethod(models.TextChoices):
    """How a draw chose its objects, as its pool snapshot records it (rules.md §9.2)."""

    STRATIFIED = "stratified", _("Stratified by credit grade")
    UNIFORM = "uniform", _("Uniform within the pool")
    # Draws made before the stratified rule record no method.
    WEIGHTED = "weighted", _("Weighted by credit grade")


class DrawQuerySet(models.QuerySet["Draw"]):
    def current(self) -> DrawQuerySet:
        """Draws no later draw replaces."""
        return self.filter(superseded_by__isnull=True)

    def public(self) -> DrawQuerySet:
        return self.current().filter(published=True, plan__status=PlanStatus.PUBLISHED)


class Draw(models.Model):
    """One draw of a plan: the seed (derived from public plan data), the pool as it was,
    and the result. Replaying the seed on the snapshot gives the result again
    (supervision.services.draw_replay). A redraw is a new Draw naming the one it supersedes."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), related_name="draws", on_delete=models.PROTECT
    )
    seed = models.CharField(_("seed"), max_length=64)
    seed_source = models.CharField(_("seed derived from"), max_length=300)
    pool = models.JSONField(_("pool snapshot"))
    result = models.JSONField(_("result"))
    created_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_by_label = models.CharField(_("drawn by (label)"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        related_name="superseded_by",
        on_delete=models.PROTECT,
    )
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = DrawQuerySet.as_manager()

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} #{self.pk}"

    @property
    def method(self) -> str:
        """The method the pool snapshot records; none recorded: a weighted draw."""
        return str((self.pool or {}).get("method") or DrawMethod.WEIGHTED)

    @property
    def method_label(self) -> str:
        return str(DrawMethod(self.method).label)


class Outcome(models.TextChoices):
    NO_PROBLEM = "no_problem", _("No problem found")
    PROBLEMS_FOUND = "problems_found", _("Problems found")
    RECTIFICATION_ORDERED = "rectification_ordered", _("Rectification ordered")
    REFERRED_FOR_PENALTY = "referred_for_penalty", _("Referred for penalty")


class InspectionQuerySet(models.QuerySet["Inspection"]):
    def public(self) -> InspectionQuerySet:
        """Published results of published draws of published plans."""
        return self.filter(
            published_on__isnull=False,
            draw__published=True,
            draw__superseded_by__isnull=True,
            draw__plan__status=PlanStatus.PUBLISHED,
        ).exclude(outcome="")


class Inspection(models.Model):
    """One drawn object with its drawn inspectors, and the result once inspected."""

    draw = models.ForeignKey(
        Draw, verbose_name=_("draw"), related_name="inspections", on_delete=models.PROTECT
    )
    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), related_name="inspections", on_delete=models.PROTECT
    )
    inspectors = models.ManyToManyField(
        Inspector, verbose_name=_("inspectors"), related_name="inspections"
    )
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    published_on = models.DateField(_("result published on"), null=True, blank=True)
    penalty_record = models.OneToOneField(
        CreditRecord,
        verbose_name=_("resulting negative record"),
        null=True,
        blank=True,
        related_name="inspection",
        on_delete=models.PROTECT,
    )

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["draw", "id"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "subject"], name="inspection_once_per_draw"),
        ]
        indexes = [
            # The yearly cap counts a subject's inspections.
            models.Index(fields=["subject", "draw"], name="inspection_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.draw}"

    @property
    def publish_deadline(self):  # type: ignore[no-untyped-def]
        """20 working days after the inspection (a ``rules.workdays.Deadline``) or None."""
        if self.inspected_on is None:
            return None
        from rules.workdays import add_working_days

        return add_working_days(self.inspected_on, PUBLISH_WITHIN_WORKING_DAYS)

    def is_overdue(self, *, on: dt.date | None = None) -> bool:
        deadline = self.publish_deadline
        if deadline is None:
            return False
        day = on or timezone.localdate()
        if self.published_on is not None:
            return self.published_on > deadline.date
        return day > deadline.date
