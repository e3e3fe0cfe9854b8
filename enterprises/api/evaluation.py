"""Public API of the credit evaluation: a subject's evaluation and the catalogue in force.

Reads only; both go through ``enterprises.queries`` / ``enterprises.scoring``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import ErrorSerializer
from enterprises import queries
from enterprises.models import Indicator, Subject
from enterprises.scoring import DEFAULT_JURISDICTION, Catalogue, NoActiveEdition, catalogue_load

from .paths import subject_from_path


class EditionSerializer(serializers.Serializer):
    code = serializers.CharField()
    jurisdiction = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    activated_at = serializers.DateTimeField(allow_null=True)


class ItemSerializer(serializers.Serializer):
    # The API's field name; the DRF stubs type Field.source (the attribute path) on every
    # serializer, so mypy sees a field called "source" as overriding it.
    source = serializers.ChoiceField(choices=["record", "list_entry"])  # type: ignore[assignment]
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    date = serializers.DateField()
    severity = serializers.CharField(allow_blank=True)
    points = serializers.IntegerField(help_text=_("This item's points before the cap."))
    under_objection = serializers.BooleanField()
    stops_on = serializers.DateField(
        allow_null=True, help_text=_("First day on which it no longer counts.")
    )
    gain_when_stops = serializers.IntegerField(
        help_text=_("Change of the score on that day, other things equal.")
    )


class IndicatorResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    weight = serializers.IntegerField()
    adds = serializers.BooleanField()
    points = serializers.IntegerField(source="signed", help_text=_("Signed: − lost, + gained."))
    items = ItemSerializer(many=True)


class EvaluationSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()
    score = serializers.IntegerField(min_value=0, max_value=1000)
    grade = serializers.ChoiceField(choices=["A", "B", "C", "D", "E"])
    grade_label = serializers.CharField()
    evaluated_at = serializers.DateTimeField()
    evaluated_on = serializers.DateField()
    edition = EditionSerializer()
    base = serializers.IntegerField(help_text=_("The score with no information at all."))
    breakdown = IndicatorResultSerializer(many=True)


def _evaluation_body(subject: Subject, evaluation: Any, explained: Any) -> dict[str, Any]:
    return {
        "uscc": subject.uscc,
        "name": subject.name,
        "score": evaluation.score,
        "grade": evaluation.grade,
        "grade_label": str(evaluation.get_grade_display()),
        "evaluated_at": evaluation.evaluated_at,
        "evaluated_on": evaluation.evaluated_on,
        "edition": evaluation.edition,
        "base": explained.base,
        "breakdown": [row for row in explained.breakdown if row.points],
    }


class EvaluationView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary=_("A subject's public credit evaluation"),
        description=_(
            "Score (0–1000), grade (A ≥ 850, B 800–849, C 750–799, D 700–749, E below), "
            "evaluation time, the catalogue edition applied, and per indicator the points "
            "lost or gained with the public records and list entries behind them and when "
            "each stops counting. Natural persons are not evaluated."
        ),
        tags=["evaluation"],
        responses={
            200: EvaluationSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("The code is not a valid USCC.")),
            404: OpenApiResponse(
                ErrorSerializer, description=_("No such subject, or not evaluated yet.")
            ),
        },
    )
    def get(self, request: Request, uscc: str) -> Response:
        subject = subject_from_path(uscc)
        evaluation = queries.evaluation_for(subject)
        if evaluation is None:
            raise exceptions.NotFound(_("This subject has not been evaluated yet."))
        explained = queries.evaluation_explained(subject, evaluation)
        return Response(EvaluationSerializer(_evaluation_body(subject, evaluation, explained)).data)


class CatalogueIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.IntegerField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    description_zh = serializers.CharField()
    description_en = serializers.CharField()
    weight = serializers.IntegerField()
    adds = serializers.BooleanField()
    data_sources_zh = serializers.CharField()
    data_sources_en = serializers.CharField()
    rule = serializers.DictField(allow_null=True)
    children = serializers.ListField(child=serializers.DictField())


class CatalogueSerializer(serializers.Serializer):
    edition = EditionSerializer()
    total = serializers.IntegerField()
    grades = serializers.DictField(child=serializers.IntegerField())
    indicators = CatalogueIndicatorSerializer(many=True)


def _rule_body(indicator: Indicator) -> dict[str, Any] | None:
    rule = getattr(indicator, "rule", None)
    if rule is None:
        return None
    return {
        "record_kinds": rule.record_kinds,
        "tax_credit_levels": rule.tax_credit_levels,
        "list_color": rule.list_color,
        "points_minor": rule.points_minor,
        "points_general": rule.points_general,
        "points_serious": rule.points_serious,
        "points_unrated": rule.points_unrated,
        "repeat_percent": rule.repeat_percent,
        "full_years": rule.full_years,
        "aged_percent": rule.aged_percent,
        "max_years": rule.max_years,
    }


def catalogue_tree(catalogue: Catalogue) -> dict[str, Any]:
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for indicator in catalogue.indicators:
        node = {
            "code": indicator.code,
            "level": indicator.level,
            "name_zh": indicator.name_zh,
            "name_en": indicator.name_en,
            "description_zh": indicator.description_zh,
            "description_en": indicator.description_en,
            "weight": indicator.weight,
            "adds": indicator.adds,
            "data_sources_zh": indicator.data_sources_zh,
            "data_sources_en": indicator.data_sources_en,
            "rule": _rule_body(indicator) if indicator.level == Indicator.Level.TERTIARY else None,
            "children": [],
        }
        nodes[indicator.pk] = node
        parent = nodes.get(indicator.parent_id) if indicator.parent_id else None
        (parent["children"] if parent is not None else roots).append(node)
    edition = catalogue.edition
    return {
        "edition": edition,
        "total": edition.total,
        "grades": {
            "A": edition.grade_a_min,
            "B": edition.grade_b_min,
            "C": edition.grade_c_min,
            "D": edition.grade_d_min,
        },
        "indicators": roots,
    }


class CatalogueView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary=_("The evaluation catalogue in force"),
        description=_(
            "The active edition's indicator tree (primary → secondary → tertiary) with "
            "weights, data-source departments and, per tertiary indicator, the rule that "
            "says how one record counts (docs/scoring.md)."
        ),
        tags=["evaluation"],
        parameters=[
            OpenApiParameter(
                "jurisdiction", str, description=_("Default: zhejiang."), required=False
            )
        ],
        responses={200: CatalogueSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        jurisdiction = request.query_params.get("jurisdiction") or DEFAULT_JURISDICTION
        try:
            catalogue = catalogue_load(jurisdiction=jurisdiction)
        except NoActiveEdition as error:
            raise exceptions.NotFound(str(error)) from None
        return Response(CatalogueSerializer(catalogue_tree(catalogue)).data)
