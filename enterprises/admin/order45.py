"""The credit-record admin's filter of Order 45 clocks (rules.md §6.7): penalties published
late and revoked decisions not withdrawn in time. It narrows the admin's own queryset,
so an official sees only their department's records, as everywhere."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from enterprises.models import CreditRecord
from enterprises.order45 import LATE, WITHDRAWAL_OVERDUE, order45_overdue, record_order45_clock


class Order45Filter(admin.SimpleListFilter):
    title = _("Order 45: late / withdrawal overdue")
    parameter_name = "order45"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("any", _("Late or withdrawal overdue")),
            (LATE, _("Published late (after 20 working days)")),
            (WITHDRAWAL_OVERDUE, _("Revoked decision not withdrawn in time")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[CreditRecord]
    ) -> QuerySet[CreditRecord]:
        value = self.value()
        if value not in ("any", LATE, WITHDRAWAL_OVERDUE):
            return queryset
        return order45_overdue(queryset, which=None if value == "any" else value)


@admin.display(description=_("Order 45 clocks"))
def order45_clock_display(obj: CreditRecord) -> str:
    """The record's publication and withdrawal deadlines, for its change page."""
    if obj is None or obj.pk is None:
        return "—"
    clock = record_order45_clock(obj)
    return clock.describe() if clock is not None else "—"
