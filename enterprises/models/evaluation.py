"""The indicator catalogue (editions, indicators, rules) and public credit evaluations.

rules.md §4.1–§4.3. The catalogue is data: an edition is drafted,
validated (children sum to their parent, primaries to 1000) and activated; one
edition per jurisdiction is active at a time. How one record moves an indicator is
a rule row per tertiary indicator (docs/scoring.md explains every default).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .core import Subject

__all__ = [
    "Edition",
    "Evaluation",
    "Grade",
    "Indicator",
    "IndicatorRule",
    "ScoreHistory",
]


class Grade(models.TextChoices):
    """Zhejiang's five grades (rules.md §4.1); thresholds live on the edition."""

    A = "A", _("Excellent")  # 优秀
    B = "B", _("Good")  # 良好
    C = "C", _("Average")  # 中等
    D = "D", _("Fairly poor")  # 较差
    E = "E", _("Poor")  # 差


class Edition(models.Model):
    """A dated, versioned edition of an evaluation catalogue for one jurisdiction."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=40, default="zhejiang")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    source = models.TextField(_("source"), blank=True, help_text=_("The official text it follows."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    total = models.PositiveIntegerField(_("total points"), default=1000)
    # Grade floors (rules.md §4.1: A ≥ 850, B 800–849, C 750–799, D 700–749, E below).
    grade_a_min = models.PositiveIntegerField(_("lowest score of grade A"), default=850)
    grade_b_min = models.PositiveIntegerField(_("lowest score of grade B"), default=800)
    grade_c_min = models.PositiveIntegerField(_("lowest score of grade C"), default=750)
    grade_d_min = models.PositiveIntegerField(_("lowest score of grade D"), default=700)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("evaluation catalogue edition")
        verbose_name_plural = _("evaluation catalogue editions")
        ordering = ["jurisdiction", "-created_at"]
        constraints = [
            # One edition in force per jurisdiction.
            models.UniqueConstraint(
                fields=["jurisdiction"],
                condition=Q(status="active"),
                name="edition_one_active_per_jurisdiction",
            ),
            models.CheckConstraint(
                condition=Q(grade_a_min__gt=models.F("grade_b_min"))
                & Q(grade_b_min__gt=models.F("grade_c_min"))
                & Q(grade_c_min__gt=models.F("grade_d_min")),
                name="edition_grade_floors_descending",
            ),
        ]

    def __str__(self) -> str:
        return self.name_zh

    def grade_for(self, score: int) -> str:
        if score >= self.grade_a_min:
            return Grade.A
        if score >= self.grade_b_min:
            return Grade.B
        if score >= self.grade_c_min:
            return Grade.C
        if score >= self.grade_d_min:
            return Grade.D
        return Grade.E


class Indicator(models.Model):
    """A primary (level 1), secondary (2) or tertiary (3) indicator with its weight."""

    class Level(models.IntegerChoices):
        PRIMARY = 1, _("Primary")
        SECONDARY = 2, _("Secondary")
        TERTIARY = 3, _("Tertiary")

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), related_name="indicators", on_delete=models.CASCADE
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        related_name="children",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    code = models.CharField(_("code"), max_length=12)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_zh = models.TextField(_("explanation (Chinese)"), blank=True)
    description_en = models.TextField(_("explanation (English)"), blank=True)
    weight = models.PositiveIntegerField(_("weight"))
    data_sources_zh = models.CharField(_("data-source departments (Chinese)"), max_length=200)
    data_sources_en = models.CharField(_("data-source departments (English)"), max_length=300)
    adds = models.BooleanField(
        _("adds points"),
        default=False,
        help_text=_("Social responsibility adds for good behaviour; the others deduct."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["edition", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="indicator_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh} ({self.weight})"


class IndicatorRule(models.Model):
    """How information moves one tertiary indicator (docs/scoring.md).

    Each counting record (or list entry) gives points by severity, reduced to
    ``aged_percent`` once it is older than ``full_years`` and ignored once older than
    ``max_years``; within the indicator the largest counts in full and each further
    one at ``repeat_percent``; the total never exceeds the indicator's weight.
    """

    indicator = models.OneToOneField(
        Indicator, verbose_name=_("indicator"), related_name="rule", on_delete=models.CASCADE
    )
    record_kinds = models.JSONField(
        _("record kinds"), default=list, blank=True, help_text=_("Record kinds that count here.")
    )
    tax_credit_levels = models.JSONField(
        _("tax credit levels"),
        default=list,
        blank=True,
        help_text=_("Tax credit ratings at these levels count here (Class A taxpayers)."),
    )
    list_color = models.CharField(
        _("list entries"),
        max_length=5,
        blank=True,
        choices=[("red", _("Red lists")), ("black", _("Black lists"))],
        help_text=_("Active entries on lists of this colour count here."),
    )
    points_minor = models.PositiveIntegerField(_("points per minor record"), default=0)
    points_general = models.PositiveIntegerField(_("points per general record"), default=0)
    points_serious = models.PositiveIntegerField(
        _("points per serious record"),
        default=0,
        help_text=_("Also used for black-list entries, which are serious by definition."),
    )
    points_unrated = models.PositiveIntegerField(
        _("points per record without severity"),
        default=0,
        help_text=_("Trust-keeping records and red-list entries."),
    )
    repeat_percent = models.PositiveSmallIntegerField(
        _("further records count at (%)"),
        default=100,
        validators=[MaxValueValidator(100)],
    )
    full_years = models.PositiveSmallIntegerField(
        _("counts in full for (years)"), null=True, blank=True
    )
    aged_percent = models.PositiveSmallIntegerField(
        _("then counts at (%)"),
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_years = models.PositiveSmallIntegerField(
        _("stops counting after (years)"), null=True, blank=True
    )
    reasoning = models.TextField(_("reasoning"), blank=True)

    class Meta:
        verbose_name = _("indicator rule")
        verbose_name_plural = _("indicator rules")

    def __str__(self) -> str:
        return str(self.indicator)


class Evaluation(models.Model):
    """The current public credit evaluation of one subject (natural persons: none)."""

    subject = models.OneToOneField(
        Subject, verbose_name=_("subject"), related_name="evaluation", on_delete=models.CASCADE
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(1000)]
    )
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    evaluated_at = models.DateTimeField(_("evaluated at"))
    evaluated_on = models.DateField(_("evaluation date"))
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), related_name="+", on_delete=models.PROTECT
    )
    breakdown = models.JSONField(
        _("breakdown"), default=dict, blank=True, help_text=_("Points per tertiary indicator.")
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=1000), name="evaluation_score_range"),
        ]
        indexes = [
            # The search API's grade filter.
            models.Index(fields=["grade"], name="evaluation_grade_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id}: {self.score} {self.grade}"


class ScoreHistory(models.Model):
    """A row whenever a subject's score changes: the credit file's history chart."""

    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), related_name="score_history", on_delete=models.CASCADE
    )
    score = models.PositiveSmallIntegerField(_("score"))
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    at = models.DateTimeField(_("at"))
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("score history")
        verbose_name_plural = _("score history")
        ordering = ["subject", "at", "id"]
        indexes = [
            # A credit file's chart: one subject's history in time order.
            models.Index(fields=["subject", "at"], name="scorehistory_subject_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.at:%Y-%m-%d}: {self.score}"
