"""The working-day calendar and the dated rule editions of publicity periods and repair.

- ``CalendarDay`` / ``CalendarYear``: the editable table of Chinese working days
  (docs/rules.md §13), seeded from ``chinese-calendar``; a year an official has not
  entered yet is computed on weekends alone and every deadline in it is *provisional*.
- ``RuleEdition`` / ``PublicityRule``: publicity periods, permanent cases and minimum
  periods before repair, per jurisdiction, as dated editions (docs/rules.md §6).

Their app label stays ``repair``, where the tables were created: the tables, migrations,
content types and admin URLs are unchanged; only the classes live here, below the domain
apps (docs/decisions.md, "Shared tables keep their app label").
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

APP_LABEL = "repair"


class Jurisdiction(models.TextChoices):
    """Whose rules: the nation, Zhejiang province, or a sector regulator's own rules."""

    NATIONAL = "national", _("National")
    ZHEJIANG = "zhejiang", _("Zhejiang")
    SAMR = "samr", _("Market regulation (SAMR)")


# --- Working-day calendar ---------------------------------------------------------------


class CalendarYear(models.Model):
    """One calendar year: ``entered`` once the State Council's calendar for it is in the
    table (from the package or typed in by an official). Deadlines falling in a year
    that is not entered are provisional."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    entered = models.BooleanField(
        _("official calendar entered"),
        default=False,
        help_text=_(
            "Tick once the State Council's holiday calendar for this year is in the table; "
            "until then deadlines in this year skip weekends and the statutory holidays "
            "computed from the lunar calendar, and are marked provisional (the make-up days "
            "are not known yet)."
        ),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        app_label = APP_LABEL
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that is not an ordinary weekday/weekend: a public holiday or a make-up
    working day (调休). Ordinary days are not stored: Monday–Friday work, weekends rest."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (no work)")
        MAKEUP = "makeup", _("Make-up working day")

    date = models.DateField(_("date"), primary_key=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("holiday"), max_length=60, blank=True)

    class Meta:
        app_label = APP_LABEL
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.MAKEUP


# --- Rule editions ------------------------------------------------------------------------


class RuleEdition(models.Model):
    """A dated set of publicity and repair rules of one jurisdiction (rules.md §6, §12).

    The edition in force on a record's decision date decides its publicity end.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=12, choices=Jurisdiction.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=250)
    issuer = models.CharField(_("issued by"), max_length=150, blank=True)
    document = models.CharField(_("document number"), max_length=100, blank=True)
    effective_from = models.DateField(_("in force from"))
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    source_url = models.URLField(_("source"), blank=True)
    permanent_penalty_types = models.JSONField(
        _("penalty types published without end"),
        default=list,
        blank=True,
        help_text=_("E.g. licence revoked, ordered to close down, permanent restriction."),
    )
    serious_permanent_count = models.PositiveSmallIntegerField(
        _("serious penalties making publicity permanent"),
        null=True,
        blank=True,
        help_text=_(
            "A legal person with this many serious penalties within the window is "
            "published without end. Empty: no such rule."
        ),
    )
    serious_permanent_window_months = models.PositiveSmallIntegerField(
        _("window for counting serious penalties (months)"), default=12
    )
    simplified_procedure_negative = models.BooleanField(
        _("simplified-procedure penalties are negative information"),
        default=True,
        help_text=_("Zhejiang: penalties under the simplified procedure are not negative."),
    )
    repair_needs_clean_record = models.BooleanField(
        _("repair needs a clean record since the decision"),
        default=False,
        help_text=_(
            "Zhejiang: no new negative information may arise between the decision and the "
            "application for repair."
        ),
    )
    keeps_public_while_listed = models.BooleanField(
        _("kept public while on a serious black list"),
        default=False,
        help_text=_(
            "Zhejiang: a record whose publicity ends while its subject is on a serious black "
            "list in force stays public until the listing ends."
        ),
    )
    reference_only = models.BooleanField(
        _("reference only"),
        default=False,
        help_text=_(
            "A text kept for reference that was never in force (a draft for comment): never "
            "applied to a record."
        ),
    )
    unpublished_penalty_types = models.JSONField(
        _("penalty types not published"),
        default=list,
        blank=True,
        help_text=_("E.g. SAMR: warnings are not published."),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("retention of negative information (months)"),
        null=True,
        blank=True,
        help_text=_(
            "Kept in the credit file for government use this long from the decision, then "
            "archived. Empty: this edition sets no retention."
        ),
    )
    publication_deadline_days = models.PositiveSmallIntegerField(
        _("publish within (working days)"),
        null=True,
        blank=True,
        help_text=_("SAMR: a penalty is published within 20 working days of the decision."),
    )
    withdrawal_deadline_days = models.PositiveSmallIntegerField(
        _("withdraw within (working days)"),
        null=True,
        blank=True,
        help_text=_("SAMR: a revoked decision is withdrawn within 3 working days."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        app_label = APP_LABEL
        verbose_name = _("rule edition")
        verbose_name_plural = _("rule editions")
        ordering = ["jurisdiction", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=models.F("effective_from")),
                name="rule_edition_dates_ordered",
            ),
        ]
        indexes = [
            # publicity_end_for(): the edition of a jurisdiction in force on a date.
            models.Index(
                fields=["jurisdiction", "effective_from"], name="rule_edition_in_force_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name_zh

    def in_force_on(self, day) -> bool:  # type: ignore[no-untyped-def]
        return self.effective_from <= day and (
            self.effective_until is None or day <= self.effective_until
        )


class PublicityRule(models.Model):
    """Publicity period and repair minimum for one kind of information and severity."""

    class InfoKind(models.TextChoices):
        PENALTY = "penalty", _("Administrative penalty")
        CONDUCT = "conduct", _("Other untrustworthy conduct")
        ANY = "any", _("Any negative information")

    edition = models.ForeignKey(
        RuleEdition, verbose_name=_("edition"), related_name="rules", on_delete=models.CASCADE
    )
    info_kind = models.CharField(_("information"), max_length=10, choices=InfoKind.choices)
    severity = models.CharField(
        _("severity"),
        max_length=10,
        choices=[("minor", _("Minor")), ("general", _("General")), ("serious", _("Serious"))],
    )
    publicity_months = models.PositiveSmallIntegerField(
        _("publicity (months)"),
        help_text=_("Maximum publicity from the decision date; publicity stops by itself then."),
    )
    published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Untick where such information is in principle not published."),
    )
    repair_allowed = models.BooleanField(_("repair allowed"), default=True)
    repair_min_months = models.PositiveSmallIntegerField(
        _("minimum publicity before repair (months)"), default=0
    )

    class Meta:
        app_label = APP_LABEL
        verbose_name = _("publicity rule")
        verbose_name_plural = _("publicity rules")
        ordering = ["edition", "info_kind", "severity"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "info_kind", "severity"], name="publicity_rule_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition.code} {self.info_kind}/{self.severity}: {self.publicity_months}"
