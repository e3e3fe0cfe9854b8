"""Public credit evaluation in the admin: catalogue editions (edited only as drafts),
indicators and their rules, evaluations and score history (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin.base import (
    CappedCountPaginator,
    GuardedModelAdmin,
    NoDeleteMixin,
    ReadOnlyMixin,
    request_actor,
)
from enterprises import catalogue as catalogue_services
from enterprises.models import Edition, Indicator, IndicatorRule

# --- Public credit evaluation: catalogue editions, indicators, evaluations ----------------


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ("code", "level", "name_zh", "name_en", "weight", "adds", "parent")
    raw_id_fields = ("parent",)
    extra = 0
    show_change_link = True
    ordering = ("position", "code")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only a draft is edited; an active or retired edition is history.
        return (
            obj is not None
            and obj.status == Edition.Status.DRAFT
            and super().has_change_permission(request, obj)
        )

    has_add_permission = has_change_permission  # type: ignore[assignment]
    has_delete_permission = has_change_permission  # type: ignore[assignment]


class EditionAdmin(NoDeleteMixin, GuardedModelAdmin):
    list_display = ("code", "name_zh", "jurisdiction", "status", "activated_at", "problems")
    list_filter = ("status", "jurisdiction")
    readonly_fields = ("status", "activated_at", "created_at", "problems")
    inlines = [IndicatorInline]
    actions = ["validate", "activate", "copy"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.status != Edition.Status.DRAFT:
            return [f.name for f in Edition._meta.fields] + ["problems"]
        return self.readonly_fields

    @admin.display(description=_("problems"))
    def problems(self, obj: Edition) -> str:
        found = catalogue_services.edition_problems(edition=obj)
        return "; ".join(found) if found else gettext("None: weights add up.")

    @admin.action(description=_("Validate the selected editions"))
    def validate(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        for edition in queryset:
            found = catalogue_services.edition_problems(edition=edition)
            if found:
                self.message_user(request, f"{edition.code}: {'; '.join(found)}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(code)s: weights add up.") % {"code": edition.code},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Activate the selected edition"), permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        if queryset.count() != 1:
            self.message_user(request, gettext("Select exactly one edition."), messages.ERROR)
            return
        edition = queryset.get()
        try:
            catalogue_services.edition_activate(actor=request_actor(request), edition=edition)
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            gettext(
                "%(code)s is now in force. Scores follow at the next rescoring "
                "(nightly, or manage.py rescore)."
            )
            % {"code": edition.code},
            messages.SUCCESS,
        )

    @admin.action(description=_("Copy into a new draft"), permissions=["add"])
    def copy(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        for edition in queryset:
            stamp = f"{timezone.now():%Y%m%d%H%M%S}"
            copy = catalogue_services.edition_copy(
                actor=request_actor(request),
                edition=edition,
                code=f"{edition.code[:24]}-draft-{stamp}",
                name_zh=f"{edition.name_zh}（草稿）",
                name_en=f"{edition.name_en} (draft)",
            )
            self.message_user(
                request, gettext("Draft %(code)s created.") % {"code": copy.code}, messages.SUCCESS
            )


class IndicatorRuleInline(admin.StackedInline):
    model = IndicatorRule
    extra = 0
    max_num = 1

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            obj is not None
            and obj.edition.status == Edition.Status.DRAFT
            and super().has_change_permission(request, obj)
        )

    has_add_permission = has_change_permission  # type: ignore[assignment]
    has_delete_permission = has_change_permission  # type: ignore[assignment]


class IndicatorAdmin(NoDeleteMixin, GuardedModelAdmin):
    list_display = ("code", "name_zh", "weight", "level", "adds", "edition")
    list_filter = ("edition", "level", "adds")
    search_fields = ("code", "name_zh", "name_en")
    raw_id_fields = ("parent",)
    list_select_related = ("edition",)
    ordering = ("edition", "position", "code")
    inlines = [IndicatorRuleInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.edition.status != Edition.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)


class EvaluationAdmin(ReadOnlyMixin, GuardedModelAdmin):
    list_display = ("subject", "score", "grade", "evaluated_at", "edition")
    list_filter = ("grade", "edition")
    list_select_related = ("subject", "edition")
    raw_id_fields = ("subject",)
    search_fields = ("=subject__uscc",)
    paginator = CappedCountPaginator
    show_full_result_count = False


class ScoreHistoryAdmin(ReadOnlyMixin, GuardedModelAdmin):
    list_display = ("subject", "score", "grade", "at", "edition")
    list_select_related = ("subject", "edition")
    raw_id_fields = ("subject",)
    search_fields = ("=subject__uscc",)
    paginator = CappedCountPaginator
    show_full_result_count = False
