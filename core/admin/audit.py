"""The audit trail, its chain head and job runs in the admin: read-only."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent, JobRun

from .base import (
    CappedCountPaginator,
    GuardedModelAdmin,
    ReadOnlyMixin,
    is_administrator,
    register_secret_fields,
)

# --- Audit trail and job runs -------------------------------------------------------------

_PERSONAL_KEYS = frozenset({"id_number"})

# The snapshots may hold personal data (rows written before the trail stored masked forms
# hold identity numbers in full): no URL filter on their JSON paths (rules.md §11.1).
register_secret_fields(AuditEvent, "before", "after")


class ObjectTypeFilter(admin.SimpleListFilter):
    """The project's models as choices: a DISTINCT over the audit table would scan it."""

    title = _("object type")
    parameter_name = "object_type"
    # App labels, not imports: the core imports none of these apps.
    _APPS = ("enterprises", "lists", "repair", "supervision")

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            (model._meta.label_lower, model._meta.verbose_name)
            for app_label in self._APPS
            if apps.is_installed(app_label)
            for model in apps.get_app_config(app_label).get_models()
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[AuditEvent]
    ) -> QuerySet[AuditEvent]:
        return queryset.filter(object_type=self.value()) if self.value() else queryset


class AuditEventAdmin(ReadOnlyMixin, GuardedModelAdmin):
    list_display = ("id", "at", "actor_label", "action", "object_type", "object_id", "short_reason")
    list_filter = ("action", ObjectTypeFilter)
    search_fields = ("=object_id", "=actor_label")
    search_help_text = _("An object id or an actor such as user:alice.")
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_select_related = False
    ordering = ("-id",)
    _FIELDS = (
        "at",
        "actor_label",
        "actor_user",
        "actor_token",
        "action",
        "object_type",
        "object_id",
        "reason",
        "before",
        "after",
        "prev_hash",
        "hash",
    )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Natural persons' ID numbers in before/after: in full for administrators only.
        shown = (
            ("before_full", "after_full")
            if is_administrator(request)
            else (
                "before_masked",
                "after_masked",
            )
        )
        return tuple(
            {"before": shown[0], "after": shown[1]}.get(name, name) for name in self._FIELDS
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.get_fields(request, obj)

    @admin.display(description=_("reason"))
    def short_reason(self, obj: AuditEvent) -> str:
        return Truncator(obj.reason).chars(60)

    @admin.display(description=_("before"))
    def before_full(self, obj: AuditEvent) -> str:
        return _pretty_json(obj.before, mask=False)

    @admin.display(description=_("after"))
    def after_full(self, obj: AuditEvent) -> str:
        return _pretty_json(obj.after, mask=False)

    @admin.display(description=_("before"))
    def before_masked(self, obj: AuditEvent) -> str:
        return _pretty_json(obj.before, mask=True)

    @admin.display(description=_("after"))
    def after_masked(self, obj: AuditEvent) -> str:
        return _pretty_json(obj.after, mask=True)


def _pretty_json(value: Any, *, mask: bool) -> str:
    if mask and isinstance(value, dict):
        value = {
            key: ("***" if key in _PERSONAL_KEYS and item else item) for key, item in value.items()
        }
    return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2))


class JobRunAdmin(ReadOnlyMixin, GuardedModelAdmin):
    list_display = (
        "name",
        "status",
        "started_at",
        "finished_at",
        "progress",
        "done_of_total",
        "short_error",
    )
    list_filter = ("status", "name")
    readonly_fields = (
        "name",
        "status",
        "started_at",
        "finished_at",
        "progress",
        "done",
        "total",
        "counts",
        "error",
    )
    fields = readonly_fields

    @admin.display(description=_("progress"))
    def progress(self, obj: JobRun) -> str:
        percent = obj.percent
        if percent is None:
            return "—"
        return format_html(
            '<progress value="{}" max="{}" title="{}%">{}%</progress> {}%',
            obj.done,
            obj.total,
            percent,
            percent,
            percent,
        )

    @admin.display(description=_("done / total"))
    def done_of_total(self, obj: JobRun) -> str:
        total = "?" if obj.total is None else f"{obj.total:,}"
        return f"{obj.done:,} / {total}"

    @admin.display(description=_("error"))
    def short_error(self, obj: JobRun) -> str:
        return Truncator(obj.error).chars(80)


class AuditChainHeadAdmin(ReadOnlyMixin, GuardedModelAdmin):
    list_display = ("id", "last_event_id", "last_hash")
