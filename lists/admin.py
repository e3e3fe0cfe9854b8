"""Officials' admin for lists, entries and disciplinary measures.

List definitions and measures are reference data edited here. Entries move through
``lists.services`` only (propose in the admin form; notify, list and remove as actions),
so the procedure, the audit trail and rescoring are the same as everywhere else.
Nothing is deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from core.admin.base import GuardedModelAdmin
from core.exceptions import DomainError

from . import services
from .models import CreditList, DisciplinaryMeasure, DisciplinaryMeasureEdition, ListEntry


class MeasureInline(admin.TabularInline):
    model = DisciplinaryMeasure
    fk_name = "edition"
    extra = 0
    fields = ("number", "code", "category", "name_zh", "name_en", "extends")
    raw_id_fields = ("extends",)


@admin.register(DisciplinaryMeasureEdition)
class DisciplinaryMeasureEditionAdmin(GuardedModelAdmin):
    list_display = ("code", "name_zh", "jurisdiction", "effective_from", "effective_until")
    inlines = [MeasureInline]


@admin.register(DisciplinaryMeasure)
class DisciplinaryMeasureAdmin(GuardedModelAdmin):
    list_display = ("code", "name_zh", "name_en", "category", "edition", "extends")
    list_filter = ("edition", "category")
    search_fields = ("name_zh", "name_en", "code")


@admin.register(CreditList)
class CreditListAdmin(GuardedModelAdmin):
    list_display = (
        "name_zh",
        "color",
        "scope",
        "authority",
        "term_months",
        "objection_working_days",
        "moves_to",
        "is_published",
    )
    list_filter = ("color", "scope", "jurisdiction", "is_published")
    search_fields = ("name_zh", "name_en", "slug")
    filter_horizontal = ("measures",)
    prepopulated_fields = {"slug": ("name_en",)}

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _run(request: HttpRequest, queryset: QuerySet[ListEntry], step: Any, **kwargs: Any) -> None:
    actor = Actor.for_user(request.user)
    done = 0
    for entry in queryset:
        try:
            step(actor=actor, entry=entry, **kwargs)
            done += 1
        except (DomainError, ValidationError) as error:
            messages.error(request, f"{entry}: {error}")
    if done:
        messages.success(request, _("%(n)d entries changed.") % {"n": done})


@admin.register(ListEntry)
class ListEntryAdmin(GuardedModelAdmin):
    list_display = (
        "subject",
        "credit_list",
        "status",
        "listed_on",
        "term_end",
        "objection_deadline",
        "objection_deadline_provisional",
        "removal_reason",
    )
    list_filter = ("status", "credit_list", "disclosure", "removal_reason")
    list_select_related = ("subject", "credit_list")
    search_fields = ("subject__uscc", "document_number")
    raw_id_fields = ("subject",)
    date_hierarchy = "listed_on"
    show_full_result_count = False
    actions = ["notify", "list_now", "remove_term_over", "remove_fulfilled", "remove_revoked"]
    fields = (
        "credit_list",
        "subject",
        "department",
        "reason",
        "document_number",
        "disclosure",
        "status",
        "times_listed",
        "proposed_on",
        "notified_on",
        "objection_deadline",
        "objection_deadline_provisional",
        "listed_on",
        "term_end",
        "obligation_fulfilled_on",
        "removal_due",
        "removed_on",
        "removal_reason",
        "moved_from",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        editable: tuple[str, ...] = (
            () if obj is not None else ("credit_list", "subject", "department", "reason")
        )
        editable += ("document_number", "disclosure") if obj is None else ()
        return [f for f in self.fields if f not in editable]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Changes go through the actions (services); the form is for proposing only.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ListEntry, form: Any, change: bool) -> None:
        created = services.list_entry_propose(
            actor=Actor.for_user(request.user),
            credit_list=obj.credit_list,
            subject=obj.subject,
            reason=obj.reason,
            department=obj.department,
            document_number=obj.document_number,
            disclosure=obj.disclosure,
        )
        obj.pk = created.pk

    @admin.action(description=_("Notify the subject (starts the objection period)"))
    def notify(self, request: HttpRequest, queryset: QuerySet[ListEntry]) -> None:
        _run(request, queryset, services.list_entry_notify)

    @admin.action(description=_("List (publish) today"))
    def list_now(self, request: HttpRequest, queryset: QuerySet[ListEntry]) -> None:
        _run(request, queryset, services.list_entry_list)

    @admin.action(description=_("Remove: term over"))
    def remove_term_over(self, request: HttpRequest, queryset: QuerySet[ListEntry]) -> None:
        _run(request, queryset, services.list_entry_remove, reason="term_over")

    @admin.action(description=_("Remove: obligation fulfilled"))
    def remove_fulfilled(self, request: HttpRequest, queryset: QuerySet[ListEntry]) -> None:
        _run(request, queryset, services.list_entry_remove, reason="obligation_fulfilled")

    @admin.action(description=_("Remove: revoked after objection"))
    def remove_revoked(self, request: HttpRequest, queryset: QuerySet[ListEntry]) -> None:
        _run(request, queryset, services.list_entry_remove, reason="revoked_after_objection")
