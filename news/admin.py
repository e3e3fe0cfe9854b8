"""Credit news in the officials' admin: credit-centre reviewers and administrators write,
publish and withdraw articles (core/roles.py)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin.base import GuardedModelAdmin, NoDeleteMixin

from .models import Article


@admin.register(Article)
class ArticleAdmin(NoDeleteMixin, GuardedModelAdmin):
    """Articles are withdrawn (unpublished), never deleted."""

    list_display = ("__str__", "language", "published_on", "is_published", "updated_at")
    list_filter = ("is_published", "language", "published_on")
    search_fields = ("title_zh", "title_en")
    date_hierarchy = "published_on"
    actions = ["publish", "withdraw"]
    fieldsets = (
        (None, {"fields": ("language", "published_on", "is_published")}),
        (_("Chinese"), {"fields": ("title_zh", "summary_zh", "body_zh", "source_zh")}),
        (_("English"), {"fields": ("title_en", "summary_en", "body_en", "source_en")}),
        (_("Source"), {"fields": ("source_url",)}),
    )

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish(self, request, queryset):  # type: ignore[no-untyped-def]
        queryset.update(is_published=True)

    @admin.action(description=_("Withdraw the selected articles"), permissions=["change"])
    def withdraw(self, request, queryset):  # type: ignore[no-untyped-def]
        queryset.update(is_published=False)
