"""Public API of one credit file: the subject's basic information and its public records.

Reads go through ``enterprises.queries`` (the one place deciding what the public may see),
so the API shows exactly what /enterprises/<USCC>/ shows.
"""

from __future__ import annotations

import builtins
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import InvalidPage, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import ClientSizedPagination
from core.api.params import changed_since
from core.api.serializers import ErrorSerializer
from enterprises.api.paths import subject_from_path
from enterprises.models import (
    CreditRecord,
    PenaltyType,
    RecordRemoval,
    Severity,
    TaxCreditLevel,
)
from portal import queries as file_queries
from rules.kinds import KINDS, Category


class ListEntrySerializer(serializers.Serializer):
    list = serializers.CharField(source="credit_list.slug")
    list_name = serializers.CharField(source="credit_list.name_zh")
    list_name_en = serializers.CharField(source="credit_list.name_en")
    color = serializers.CharField(source="credit_list.color")
    reason = serializers.CharField()
    listed_on = serializers.DateField()
    term_end = serializers.DateField(allow_null=True)
    measures = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField(
        help_text=_(
            "On a black list that is not a serious-untrustworthiness list (abnormal operations): "
            "why it gives no label and deducts no points by itself; empty otherwise."
        )
    )

    def get_note(self, entry: Any) -> str:
        return str(getattr(entry, "standing_note", "") or "")

    def get_measures(self, entry: Any) -> builtins.list[str]:
        return [f"{m.code or m.number} {m.name_zh}" for m in entry.credit_list.measures.all()]


class CreditFileSerializer(serializers.Serializer):
    uscc = serializers.CharField(source="subject.uscc")
    name = serializers.CharField(source="subject.name")
    subject_type = serializers.CharField(source="subject.subject_type")
    legal_representative = serializers.CharField(source="subject.legal_representative")
    enterprise_type = serializers.CharField(source="subject.enterprise_type")
    established_on = serializers.DateField(source="subject.established_on", allow_null=True)
    address = serializers.CharField(source="subject.address")
    registered_capital = serializers.DecimalField(
        source="subject.registered_capital", max_digits=16, decimal_places=4, allow_null=True
    )
    business_scope = serializers.CharField(source="subject.business_scope")
    registration_status = serializers.CharField(source="subject.registration_status")
    region = serializers.CharField(source="subject.region_id", allow_null=True)
    industry = serializers.CharField(source="subject.industry_id", allow_null=True)
    former_names = serializers.SerializerMethodField()
    # Field.label (the field's caption) is a class attribute too; the stubs see a clash.
    label = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text=_("“punished” (失信惩戒对象), “encouraged” (守信激励对象) or null.")
    )
    score = serializers.SerializerMethodField()
    grade = serializers.SerializerMethodField()
    evaluated_at = serializers.SerializerMethodField()
    record_counts = serializers.SerializerMethodField(
        help_text=_(
            "Public records in publicity, per category (basic, negative, trust, other); "
            "records only: the standing counts list entries and commitments too."
        )
    )
    standing = serializers.SerializerMethodField(
        help_text=_(
            "What every public surface says of the subject (docs/rules.md §3.9): label, "
            "negative and trust-keeping information in view (black-list entries are negative, "
            "red-list entries trust-keeping information), counts per category and per tab of "
            "Credit China and Credit Zhejiang, and the repaired information still published "
            "for objections. The batch check gives the same object."
        )
    )
    list_entries = ListEntrySerializer(many=True)

    def get_former_names(self, file: file_queries.CreditFile) -> list[str]:
        return [former.name for former in file.former_names]

    def get_label(self, file: file_queries.CreditFile) -> str | None:
        return file.standing.label

    def get_score(self, file: file_queries.CreditFile) -> int | None:
        return file.evaluation.score if file.evaluation else None

    def get_grade(self, file: file_queries.CreditFile) -> str | None:
        return file.evaluation.grade if file.evaluation else None

    def get_evaluated_at(self, file: file_queries.CreditFile) -> str | None:
        return file.evaluation.evaluated_at.isoformat() if file.evaluation else None

    def get_record_counts(self, file: file_queries.CreditFile) -> dict[str, int]:
        return dict(file.standing.record_counts)

    @extend_schema_field({"type": "object"})
    def get_standing(self, file: file_queries.CreditFile) -> dict[str, Any]:
        return file.standing.as_dict()


class PublicRecordSerializer(serializers.ModelSerializer):
    """A fully public record in publicity; the disclosure level is therefore not shown."""

    category = serializers.SerializerMethodField()
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name_zh")
    # Empty where the kind has none: the schema's enums say so (a read-only model field
    # would lose ``allow_blank``).
    severity = serializers.ChoiceField(choices=Severity.choices, allow_blank=True, read_only=True)
    penalty_type = serializers.ChoiceField(
        choices=PenaltyType.choices, allow_blank=True, read_only=True
    )
    tax_credit_level = serializers.ChoiceField(
        choices=TaxCreditLevel.choices, allow_blank=True, read_only=True
    )
    rule_applied = serializers.SerializerMethodField(
        help_text=_(
            "The rule edition that set the end of publicity (docs/rules.md §6.1): its code and "
            "name, the department's own edition beside it, and why publicity is permanent; "
            "null where the department gave the end itself."
        )
    )

    class Meta:
        model = CreditRecord
        fields = [
            "id",
            "kind",
            "category",
            "department",
            "department_name",
            "decision_date",
            "document_number",
            "legal_basis",
            "title",
            "content",
            "severity",
            "publicity_end",
            "state",
            "penalty_type",
            "fine_amount",
            "amount",
            "valid_from",
            "valid_until",
            "tax_credit_level",
            "tax_year",
            "rule_applied",
            "updated_at",
        ]
        read_only_fields = fields

    def get_category(self, record: CreditRecord) -> str:
        return record.category

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "edition": {"type": "string"},
                "name": {"type": "string"},
                "document": {"type": "string"},
                "local_edition": {"type": "string", "nullable": True},
                "permanent_reason": {"type": "string"},
            },
        }
    )
    def get_rule_applied(self, record: CreditRecord) -> dict[str, Any] | None:
        try:
            applied = record.rule_edition_applied  # type: ignore[attr-defined]
        except ObjectDoesNotExist:
            return None
        return {
            "edition": applied.edition.code,
            "name": applied.edition.name_zh,
            "document": applied.edition.document,
            "local_edition": applied.local_edition.code if applied.local_edition else None,
            "permanent_reason": applied.permanent_reason,
        }


class RecordTombstoneSerializer(serializers.Serializer):
    """A record that left the public file: which, why and when; never its content, its
    new disclosure level or anything else not public (rules.md §3.7)."""

    id = serializers.IntegerField(source="record_id")
    status = serializers.SerializerMethodField()
    removal_reason = serializers.ChoiceField(source="reason", choices=RecordRemoval.Reason.choices)
    updated_at = serializers.DateTimeField(
        source="removed_at", help_text=_("When the record left the public file.")
    )

    @extend_schema_field({"type": "string", "enum": ["removed"]})
    def get_status(self, removal: RecordRemoval) -> str:
        return "removed"


class PublicRecordPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("Records in ``results`` over all pages."))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PublicRecordSerializer(many=True)
    removed_count = serializers.IntegerField(
        required=False, help_text=_("With changed_since: tombstones over all pages.")
    )
    removed = RecordTombstoneSerializer(
        many=True,
        required=False,
        help_text=_(
            "With changed_since only: the records that left the public file since then and "
            "are not back in it, oldest first, paged like the results."
        ),
    )


class RecordPagination(ClientSizedPagination):
    page_size = 50
    max_page_size = 200


class RecordChangesPagination(RecordPagination):
    """The changed records and the tombstones, paged side by side: page N holds the N-th
    page of each; ``next`` goes on until both are exhausted."""

    def paginate_changes(
        self, records: QuerySet[CreditRecord], removed: QuerySet[RecordRemoval], request: Request
    ) -> tuple[list[CreditRecord], list[RecordRemoval]]:
        self.request = request
        size = self.get_page_size(request) or self.page_size
        record_pages: Paginator[CreditRecord] = Paginator(records, size)
        removed_pages: Paginator[RecordRemoval] = Paginator(removed, size)
        longer: Paginator[Any] = (
            record_pages if record_pages.num_pages >= removed_pages.num_pages else removed_pages
        )
        number = self.get_page_number(request, longer)
        try:
            page = longer.page(number)
        except InvalidPage as error:
            raise exceptions.NotFound(
                self.invalid_page_message.format(page_number=number, message=str(error))
            ) from error
        self.page = page
        self.records_count, self.removed_count = record_pages.count, removed_pages.count
        return _page_items(record_pages, page.number), _page_items(removed_pages, page.number)

    def get_changes_response(self, results: Any, removed: Any) -> Response:
        return Response(
            {
                "count": self.records_count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": results,
                "removed_count": self.removed_count,
                "removed": removed,
            }
        )


def _page_items(paginator: Paginator[Any], number: int) -> list[Any]:
    """Page ``number`` of ``paginator``, empty past its last page."""
    return list(paginator.page(number)) if number <= paginator.num_pages else []


class CreditFileView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary=_("A credit file"),
        description=_(
            "The public credit file of an organisation: basic information, former names, label, "
            "score and grade, active list entries with their disciplinary measures, and the "
            "number of public records per category. Natural persons have no public file."
        ),
        tags=["enterprises"],
        responses={
            200: CreditFileSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("The code is not a valid USCC.")),
            404: OpenApiResponse(ErrorSerializer, description=_("No such subject.")),
        },
    )
    def get(self, request: Request, uscc: str) -> Response:
        subject = subject_from_path(uscc)
        file = file_queries.credit_file(subject.uscc or "")
        if file is None:  # pragma: no cover - the subject was just found
            raise exceptions.NotFound(_("No credit subject with this code."))
        return Response(CreditFileSerializer(file).data)


class CreditFileRecordsView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary=_("Public records of a credit file"),
        description=_(
            "Fully public records still in publicity, newest first, 50 per page. Records whose "
            "publicity ended, that were repaired or revoked, and anything not fully public are "
            "never listed. With changed_since: the public records changed since then, and in "
            "“removed” the records that left the public file since then (tombstones: id, "
            "reason, time, no content), so a copy can be kept in step. A record that was "
            "never public never appears."
        ),
        tags=["enterprises"],
        parameters=[
            OpenApiParameter(
                "category", str, enum=list(Category.values), description=_("Only this category.")
            ),
            OpenApiParameter("kind", str, description=_("Only this kind of record.")),
            OpenApiParameter(
                "changed_since",
                str,
                description=_(
                    "ISO 8601 date or date-time (without offset: Asia/Shanghai time): only "
                    "the records changed since then, with the tombstones of those that left."
                ),
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            200: PublicRecordPageSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("A parameter is not valid.")),
            404: OpenApiResponse(ErrorSerializer, description=_("No such subject.")),
        },
    )
    def get(self, request: Request, uscc: str) -> Response:
        subject = subject_from_path(uscc)
        records = (
            CreditRecord.objects.public()
            .filter(subject=subject)
            .select_related(
                "department",
                "rule_edition_applied__edition",
                "rule_edition_applied__local_edition",
            )
            .order_by("-decision_date", "-id")
        )
        params = request.query_params
        errors: dict[str, list[str]] = {}
        category = params.get("category", "")
        if category:
            if category not in Category.values:
                errors["category"] = [
                    str(_("Not a category: use basic, negative, trust or other."))
                ]
            else:
                records = records.in_category(category)
        kind = params.get("kind", "")
        if kind:
            if kind not in KINDS:
                errors["kind"] = [str(_("Not a kind of credit record."))]
            else:
                records = records.filter(kind=kind)
        since = None
        try:
            since = changed_since(params.get("changed_since"))
        except exceptions.ValidationError as error:
            errors.update(error.detail)  # type: ignore[arg-type]
        if errors:
            raise exceptions.ValidationError(errors)
        if since is None:
            paginator = RecordPagination()
            page = paginator.paginate_queryset(records, request, view=self)
            return paginator.get_paginated_response(PublicRecordSerializer(page, many=True).data)
        # Tombstones of every record that left the file, whatever its kind or category:
        # the mirror's copy of it may have been of any.
        changes = RecordChangesPagination()
        changed, removed = changes.paginate_changes(
            records.filter(updated_at__gte=since),
            RecordRemoval.objects.tombstones(subject=subject, since=since),
            request,
        )
        return changes.get_changes_response(
            PublicRecordSerializer(changed, many=True).data,
            RecordTombstoneSerializer(removed, many=True).data,
        )
