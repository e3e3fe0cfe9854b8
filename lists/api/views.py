"""JSON API of the lists (mounted under /api/v1/ by creditsite/urls.py):
``check/`` (POST, batch screening), ``lists/`` and ``lists/<slug>/entries/``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import ClientSizedPagination
from core.api.params import changed_since
from core.api.serializers import ErrorSerializer
from enterprises.models import Disclosure

from .. import changes, check, queries
from ..models import CreditList, ListEntry


class CheckRequestSerializer(serializers.Serializer):
    subjects = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=200, trim_whitespace=True),
        allow_empty=False,
        max_length=check.MAX_ITEMS,
        help_text=gettext_lazy("Up to 1,000 unified social credit codes or exact names."),
    )


class CheckView(APIView):
    """Screen up to 1,000 subjects: found or not and why, label, grade, black lists in
    force with their disciplinary measures, red lists. An invalid code is reported on
    its own item; the batch never fails for it."""

    @extend_schema(
        request=CheckRequestSerializer,
        responses={
            200: dict,
            400: OpenApiResponse(
                ErrorSerializer, description=gettext_lazy("The body is not valid.")
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = CheckRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        items = check.check_subjects(serializer.validated_data["subjects"])
        results = [item.as_dict() for item in items]
        return Response(
            {
                "count": len(results),
                "found": sum(1 for r in results if r["found"]),
                "checked_at": timezone.now().isoformat(),
                "results": results,
            }
        )


def _list_dict(credit_list: CreditList) -> dict[str, Any]:
    return {
        "slug": credit_list.slug,
        "name_zh": credit_list.name_zh,
        "name_en": credit_list.name_en,
        "color": credit_list.color,
        "serious": credit_list.is_serious,
        "scope": credit_list.scope,
        "jurisdiction": credit_list.jurisdiction,
        "authority": {
            "code": credit_list.authority.code,
            "name_zh": credit_list.authority.name_zh,
            "name_en": credit_list.authority.name_en,
        },
        "legal_basis": credit_list.legal_basis,
        "criteria": credit_list.criteria,
        # Both languages, as names are (docs/decisions.md: reference texts in both).
        "legal_basis_zh": credit_list.legal_basis,
        "legal_basis_en": credit_list.legal_basis_en,
        "criteria_zh": credit_list.criteria_zh,
        "criteria_en": credit_list.criteria,
        "end_rule_text_zh": credit_list.end_rule_text_zh,
        "end_rule_text_en": credit_list.end_rule_text,
        "repair_rule_zh": credit_list.repair_rule_zh,
        "repair_rule_en": credit_list.repair_rule,
        "term_months": credit_list.term_months,
        # Notice before listing (docs/rules.md §5.2): working days to object, None where
        # the list's basis gives no notice.
        "notice_working_days": credit_list.objection_working_days or None,
        "end_rule": credit_list.end_rule,
        "repair_allowed": credit_list.repair_allowed,
        "entries_in_force": getattr(credit_list, "active_count", None),
        "last_published": (
            lp.isoformat() if (lp := getattr(credit_list, "last_published", None)) else None
        ),
    }


class ListsView(APIView):
    """Published red and black lists with their entries in force."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response({"results": [_list_dict(x) for x in queries.lists_overview()]})


# The entry an entry moved from and its list, read with the page (no query per entry).
_MOVED_FROM = ("moved_from", "moved_from__credit_list")


class EntryPagination(ClientSizedPagination):
    page_size = 100
    max_page_size = 1000


class ListEntrySubjectSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()


class MovedFromSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    list = serializers.SlugField(help_text=gettext_lazy("The slug of its list."))
    listed_on = serializers.DateField()
    document_number = serializers.CharField()


class ListEntryChangeSerializer(serializers.Serializer):
    """An entry in force, or (``status: removed``) the tombstone of one that left the list:
    its id, why and when, nothing else (rules.md §3.7)."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[ListEntry.Status.LISTED, ListEntry.Status.REMOVED])
    subject = ListEntrySubjectSerializer(
        required=False, help_text=gettext_lazy("Not on a removed entry.")
    )
    reason = serializers.CharField(
        required=False, help_text=gettext_lazy("Not on a removed entry.")
    )
    document_number = serializers.CharField(
        required=False, help_text=gettext_lazy("Not on a removed entry.")
    )
    notified_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "When the subject was notified before listing; null on a list without notice. "
            "Not on a removed entry."
        ),
    )
    objection_deadline = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "The last day to object after notice; null on a list without notice. Not on a "
            "removed entry."
        ),
    )
    objection_deadline_provisional = serializers.BooleanField(
        required=False,
        help_text=gettext_lazy(
            "The deadline falls in a year whose official calendar is not entered yet."
        ),
    )
    moved_from = MovedFromSerializer(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "The entry this one moved from (abnormal operations after 3 years), when that "
            "entry was itself public; else null. Not on a removed entry."
        ),
    )
    listed_on = serializers.DateField(
        required=False, help_text=gettext_lazy("Not on a removed entry.")
    )
    term_end = serializers.DateField(
        required=False, allow_null=True, help_text=gettext_lazy("Not on a removed entry.")
    )
    removed_on = serializers.DateField(
        allow_null=True,
        help_text=gettext_lazy(
            "The first day the entry is no longer in force (a removed entry only)."
        ),
    )
    removal_reason = serializers.ChoiceField(
        choices=ListEntry.RemovalReason.choices,
        allow_null=True,
        help_text=gettext_lazy("Why the entry left the list (a removed entry only)."),
    )
    updated_at = serializers.DateTimeField(
        help_text=gettext_lazy("When the entry last changed: listed, edited or removed.")
    )


class ListEntryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ListEntryChangeSerializer(many=True)


class ListEntriesView(APIView):
    """A list's entries in force, newest first.

    With ``changed_since``: the entries changed since then, oldest change first, so a copy
    can be kept in step — those in force in full, and those that left the list (removed,
    or their term over) as tombstones with ``status: removed``, the removal reason and
    date and ``updated_at``, without the subject or the reason for listing
    (rules.md §3.7, §5.3). An entry that was never public never appears. An unpublished
    list answers 404: drop all its entries."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "changed_since",
                str,
                description=gettext_lazy(
                    "ISO 8601 date or date-time (without offset: Asia/Shanghai time): only "
                    "the entries changed since then, with tombstones of those that left."
                ),
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            200: ListEntryPageSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description=gettext_lazy("A parameter is not valid.")
            ),
            404: OpenApiResponse(
                ErrorSerializer, description=gettext_lazy("No such list, or no such page.")
            ),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        credit_list = queries.published_list(slug)
        if credit_list is None:
            raise Http404(_("No such list."))
        since = changed_since(request.query_params.get("changed_since"))
        paginator = EntryPagination()
        if since is None:
            entries = queries.list_public_entries(credit_list).select_related(*_MOVED_FROM)
            page = paginator.paginate_queryset(entries, request, view=self)
            return paginator.get_paginated_response([_entry_dict(e) for e in page or []])
        day = timezone.localdate()
        page = paginator.paginate_queryset(
            changes.entry_changes(credit_list, since=since, on=day).select_related(*_MOVED_FROM),
            request,
            view=self,
        )
        return paginator.get_paginated_response(
            [
                _entry_dict(e) if changes.entry_in_force(e, on=day) else changes.entry_tombstone(e)
                for e in page or []
            ]
        )


def _entry_dict(entry: ListEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "subject": {"uscc": entry.subject.uscc, "name": entry.subject.name},
        "status": entry.status,
        "reason": entry.reason,
        "document_number": entry.document_number,
        "notified_on": _day(entry.notified_on),
        "objection_deadline": _day(entry.objection_deadline),
        "objection_deadline_provisional": entry.objection_deadline_provisional,
        "moved_from": _moved_from(entry),
        "listed_on": entry.listed_on.isoformat() if entry.listed_on else None,
        "term_end": entry.term_end.isoformat() if entry.term_end else None,
        "removed_on": entry.removed_on.isoformat() if entry.removed_on else None,
        "removal_reason": entry.removal_reason or None,
        "updated_at": entry.updated_at.isoformat(),
    }


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _moved_from(entry: ListEntry) -> dict[str, Any] | None:
    """The entry this one moved from (docs/rules.md §5.3), only if the public could see it
    (fully public, listed, on a published list); its subject is this entry's."""
    source = entry.moved_from
    if (
        source is None
        or source.disclosure != Disclosure.PUBLIC
        or source.listed_on is None
        or not source.credit_list.is_published
    ):
        return None
    return {
        "id": source.pk,
        "list": source.credit_list.slug,
        "listed_on": source.listed_on.isoformat(),
        "document_number": source.document_number,
    }
