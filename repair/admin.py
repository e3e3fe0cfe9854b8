"""Officials' admin for the working-day calendar and the dated rule editions."""

from __future__ import annotations

from django.contrib import admin

from .models import CalendarDay, CalendarYear, PublicityRule, RecordEdition, RuleEdition


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "entered", "source", "updated_at")
    list_editable = ("entered",)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"


class PublicityRuleInline(admin.TabularInline):
    model = PublicityRule
    extra = 0


@admin.register(RuleEdition)
class RuleEditionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "jurisdiction", "effective_from", "effective_until")
    list_filter = ("jurisdiction",)
    inlines = [PublicityRuleInline]


@admin.register(RecordEdition)
class RecordEditionAdmin(admin.ModelAdmin):
    list_display = ("record", "edition", "permanent_reason", "computed_at")
    list_select_related = ("edition", "record")
    raw_id_fields = ("record",)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
