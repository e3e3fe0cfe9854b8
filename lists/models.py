"""Red and black lists, their entries, and the disciplinary measures they carry
(rules.md §5).

Nothing here is deleted: an entry that ends keeps its row with ``status=removed``,
the date and the reason; the audit trail says who did it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Department, Disclosure, Subject
from rules.models import Jurisdiction


class Label(models.TextChoices):
    """Credit China's labels (rules.md §3.9)."""

    PUNISHED = "punished", _("Untrustworthy punished subject")  # 失信惩戒对象
    ENCOURAGED = "encouraged", _("Trust-keeping encouraged subject")  # 守信激励对象


class DisciplinaryMeasureEdition(models.Model):
    """A dated edition of a measures list: the National Basic List (2021, in force
    2022-01-01; room for 2024) or a provincial supplementary list that only expands
    national items (Zhejiang 2022)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=12, choices=Jurisdiction.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=250)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    issuer_en = models.CharField(_("issued by (English)"), max_length=300, blank=True)
    effective_from = models.DateField(_("in force from"))
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    source_url = models.URLField(_("source"), blank=True)
    supplements = models.ForeignKey(
        "self",
        verbose_name=_("supplements the edition"),
        null=True,
        blank=True,
        related_name="supplementary_editions",
        on_delete=models.PROTECT,
        help_text=_("A provincial supplementary list names the national edition it expands."),
    )

    class Meta:
        verbose_name = _("disciplinary-measures edition")
        verbose_name_plural = _("disciplinary-measures editions")
        ordering = ["jurisdiction", "-effective_from"]

    def __str__(self) -> str:
        return self.name_zh


class DisciplinaryMeasure(models.Model):
    """One item of a measures list. A provincial item ``extends`` a national item and
    only widens its scope (it never adds a new kind of punishment)."""

    class Category(models.TextChoices):
        RESTRICTIVE = "1", _("Restricts rights or adds obligations (public bodies)")
        MANAGEMENT = "2", _("Management measures without restricting rights (public bodies)")
        NON_PUBLIC = "3", _("Measures taken by organisations other than public bodies")

    edition = models.ForeignKey(
        DisciplinaryMeasureEdition,
        verbose_name=_("edition"),
        related_name="measures",
        on_delete=models.PROTECT,
    )
    number = models.PositiveSmallIntegerField(
        _("item number"),
        help_text=_("The national item number (a supplement: the item it expands)."),
    )
    code = models.CharField(
        _("code"), max_length=20, help_text=_("Unique within the edition, e.g. 8 or 8-ZJ-1.")
    )
    category = models.CharField(_("category"), max_length=1, choices=Category.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    extends = models.ForeignKey(
        "self",
        verbose_name=_("expands the national item"),
        null=True,
        blank=True,
        related_name="supplements",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("disciplinary measure")
        verbose_name_plural = _("disciplinary measures")
        ordering = ["edition", "number", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="measure_edition_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name_zh}"


class CreditListQuerySet(models.QuerySet["CreditList"]):
    def published(self) -> CreditListQuerySet:
        return self.filter(is_published=True)


class CreditList(models.Model):
    """A red (守信) or black (严重失信) list, national or provincial (rules.md §5)."""

    class Color(models.TextChoices):
        RED = "red", _("Red list")
        BLACK = "black", _("Black list")

    class Scope(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")

    class EndRule(models.TextChoices):
        TERM = "term", _("When its term ends")
        OBLIGATION = "obligation", _("When the obligation is fulfilled")
        TERM_OR_OBLIGATION = (
            "term_or_obligation",
            _("When its term ends or the obligation is fulfilled"),
        )
        REVIEW = "review", _("When the next review no longer confirms it")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=200)
    color = models.CharField(_("colour"), max_length=5, choices=Color.choices)
    is_serious = models.BooleanField(
        _("serious-untrustworthiness list"),
        default=True,
        help_text=_(
            "Black lists of seriously untrustworthy subjects (严重失信主体名单) make a subject "
            "an untrustworthy punished subject; others (e.g. abnormal operations) do not."
        ),
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=12, choices=Jurisdiction.choices)
    authority = models.ForeignKey(
        Department,
        verbose_name=_("source authority"),
        related_name="credit_lists",
        on_delete=models.PROTECT,
    )
    # Each text in both languages; the plain field keeps the language it was first written
    # in (legal basis Chinese, criteria and rules English), the page picks by language
    # (core/templatetags/localized.py).
    legal_basis = models.TextField(_("legal basis"))
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True)
    criteria = models.TextField(_("listing criteria"))
    criteria_zh = models.TextField(_("listing criteria (Chinese)"), blank=True)
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), null=True, blank=True, help_text=_("Empty: no fixed term.")
    )
    end_rule = models.CharField(_("how an entry ends"), max_length=20, choices=EndRule.choices)
    end_rule_text = models.TextField(_("how an entry ends (details)"), blank=True)
    end_rule_text_zh = models.TextField(_("how an entry ends (details, Chinese)"), blank=True)
    objection_working_days = models.PositiveSmallIntegerField(
        _("working days to object before listing"),
        default=0,
        help_text=_(
            "Notice before listing, as the list's own basis sets it: 0 lists an entry "
            "without notice (court lists); SAMR serious-violation list: 10 working days."
        ),
    )
    removal_working_days = models.PositiveSmallIntegerField(
        _("working days to remove after fulfilment"),
        null=True,
        blank=True,
        help_text=_("Court list: within 3 working days once the obligations are fulfilled."),
    )
    moves_to = models.ForeignKey(
        "self",
        verbose_name=_("unperformed entries move onto"),
        null=True,
        blank=True,
        related_name="moved_from_lists",
        on_delete=models.PROTECT,
        help_text=_(
            "Abnormal operations: an entry listed this long without the obligation "
            "performed is proposed for the SAMR serious-violation list."
        ),
    )
    moves_after_months = models.PositiveSmallIntegerField(
        _("move after (months listed)"), null=True, blank=True
    )
    repair_allowed = models.BooleanField(_("early removal by credit repair allowed"), default=False)
    repair_min_months = models.PositiveSmallIntegerField(
        _("minimum time listed before repair (months)"), null=True, blank=True
    )
    repair_forbidden_times_listed = models.PositiveSmallIntegerField(
        _("repair refused from this many listings"),
        null=True,
        blank=True,
        help_text=_("E.g. 2: repair is refused for a subject listed two or more times."),
    )
    repair_rule = models.TextField(_("repair rule"), blank=True)
    repair_rule_zh = models.TextField(_("repair rule (Chinese)"), blank=True)
    measures = models.ManyToManyField(
        DisciplinaryMeasure,
        verbose_name=_("applicable disciplinary measures"),
        related_name="credit_lists",
        blank=True,
    )
    source_url = models.URLField(_("source"), blank=True)
    is_published = models.BooleanField(_("published on the portal"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CreditListQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit list")
        verbose_name_plural = _("credit lists")
        ordering = ["scope", "-color", "position", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(color="black") | Q(repair_allowed=False),
                name="credit_list_repair_black_only",
                violation_error_message=_("Only black lists have credit repair."),
            ),
            models.CheckConstraint(
                condition=Q(moves_to__isnull=True) | Q(moves_after_months__gt=0),
                name="credit_list_move_has_months",
                violation_error_message=_("Say after how many months entries move."),
            ),
        ]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def is_black(self) -> bool:
        return self.color == self.Color.BLACK


class ListEntryQuerySet(models.QuerySet["ListEntry"]):
    def public(self) -> ListEntryQuerySet:
        """Entries the public may see at all: fully public, listed (not proposed/notified),
        of an organisation (natural persons' information is not public in Zhejiang)."""
        return self.filter(
            disclosure=Disclosure.PUBLIC,
            credit_list__is_published=True,
            listed_on__isnull=False,
        ).exclude(subject__subject_type=Subject.SubjectType.NATURAL_PERSON)


class ListEntry(models.Model):
    """A subject on a list: proposed → notified (may object) → listed → removed."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        NOTIFIED = "notified", _("Subject notified")
        LISTED = "listed", _("Listed")
        REMOVED = "removed", _("Removed")

    class RemovalReason(models.TextChoices):
        TERM_OVER = "term_over", _("Term over")
        REPAIRED = "repaired", _("Credit repaired")
        OBLIGATION_FULFILLED = "obligation_fulfilled", _("Obligation fulfilled")
        REVOKED_AFTER_OBJECTION = "revoked_after_objection", _("Revoked after objection")

    credit_list = models.ForeignKey(
        CreditList, verbose_name=_("list"), related_name="entries", on_delete=models.PROTECT
    )
    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), related_name="list_entries", on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("identifying department"),
        related_name="list_entries",
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    reason = models.TextField(_("reason (shown to the public)"))
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    disclosure = models.CharField(
        _("disclosure level"), max_length=12, choices=Disclosure.choices, default=Disclosure.PUBLIC
    )
    times_listed = models.PositiveSmallIntegerField(
        _("times listed"),
        default=1,
        help_text=_("How many times this subject has been put on this list, this one included."),
    )
    proposed_on = models.DateField(_("proposed on"))
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    objection_deadline = models.DateField(_("objection deadline"), null=True, blank=True)
    objection_deadline_provisional = models.BooleanField(
        _("deadline provisional"),
        default=False,
        help_text=_("The deadline falls in a year whose official calendar is not entered yet."),
    )
    listed_on = models.DateField(_("listed (published) on"), null=True, blank=True)
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    obligation_fulfilled_on = models.DateField(_("obligation fulfilled on"), null=True, blank=True)
    removal_due = models.DateField(_("removal due by"), null=True, blank=True)
    removal_due_provisional = models.BooleanField(_("removal date provisional"), default=False)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.CharField(
        _("removal reason"), max_length=24, choices=RemovalReason.choices, blank=True
    )
    moved_from = models.ForeignKey(
        "self",
        verbose_name=_("moved from the entry"),
        null=True,
        blank=True,
        related_name="moved_to_entries",
        on_delete=models.PROTECT,
        help_text=_("The abnormal-operations entry whose 3 years on the list proposed this one."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=False)

    objects = ListEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["-listed_on", "-id"]
        constraints = [
            # One open entry per subject and list; earlier ones stay as history.
            models.UniqueConstraint(
                fields=["credit_list", "subject"],
                condition=~Q(status="removed"),
                name="list_entry_one_open",
                violation_error_message=_("This subject already has an open entry on this list."),
            ),
            # An entry moves onto another list once (rules.md §5.3).
            models.UniqueConstraint(
                fields=["moved_from"],
                condition=Q(moved_from__isnull=False),
                name="list_entry_moved_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="listed") | Q(listed_on__isnull=False),
                name="list_entry_listed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="removed")
                | (Q(removed_on__isnull=False) & ~Q(removal_reason="")),
                name="list_entry_removed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(listed_on__isnull=True)
                | Q(term_end__gte=models.F("listed_on")),
                name="list_entry_term_after_listing",
            ),
        ]
        indexes = [
            # A list page: its listed entries, newest first.
            models.Index(
                fields=["credit_list", "status", "-listed_on"], name="list_entry_list_status_idx"
            ),
            # Labels and the check API: a subject's entries in force.
            models.Index(fields=["subject", "status"], name="list_entry_subject_idx"),
            # The expiry job: listed entries whose term has ended.
            models.Index(
                fields=["term_end"],
                name="list_entry_term_due_idx",
                condition=Q(status="listed", term_end__isnull=False),
            ),
            # changed_since on the API.
            models.Index(fields=["updated_at"], name="list_entry_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_list.slug}: {self.subject_id} ({self.status})"
