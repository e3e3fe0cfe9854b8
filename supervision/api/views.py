"""JSON API of supervision and commitments (mounted under /api/v1/ by creditsite/urls.py).

Reads are public and go through ``supervision.queries`` / ``enterprises.queries`` (the
public sees what /inspections/ and /commitments/ show). ``inspection-plans/<id>/draw/``
(POST) lets an official draw: a staff session or the plan department's API token.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, generics, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.actors import Actor
from core.api.authentication import DepartmentTokenAuthentication
from core.api.errors import ServiceErrorsMixin
from core.api.parsers import JSONParser
from core.api.serializers import ErrorSerializer
from enterprises import queries as enterprise_queries
from enterprises.models import DepartmentToken

from .. import queries, services
from ..models import Draw, InspectionPlan


class PlanSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name_zh")

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "title",
            "department",
            "department_name",
            "period_start",
            "period_end",
            "targeted",
            "industry",
            "region_prefix",
            "scale",
            "grades",
            "grade_shares",
            "sample_size",
            "sample_ratio",
            "inspectors_per_object",
            "published_at",
        ]


class StratumSerializer(serializers.Serializer):
    grade = serializers.CharField()
    share = serializers.CharField(help_text=_("Share of the grade drawn, e.g. 0.03."))
    size = serializers.IntegerField(help_text=_("Subjects of this grade in the pool."))
    drawn = serializers.IntegerField(help_text=_("Subjects of this grade drawn."))


class DrawSerializer(serializers.ModelSerializer):
    method = serializers.CharField(
        read_only=True, help_text=_("How the objects were drawn: stratified, uniform or weighted.")
    )
    strata = serializers.SerializerMethodField(
        help_text=_("Stratified draws: the share, pool size and count drawn per grade.")
    )

    class Meta:
        model = Draw
        fields = [
            "id",
            "plan",
            "seed",
            "seed_source",
            "method",
            "strata",
            "pool",
            "result",
            "created_at",
            "reason",
            "supersedes",
            "published_at",
        ]

    @extend_schema_field(StratumSerializer(many=True))
    def get_strata(self, draw: Draw) -> list[dict[str, Any]]:
        return [
            {key: row[key] for key in ("grade", "share", "size", "drawn")}
            for row in queries.draw_strata(draw)
        ]


class InspectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="draw.plan_id")
    draw = serializers.IntegerField(source="draw_id")
    uscc = serializers.CharField(source="subject.uscc")
    name = serializers.CharField(source="subject.name")
    inspectors = serializers.SerializerMethodField()
    inspected_on = serializers.DateField()
    outcome = serializers.CharField()
    findings = serializers.CharField()
    published_on = serializers.DateField()

    def get_inspectors(self, inspection: Any) -> list[str]:
        return [inspector.name for inspector in inspection.inspectors.all()]


class CommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uscc = serializers.CharField(source="subject.uscc")
    name = serializers.CharField(source="subject.name")
    commitment_type = serializers.CharField()
    reason = serializers.CharField()
    committed_on = serializers.DateField()
    accepting_unit = serializers.CharField(source="accepting_unit.code")
    accepting_unit_name = serializers.CharField(source="accepting_unit.name_zh")
    content = serializers.CharField()
    promised_by = serializers.DateField(allow_null=True)
    state = serializers.CharField()
    fulfilled_on = serializers.DateField(allow_null=True)


def _documented_list(serializer: type[serializers.Serializer]) -> Any:
    """The paginated 200 plus the 404 the paginator answers for a page past the end."""
    return extend_schema_view(
        get=extend_schema(
            responses={
                200: serializer(many=True),
                404: OpenApiResponse(ErrorSerializer, description=_("No such page.")),
            }
        )
    )


class _PublicList(generics.ListAPIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    filter_backends: list[type] = []


@_documented_list(PlanSerializer)
class PlanListView(_PublicList):
    """Published inspection plans."""

    serializer_class = PlanSerializer

    def get_queryset(self) -> Any:
        return queries.public_plans()


@_documented_list(DrawSerializer)
class DrawListView(_PublicList):
    """Published current draws with seed and pool snapshot, so anyone can replay them."""

    serializer_class = DrawSerializer

    def get_queryset(self) -> Any:
        return queries.public_draws()


@_documented_list(InspectionSerializer)
class InspectionListView(_PublicList):
    """Published inspection results."""

    serializer_class = InspectionSerializer

    def get_queryset(self) -> Any:
        return queries.public_inspections()


@_documented_list(CommitmentSerializer)
class CommitmentListView(_PublicList):
    """Fully public credit commitments of organisations, with their state."""

    serializer_class = CommitmentSerializer

    def get_queryset(self) -> Any:
        return enterprise_queries.public_commitments()


class IsOfficialOrDepartmentToken(BasePermission):
    message = _("Drawing needs an official's session or a department API token.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, DepartmentToken):
            return True
        user = request.user
        return bool(user is not None and user.is_authenticated and user.is_staff)


class DrawRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    supersedes = serializers.IntegerField(required=False, allow_null=True)


class PlanDrawView(ServiceErrorsMixin, APIView):
    """Draw objects and inspectors for a published plan (a redraw names the draw it
    replaces and gives a reason). Which department may draw is the service's rule."""

    authentication_classes = [DepartmentTokenAuthentication, SessionAuthentication]
    permission_classes = [IsOfficialOrDepartmentToken]
    parser_classes = [JSONParser]

    @extend_schema(
        request=DrawRequestSerializer,
        responses={
            201: DrawSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("The body is not valid.")),
            401: OpenApiResponse(ErrorSerializer, description=_("Unknown or revoked token.")),
            403: OpenApiResponse(ErrorSerializer, description=_("Not allowed to draw.")),
            404: OpenApiResponse(ErrorSerializer, description=_("No such plan.")),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        plan = InspectionPlan.objects.filter(pk=pk).first()
        if plan is None:
            raise Http404
        body = DrawRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        supersedes = None
        if body.validated_data.get("supersedes"):
            supersedes = plan.draws.filter(pk=body.validated_data["supersedes"]).first()
            if supersedes is None:
                raise exceptions.ValidationError(
                    {"supersedes": [_("No draw of this plan with this id.")]}
                )
        if isinstance(request.auth, DepartmentToken):
            actor = Actor.for_token(request.auth)
        else:
            actor = Actor.for_user(request.user)
        draw = services.draw_create(
            actor=actor,
            plan=plan,
            reason=body.validated_data.get("reason", ""),
            supersedes=supersedes,
        )
        return Response(DrawSerializer(draw).data, status=201)
