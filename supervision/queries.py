"""Reads shared by the /inspections/ page and the API: the one place deciding what of
“two randoms, one public” the public may see (published plans, published current draws,
published results; never an unpublished outcome or finding)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from enterprises.models import Grade

from .models import Draw, DrawMethod, Inspection, InspectionPlan, Inspector, PlanStatus


def public_plans() -> QuerySet[InspectionPlan]:
    return (
        InspectionPlan.objects.filter(status=PlanStatus.PUBLISHED)
        .select_related("department", "industry")
        .order_by("-period_start", "-id")
    )


def public_draws() -> QuerySet[Draw]:
    return Draw.objects.public().select_related("plan__department").order_by("-created_at")


def draw_strata(draw: Draw) -> list[dict[str, Any]]:
    """Per grade stratum of a stratified draw (rules.md §9.2): the share, how many
    candidates the stratum had and how many it gave. Empty for other methods. Only counts
    and shares: nothing of the pool a published draw does not already show."""
    pool = draw.pool or {}
    if pool.get("method") != DrawMethod.STRATIFIED:
        return []
    drawn = (draw.result or {}).get("strata", {})
    rows = []
    for grade in Grade.values:
        share = Decimal(str(pool["shares"][grade]))
        rows.append(
            {
                "grade": grade,
                "share": format(share.normalize(), "f"),
                "percent": format((share * 100).normalize(), "f"),
                "size": int(pool["strata"].get(grade, 0)),
                "drawn": int(drawn.get(grade, 0)),
            }
        )
    return rows


def drawn_objects() -> QuerySet[Inspection]:
    """Objects of published current draws, with their inspectors. Outcomes are read only
    through ``Inspection.published_on`` (see ``inspection_public_outcome``)."""
    return (
        Inspection.objects.filter(
            draw__published=True,
            draw__superseded_by__isnull=True,
            draw__plan__status=PlanStatus.PUBLISHED,
        )
        .select_related("subject", "draw")
        .prefetch_related(Prefetch("inspectors", queryset=Inspector.objects.order_by("name")))
        .order_by("draw_id", "id")
    )


def public_inspections() -> QuerySet[Inspection]:
    return (
        Inspection.objects.public()
        .select_related("subject", "draw__plan__department")
        .prefetch_related(Prefetch("inspectors", queryset=Inspector.objects.order_by("name")))
        .order_by("-published_on", "-id")
    )


def inspection_public_outcome(inspection: Inspection) -> tuple[str, str]:
    """(outcome, findings) as the public may see them: empty until published."""
    if inspection.published_on is None:
        return "", ""
    return inspection.outcome, inspection.findings
