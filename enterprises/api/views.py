"""The source-department API: public list of departments, token-authenticated writes.

Views parse and render; ``enterprises.services`` validates, writes atomically and
records the audit trail, so a refused request leaves nothing behind.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.actors import Actor
from core.api.authentication import DepartmentTokenAuthentication
from core.api.errors import ServiceErrorsMixin, retry_once_on_race
from core.api.parsers import JSONParser
from core.api.permissions import HasDepartmentToken
from core.api.serializers import ErrorSerializer
from core.exceptions import DepartmentNotAllowed
from core.idempotency import idempotent, key_reused_response
from enterprises import queries
from enterprises.forms import SearchForm
from enterprises.models import Department, DepartmentToken, Subject
from enterprises.services import record_upsert, subject_upsert

from .serializers import (
    CreditRecordSerializer,
    CreditRecordWriteSerializer,
    DepartmentSerializer,
    SubjectSerializer,
    SubjectWriteSerializer,
)

# --- Documentation shared by the write endpoints --------------------------------------------

EXAMPLE_USCC = "91330100799655058B"

_UNAUTHORISED = OpenApiResponse(
    ErrorSerializer,
    description=_("No token, or a token that is unknown or revoked."),
    examples=[
        OpenApiExample(
            "Invalid token",
            value={
                "detail": "Invalid or revoked token.",
                "errors": [
                    {
                        "field": "non_field_errors",
                        "reason": "Invalid or revoked token.",
                        "code": "invalid_token",
                    }
                ],
            },
            status_codes=["401"],
        )
    ],
)
_UNSUPPORTED = OpenApiResponse(
    ErrorSerializer, description=_("The body is not JSON (send Content-Type: application/json).")
)


def _bad_request(*examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=_("Invalid input: each error names the field and the reason."),
        examples=list(examples),
    )


def _error_example(name: str, field: str, reason: str, code: str, status_code: str) -> Any:
    return OpenApiExample(
        name,
        value={
            "detail": "Invalid input." if status_code == "400" else reason,
            "errors": [{"field": field, "reason": reason, "code": code}],
        },
        status_codes=[status_code],
    )


# --- Departments ----------------------------------------------------------------------------


class DepartmentPagination(PageNumberPagination):
    # A province has a few dozen source departments: one page serves them all.
    page_size = 200
    max_page_size = 200


@extend_schema(
    summary=_("Source departments"),
    description=_(
        "Every source department (数据来源部门) that enters credit information, with the "
        "code used in the API and in `manage.py issue_token`. Public; no token needed."
    ),
    tags=["departments"],
    responses={
        200: DepartmentSerializer(many=True),
        404: OpenApiResponse(ErrorSerializer, description=_("No such page.")),
    },
)
class DepartmentListView(generics.ListAPIView):
    queryset = Department.objects.order_by("code")
    serializer_class = DepartmentSerializer
    pagination_class = DepartmentPagination
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    filter_backends: list[type] = []


# --- Writes by source departments -----------------------------------------------------------


class DepartmentWriteView(ServiceErrorsMixin, APIView):
    authentication_classes = [DepartmentTokenAuthentication]
    permission_classes = [HasDepartmentToken]
    parser_classes = [JSONParser]

    def permission_denied(
        self, request: Request, message: str | None = None, code: str | None = None
    ) -> NoReturn:
        # DRF's stock 401 says only "not provided"; say what is needed and how to send it.
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(message or HasDepartmentToken.message)
        super().permission_denied(request, message=message, code=code)

    def actor(self, request: Request) -> Actor:
        return Actor.for_token(self.token(request))

    @staticmethod
    def token(request: Request) -> DepartmentToken:
        # HasDepartmentToken lets no write through without one; this keeps the type honest.
        if not isinstance(request.auth, DepartmentToken):
            raise exceptions.NotAuthenticated(HasDepartmentToken.message)
        return request.auth


_SUBJECT_EXAMPLE = {
    "uscc": EXAMPLE_USCC,
    "subject_type": "enterprise",
    "name": "杭州示例科技有限公司",
    "legal_representative": "张三",
    "enterprise_type": "有限责任公司（自然人投资或控股）",
    "established_on": "2007-05-18",
    "address": "浙江省杭州市西湖区文三路90号",
    "registered_capital": "500.0000",
    "business_scope": "技术开发、技术服务",
    "registration_status": "existing",
    "region": "330106",
    "industry": "I",
    "former_names": ["杭州示例网络有限公司"],
}


class SearchResultSerializer(serializers.Serializer):
    """One organisation found by the public search (natural persons are never listed)."""

    uscc = serializers.CharField()
    name = serializers.CharField()
    subject_type = serializers.CharField()
    legal_representative = serializers.CharField()
    registration_status = serializers.CharField()
    region = serializers.CharField(source="region_id", allow_null=True)
    industry = serializers.CharField(source="industry_id", allow_null=True)
    # The API's field name; the DRF stubs type Field.label (the field's caption) on every
    # serializer, so mypy sees a field called "label" as overriding it.
    label = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text=_("“punished” (失信惩戒对象), “encouraged” (守信激励对象) or null.")
    )
    score = serializers.SerializerMethodField()
    grade = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text=_("The public credit file."))

    def get_label(self, subject: Subject) -> str | None:
        label = getattr(subject, "public_label", None)
        return str(label.value) if label else None

    def get_score(self, subject: Subject) -> int | None:
        evaluation = queries.subject_evaluation(subject)
        return evaluation.score if evaluation else None

    def get_grade(self, subject: Subject) -> str | None:
        evaluation = queries.subject_evaluation(subject)
        return evaluation.grade if evaluation else None

    def get_url(self, subject: Subject) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(reverse("enterprise-file", args=[subject.uscc]))


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("Matches, counted up to 10,001."))
    count_capped = serializers.BooleanField(help_text=_("True when there are more than 10,000."))
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    uscc_error = serializers.CharField(
        help_text=_(
            "Why the query, which looks like a code, is not a valid one (names were searched)."
        )
    )
    notice = serializers.CharField()
    results = SearchResultSerializer(many=True)


def _search_parameters() -> list[OpenApiParameter]:
    described = {
        "q": _("Name or part of it (2+ characters), pinyin or initials, or a full USCC."),
        "region": _("Administrative division code; a city covers its counties."),
        "grade": _("Credit grade A–E."),
        "status": _("Registration status."),
        "list": _("“red” or “black”: subjects with an entry in force on such a list."),
        "industry": _("GB/T 4754 section letter."),
        "page": _("Page number (20 per page); pages stop at 500, the first 10,000 matches."),
    }
    return [OpenApiParameter(name, str, description=text) for name, text in described.items()]


class EnterpriseView(DepartmentWriteView):
    field_names = {"region_id": "region", "industry_id": "industry"}

    @extend_schema(
        # The credit file (/enterprises/{uscc}/) would otherwise share this operationId.
        operation_id="v1_enterprises_search",
        summary=_("Search credit subjects"),
        description=_(
            "The public search of the site (/search/) as JSON, with the same parameters. "
            "A full valid code returns that one subject; a query that looks like a code but "
            "is not valid says why in `uscc_error` and is still searched as a name. Natural "
            "persons are never listed. Public; no token needed."
        ),
        tags=["enterprises"],
        parameters=_search_parameters(),
        responses={
            200: SearchPageSerializer,
            400: _bad_request(
                _error_example(
                    "Unknown grade",
                    "grade",
                    "Select a valid choice. F is not one of the available choices.",
                    "invalid_choice",
                    "400",
                )
            ),
        },
    )
    def get(self, request: Request) -> Response:
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {
                    name: [
                        exceptions.ErrorDetail(error["message"], code=error["code"])
                        for error in errors
                    ]
                    for name, errors in form.errors.get_json_data().items()
                }
            )
        result = form.search()
        page = result.page

        def link(number: int) -> str:
            params = request.query_params.copy()
            params["page"] = str(number)
            return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

        body = {
            "count": min(page.count, queries.COUNT_CAP) if page else 0,
            "count_capped": bool(page and page.capped),
            "page": page.number if page else 1,
            "pages": page.pages if page else 0,
            "next": link(page.number + 1) if page and page.has_next else None,
            "previous": link(page.number - 1) if page and page.has_previous else None,
            "uscc_error": result.uscc_error,
            "notice": result.notice,
            "results": SearchResultSerializer(
                result.subjects, many=True, context={"request": request}
            ).data,
        }
        return Response(body)

    @extend_schema(
        summary=_("Register or update a credit subject"),
        description=_(
            "Registers a credit subject or updates its basic information, keyed by its "
            "Unified Social Credit Code. Omitted optional fields keep their stored value; "
            "a changed name is kept as a former name. Natural persons are not accepted: "
            "their personal data needs a separate legal basis. A code that fails its "
            "check character is refused unless an official has already registered it "
            "with a recorded override. The registration data of an enterprise registered "
            "by market regulation (a code starting with 9) is changed only by market "
            "regulation; other departments may still enter records about it."
        ),
        tags=["enterprises"],
        request=SubjectWriteSerializer,
        responses={
            201: OpenApiResponse(SubjectSerializer, description=_("Registered.")),
            200: OpenApiResponse(SubjectSerializer, description=_("Updated.")),
            400: _bad_request(
                _error_example(
                    "Wrong check character",
                    "uscc",
                    "The check character (the 18th, “A”) is wrong for this code: the first "
                    "17 characters give “B”.",
                    "checksum",
                    "400",
                ),
                _error_example(
                    "Natural person",
                    "subject_type",
                    "Natural persons cannot be registered through this API: their personal "
                    "data needs a separate legal basis.",
                    "natural_person_not_accepted",
                    "400",
                ),
            ),
            401: _UNAUTHORISED,
            403: OpenApiResponse(
                ErrorSerializer,
                description=_(
                    "The enterprise is registered by market regulation and the token's "
                    "department is not: it may not change the registration data."
                ),
                examples=[
                    _error_example(
                        "Registered by market regulation",
                        "name",
                        "Only market regulation, which registered this enterprise, may change "
                        "its registration data (name). Other departments may enter records "
                        "about it.",
                        "registration_not_allowed",
                        "403",
                    )
                ],
            ),
            415: _UNSUPPORTED,
            422: key_reused_response(),
        },
        examples=[
            OpenApiExample("Enterprise", value=_SUBJECT_EXAMPLE, request_only=True),
            OpenApiExample(
                "Registered",
                value={**_SUBJECT_EXAMPLE, "updated_at": "2025-06-01T10:00:00+08:00"},
                response_only=True,
                status_codes=["201", "200"],
            ),
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = SubjectWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        actor = self.actor(request)
        subject, created = retry_once_on_race(lambda: subject_upsert(actor=actor, **arguments))
        return Response(
            SubjectSerializer(subject).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


_RECORD_EXAMPLE = {
    "subject_uscc": EXAMPLE_USCC,
    "kind": "penalty",
    "decision_date": "2025-06-01",
    "document_number": "杭市监罚〔2025〕123号",
    "legal_basis": "《中华人民共和国广告法》第五十五条",
    "title": "发布虚假广告",
    "content": "当事人发布虚假广告，责令停止发布，罚款五千元。",
    "disclosure": "public",
    "severity": "general",
    "publicity_end": "2028-06-01",
    "penalty_type": "fine",
    "fine_amount": "5000.00",
}


class RecordView(DepartmentWriteView):
    field_names = {"subject": "subject_uscc", "subject_id": "subject_uscc"}

    @extend_schema(
        summary=_("Create or update a credit record"),
        description=_(
            "Creates a credit record of the token's department, or updates the record this "
            "department sent earlier with the same `document_number`, so resending is "
            "safe: 201 when created, 200 when updated. A department never changes another "
            "department's records; the same document number from another department is a "
            "record of its own. Cross-field rules (severity of negative information, end of "
            "publicity, penalty type, tax credit level …) are checked and reported per field."
        ),
        tags=["records"],
        request=CreditRecordWriteSerializer,
        responses={
            201: OpenApiResponse(CreditRecordSerializer, description=_("Created.")),
            200: OpenApiResponse(
                CreditRecordSerializer,
                description=_("The record with this document number was updated."),
            ),
            400: _bad_request(
                _error_example(
                    "Unknown subject",
                    "subject_uscc",
                    "No credit subject with this code; register it first via POST "
                    "/api/v1/enterprises/.",
                    "not_found",
                    "400",
                ),
                _error_example(
                    "Negative record without severity",
                    "severity",
                    "Negative information needs a severity (minor, general or serious).",
                    "invalid",
                    "400",
                ),
            ),
            401: _UNAUTHORISED,
            403: OpenApiResponse(
                ErrorSerializer,
                description=_("The body names a department other than the token's."),
                examples=[
                    _error_example(
                        "Another department",
                        "department",
                        "You may only enter and correct information of your own department.",
                        "department_not_allowed",
                        "403",
                    )
                ],
            ),
            415: _UNSUPPORTED,
            422: key_reused_response(),
        },
        examples=[
            OpenApiExample("Administrative penalty", value=_RECORD_EXAMPLE, request_only=True),
            OpenApiExample(
                "Created",
                value={
                    "id": 1,
                    "department": "hz-amr",
                    **_RECORD_EXAMPLE,
                    "amount": None,
                    "valid_from": None,
                    "valid_until": None,
                    "tax_credit_level": "",
                    "tax_year": None,
                    "state": "active",
                    "created_at": "2025-06-02T09:00:00+08:00",
                    "updated_at": "2025-06-02T09:00:00+08:00",
                },
                response_only=True,
                status_codes=["201", "200"],
            ),
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        token = self.token(request)
        # Checked before the rest of the body: a department learns nothing about
        # another department's data by naming it.
        named = request.data.get("department") if isinstance(request.data, dict) else None
        if isinstance(named, str):
            named = named.strip()
        if named not in (None, "") and named != token.department.code:
            raise DepartmentNotAllowed(field="department")
        serializer = CreditRecordWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        actor = self.actor(request)
        record, created = retry_once_on_race(
            lambda: record_upsert(actor=actor, department=token.department, **arguments)
        )
        return Response(
            CreditRecordSerializer(record).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
