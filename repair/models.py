"""Credit objections and repair applications, credit service agencies and training
certificates, repair bans.

The working-day calendar and the rule editions (``CalendarDay``, ``CalendarYear``,
``RuleEdition``, ``PublicityRule``, ``Jurisdiction``) are defined in ``rules.models`` and
``RecordEdition`` in ``enterprises.models``; their app label is ``repair`` and they are
re-exported here.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import RecordEdition
from rules.models import CalendarDay, CalendarYear, Jurisdiction, PublicityRule, RuleEdition

__all__ = [
    "AccessChallenge",
    "Attachment",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseEvent",
    "CaseKind",
    "CaseState",
    "CreditServiceAgency",
    "Decision",
    "GreenChannel",
    "Grounds",
    "Jurisdiction",
    "ObjectionCase",
    "PublicityRule",
    "RecordEdition",
    "RepairApplication",
    "RepairBan",
    "RuleEdition",
    "SubjectContact",
    "TrainingCertificate",
    "TrainingCourse",
]


# --- Credit service agencies and training certificates (rules.md §8.2) -----------


class CreditServiceAgency(models.Model):
    """A credit service agency approved to run credit repair training."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    approved = models.BooleanField(_("approved"), default=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_until = models.DateField(
        _("approved until"),
        null=True,
        blank=True,
        help_text=_("Last day of the approval; empty: until withdrawn."),
    )

    class Meta:
        verbose_name = _("credit service agency")
        verbose_name_plural = _("credit service agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def approved_at(self, day: dt.date) -> bool:
        """Approved on ``day``: the flag set, and ``day`` inside the approval period where
        its ends are recorded (docs/rules.md §8.2)."""
        return (
            self.approved
            and (self.approved_on is None or self.approved_on <= day)
            and (self.approved_until is None or day <= self.approved_until)
        )


class TrainingCourse(models.Model):
    """A credit repair training course run by an agency (public, docs/rules.md §8.2)."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")
        MIXED = "mixed", _("in person and online")

    agency = models.ForeignKey(
        CreditServiceAgency,
        verbose_name=_("agency"),
        related_name="courses",
        on_delete=models.CASCADE,
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.IN_PERSON)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["agency", "title_zh"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=3), name="course_at_least_3_hours"),
        ]

    def __str__(self) -> str:
        return self.title_zh


class TrainingCertificate(models.Model):
    """A credit repair training certificate issued by an approved agency (≥ 3 hours)."""

    agency = models.ForeignKey(
        CreditServiceAgency,
        verbose_name=_("agency"),
        related_name="certificates",
        on_delete=models.PROTECT,
    )
    number = models.CharField(_("certificate number"), max_length=60, unique=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    issued_on = models.DateField(_("date"))
    attendee = models.CharField(_("attendee"), max_length=100)
    subject = models.ForeignKey(
        "enterprises.Subject",
        verbose_name=_("credit subject"),
        related_name="training_certificates",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("training certificate")
        verbose_name_plural = _("training certificates")
        ordering = ["-issued_on"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=3), name="training_at_least_3_hours"),
        ]

    def __str__(self) -> str:
        return self.number


class RepairBan(models.Model):
    """No credit repair for the subject until ``ends_on`` (false repair commitment: 3 years)."""

    subject = models.ForeignKey(
        "enterprises.Subject",
        verbose_name=_("credit subject"),
        related_name="repair_bans",
        on_delete=models.PROTECT,
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.TextField(_("reason"))
    case = models.ForeignKey(
        "repair.Case",
        verbose_name=_("case"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("repair ban")
        verbose_name_plural = _("repair bans")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="repair_ban_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.starts_on}–{self.ends_on}"


# --- Objections and repair applications -------------------------------------------------


class CaseKind(models.TextChoices):
    OBJECTION = "objection", _("Credit objection")
    REPAIR = "repair", _("Credit repair application")


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INCOMPLETE = "incomplete", _("Material incomplete")
    ACCEPTED = "accepted", _("Accepted")
    GRANTED = "granted", _("Granted, to be carried out")
    REFUSED = "refused", _("Refused")
    PUBLISHED = "published", _("Repaired, published for objections")
    CLOSED = "closed", _("Closed")
    REVERSED = "reversed", _("Repair reversed")
    DECIDED = "decided", _("Decided")


class Grounds(models.TextChoices):
    FACTUAL_ERROR = "factual_error", _("Factual or typographical error")
    BEYOND_PERIOD = "beyond_period", _("Shown beyond its publicity period")
    LISTED_WITHOUT_CRITERIA = "listed_without_criteria", _("Listed without meeting the criteria")
    REPAIR_WRONG = "repair_wrong", _("A published repair should not have been granted")
    REFUSAL_WRONG = "refusal_wrong", _("A refused repair should have been granted")


class Decision(models.TextChoices):
    GRANTED = "granted", _("Repair granted")
    REFUSED = "refused", _("Repair refused")
    CORRECTED = "corrected", _("Record corrected")
    REVOKED = "revoked", _("Record revoked")
    KEPT = "kept", _("Objection rejected, information kept")
    REPAIR_REVERSED = "repair_reversed", _("Objection upheld, repair reversed")
    REFUSAL_OVERTURNED = "refusal_overturned", _("Objection upheld, repair to be decided again")


class GreenChannel(models.TextChoices):
    EPIDEMIC = "epidemic", _("Epidemic prevention and control")
    MEDICAL = "medical", _("Medical supplies")
    NECESSITIES = "necessities", _("Daily necessities")
    FORCE_MAJEURE = "force_majeure", _("Hit by force majeure")
    PROXY_ABROAD = "proxy_abroad", _("Legal representative abroad, signing by proxy")


class Case(models.Model):
    """An objection or a repair application: one table, two state machines
    (``repair.services``), so that the workbench, reminders and statistics read one place.
    ``ObjectionCase`` and ``RepairApplication`` are proxies restricted to one kind."""

    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices)
    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    access_code_hash = models.CharField(_("access code (hashed)"), max_length=64)
    subject = models.ForeignKey(
        "enterprises.Subject",
        verbose_name=_("credit subject"),
        related_name="repair_cases",
        on_delete=models.PROTECT,
    )
    department = models.ForeignKey(
        "enterprises.Department",
        verbose_name=_("handling department"),
        related_name="repair_cases",
        on_delete=models.PROTECT,
    )
    records = models.ManyToManyField(
        "enterprises.CreditRecord", verbose_name=_("credit records"), related_name="repair_cases"
    )
    list_entries = models.ManyToManyField(
        "lists.ListEntry", verbose_name=_("list entries"), related_name="repair_cases", blank=True
    )
    objected_case = models.ForeignKey(
        "self",
        verbose_name=_("repair objected to"),
        related_name="objections",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    grounds = models.CharField(_("grounds"), max_length=30, choices=Grounds.choices, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    training_certificate = models.ForeignKey(
        TrainingCertificate,
        verbose_name=_("training certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    contact_name = models.CharField(_("contact name"), max_length=100)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    green_channel = models.CharField(
        _("green channel"), max_length=20, choices=GreenChannel.choices, blank=True
    )
    green_channel_reason = models.TextField(_("green channel reason"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=CaseState.choices, default=CaseState.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("next step due by"), null=True, blank=True)
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    decision_due = models.DateField(_("decision due by"), null=True, blank=True)
    decision_due_provisional = models.BooleanField(
        _("decision due date provisional"), default=False
    )
    # The running clocks of ``due_on`` and ``decision_due``: the day counted from and the
    # working days counted, so that a provisional date can be counted again once its year
    # is entered (docs/rules.md §13). Empty for a date set before they were stored.
    due_from = models.DateField(_("next step counted from"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(
        _("next step due in (working days)"), null=True, blank=True
    )
    decision_due_from = models.DateField(_("decision counted from"), null=True, blank=True)
    decision_due_days = models.PositiveSmallIntegerField(
        _("decision due in (working days)"), null=True, blank=True
    )
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(_("reasons of the decision"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    carried_out_on = models.DateField(_("carried out on"), null=True, blank=True)
    publication_ends = models.DateField(_("publication ends"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    correction = models.JSONField(_("correction"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("objection or repair case")
        verbose_name_plural = _("objection and repair cases")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_days__lte=15), name="case_extension_at_most_20_days"
            ),
        ]
        indexes = [
            # The workbench and the reminder job: open cases of a department by deadline.
            models.Index(fields=["department", "state", "due_on"], name="case_workbench_idx"),
            # Statistics: cases received per month.
            models.Index(fields=["received_on"], name="case_received_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state not in OPEN_EXCLUDED


OPEN_EXCLUDED = frozenset(
    {CaseState.CLOSED, CaseState.REFUSED, CaseState.REVERSED, CaseState.DECIDED}
)


class ObjectionCaseManager(models.Manager["ObjectionCase"]):
    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().filter(kind=CaseKind.OBJECTION)


class RepairApplicationManager(models.Manager["RepairApplication"]):
    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().filter(kind=CaseKind.REPAIR)


class ObjectionCase(Case):
    objects: ClassVar[ObjectionCaseManager] = ObjectionCaseManager()  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = _("credit objection")
        verbose_name_plural = _("credit objections")


class RepairApplication(Case):
    objects: ClassVar[RepairApplicationManager] = RepairApplicationManager()  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")


class CaseEvent(models.Model):
    """One step in the history of a case, shown to the applicant on the tracking page."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), related_name="events", on_delete=models.CASCADE
    )
    state = models.CharField(_("state"), max_length=12, choices=CaseState.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.CharField(_("actor"), max_length=200)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.state} {self.at:%Y-%m-%d}"


class Attachment(models.Model):
    """An uploaded document, stored under ``settings.REPAIR_UPLOAD_DIR`` by random name."""

    class Purpose(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        OPINION = "opinion", _("Opinion of the identifying unit")
        COMMITMENT = "commitment", _("Letter of Commitment to Credit Repair")
        TRAINING = "training", _("Training certificate")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), related_name="attachments", on_delete=models.CASCADE
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    original_name = models.CharField(_("file name"), max_length=200)
    stored_name = models.CharField(_("stored as"), max_length=80, unique=True)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


# --- Verified access (docs/rules.md §8.8) ------------------------------------------------


class SubjectContact(models.Model):
    """The contact e-mail a subject registered with the officials: one-time codes of
    verified access go there. Held by officials, never public (docs/rules.md §11.1)."""

    subject = models.OneToOneField(
        "enterprises.Subject",
        verbose_name=_("credit subject"),
        related_name="access_contact",
        on_delete=models.PROTECT,
    )
    email = models.EmailField(_("contact e-mail for verified access"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("registered contact e-mail")
        verbose_name_plural = _("registered contact e-mails")

    def __str__(self) -> str:
        return str(self.subject_id)


class AccessChallenge(models.Model):
    """One one-time code sent for verified access: to a subject's registered contact
    e-mail (``enterprise``) or to a stakeholder's own e-mail (``email``). Only an HMAC of
    the code is stored; the rows also count the codes sent per address, subject and e-mail
    for the limits (docs/rules.md §8.8)."""

    class Scope(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise (registered contact e-mail)")
        EMAIL = "email", _("Stakeholder (own e-mail)")

    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    subject = models.ForeignKey(
        "enterprises.Subject",
        verbose_name=_("credit subject"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    email = models.EmailField(_("sent to"))
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    client = models.CharField(_("client address"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="email") | Q(subject__isnull=False),
                name="access_challenge_enterprise_has_subject",
            ),
        ]
        indexes = [
            # The limits: codes sent per client address, per subject, per e-mail in an hour.
            models.Index(fields=["client", "created_at"], name="access_client_idx"),
            models.Index(fields=["subject", "created_at"], name="access_subject_idx"),
            models.Index(fields=["email", "created_at"], name="access_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.created_at:%Y-%m-%d %H:%M}"
