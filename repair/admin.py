"""Officials' admin for the working-day calendar and the dated rule editions."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import GuardedModelAdmin, register_secret_fields

from .models import (
    AccessChallenge,
    Attachment,
    CalendarDay,
    CalendarYear,
    Case,
    CaseEvent,
    CreditServiceAgency,
    PublicityRule,
    RecordEdition,
    RepairBan,
    RuleEdition,
    SubjectContact,
    TrainingCertificate,
    TrainingCourse,
)

# Applicants' contact data, access codes and evidence files are for the officials of the
# case only: never a URL filter or search of anyone but administrators (rules.md §11.1).
register_secret_fields(Case, "access_code_hash", "contact_name", "contact_email", "contact_phone")
register_secret_fields(Attachment, "original_name", "stored_name", "sha256")
register_secret_fields(SubjectContact, "email")
register_secret_fields(AccessChallenge, "email", "code_hash", "client")


@admin.register(CalendarYear)
class CalendarYearAdmin(GuardedModelAdmin):
    list_display = ("year", "entered", "source", "updated_at")
    list_editable = ("entered",)


@admin.register(CalendarDay)
class CalendarDayAdmin(GuardedModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"


class PublicityRuleInline(admin.TabularInline):
    model = PublicityRule
    extra = 0


@admin.register(RuleEdition)
class RuleEditionAdmin(GuardedModelAdmin):
    list_display = ("code", "name_zh", "jurisdiction", "effective_from", "effective_until")
    list_filter = ("jurisdiction",)
    inlines = [PublicityRuleInline]


@admin.register(RecordEdition)
class RecordEditionAdmin(GuardedModelAdmin):
    list_display = ("record", "edition", "permanent_reason", "computed_at")
    list_select_related = ("edition", "record")
    raw_id_fields = ("record",)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class TrainingCertificateInline(admin.TabularInline):
    model = TrainingCertificate
    extra = 0
    raw_id_fields = ("subject",)


class TrainingCourseInline(admin.TabularInline):
    model = TrainingCourse
    extra = 0


@admin.register(CreditServiceAgency)
class CreditServiceAgencyAdmin(GuardedModelAdmin):
    """The registry of agencies approved to run credit repair training; approved agencies
    and their active courses are public at /repair/agencies/ (docs/rules.md §8.2)."""

    list_display = ("name", "name_en", "uscc", "approved", "approved_on", "approved_until")
    list_filter = ("approved",)
    search_fields = ("name", "name_en", "uscc")
    inlines = [TrainingCourseInline, TrainingCertificateInline]


@admin.register(RepairBan)
class RepairBanAdmin(GuardedModelAdmin):
    list_display = ("subject", "starts_on", "ends_on", "case")
    raw_id_fields = ("subject", "case")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # only repair_false_commitment creates bans

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("state", "at", "actor", "note")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Case)
class CaseAdmin(GuardedModelAdmin):
    """Read-only overview; officials act from the workbench (/repair/workbench/), whose
    buttons call the services."""

    list_display = (
        "reference",
        "kind",
        "subject",
        "department",
        "state",
        "due_on",
        "green_channel",
    )
    list_filter = ("kind", "state", "department")
    search_fields = ("reference", "subject__name", "subject__uscc")
    date_hierarchy = "received_on"
    inlines = [CaseEventInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        from core.actors import Actor

        qs = super().get_queryset(request).select_related("subject", "department")
        actor = Actor.for_user(request.user)
        if actor.is_unrestricted:
            return qs
        department = actor.department
        return qs.filter(department_id=department.pk if department else -1)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SubjectContact)
class SubjectContactAdmin(GuardedModelAdmin):
    """The contact e-mail of a subject, registered by officials after checking the
    enterprise's documents: one-time codes of verified access go there (docs/rules.md
    §8.8). Every save is audited."""

    list_display = ("subject", "updated_at")
    raw_id_fields = ("subject",)
    search_fields = ("subject__name", "subject__uscc")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from core.actors import Actor

        from .services.access import subject_contact_save

        subject_contact_save(
            actor=Actor.for_user(request.user),
            contact=obj,
            reason="admin: registered contact e-mail",
        )

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AccessChallenge)
class AccessChallengeAdmin(GuardedModelAdmin):
    """One-time codes sent (hashed): when, for which subject, how many wrong tries."""

    list_display = ("created_at", "scope", "subject", "attempts", "verified_at")
    list_filter = ("scope",)
    raw_id_fields = ("subject",)
    exclude = ("code_hash",)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
