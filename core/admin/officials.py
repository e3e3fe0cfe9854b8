"""Departments, officials (with their department on the user admin) and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import DepartmentToken, OfficialProfile
from core.tokens import token_revoke

from .base import (
    GuardedLookupsMixin,
    GuardedModelAdmin,
    NoDeleteMixin,
    register_secret_fields,
    request_actor,
)

# Only a hash of each key and of each password is stored; no URL filter tests them
# (rules.md §11.1).
register_secret_fields(DepartmentToken, "key_hash")
register_secret_fields(get_user_model(), "password")

# --- Departments, officials and tokens ---------------------------------------------------


class DepartmentAdmin(NoDeleteMixin, GuardedModelAdmin):
    list_display = ("code", "name_zh", "name_en", "level", "is_credit_centre")
    list_filter = ("level", "is_credit_centre")
    search_fields = ("code", "name_zh", "name_en")


class OfficialProfileAdmin(GuardedModelAdmin):
    list_display = ("user", "department")
    list_filter = ("department",)
    list_select_related = ("user", "department")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    raw_id_fields = ("user",)


class OfficialProfileInline(admin.StackedInline):
    model = OfficialProfile
    can_delete = True
    max_num = 1
    verbose_name_plural = _("department")


# Django's user admin seen as a class (its ``list_display`` is declared per instance in the
# stubs, which mypy will not read off the generic class itself).
_DjangoUserAdmin: type[BaseUserAdmin[Any]] = BaseUserAdmin


class UserAdmin(GuardedLookupsMixin, BaseUserAdmin):
    inlines = (*BaseUserAdmin.inlines, OfficialProfileInline)
    list_display = (*_DjangoUserAdmin.list_display, "official_department")
    list_select_related = ("official__department",)

    @admin.display(description=_("department"))
    def official_department(self, obj: Any) -> str:
        official = getattr(obj, "official", None)
        return str(official.department) if official is not None else "—"


class DepartmentTokenAdmin(NoDeleteMixin, GuardedModelAdmin):
    """Read-only except revoking; the key hash is never shown in full."""

    list_display = (
        "department",
        "label",
        "key_prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
        "active",
    )
    list_filter = ("department", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("department",)
    search_fields = ("prefix", "label", "department__code")
    fields = (
        "department",
        "label",
        "key_prefix",
        "hash_start",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are issued by ``manage.py issue_token``, shown once

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only the revoke action changes a token; the change form stays read-only.
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("key prefix"))
    def key_prefix(self, obj: DepartmentToken) -> str:
        return f"{obj.prefix}…"

    @admin.display(description=_("key hash"))
    def hash_start(self, obj: DepartmentToken) -> str:
        return f"{obj.key_hash[:8]}…"

    @admin.display(description=_("active"), boolean=True)
    def active(self, obj: DepartmentToken) -> bool:
        return obj.revoked_at is None

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[DepartmentToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("department"):
            token_revoke(token=token, actor=request_actor(request))
            count += 1
        self.message_user(
            request, gettext("%(count)d tokens revoked.") % {"count": count}, messages.SUCCESS
        )
