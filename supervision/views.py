"""The public /inspections/ page (“one public”): plans, draws, objects and outcomes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import queries


def inspections(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    plans = list(queries.public_plans()[:50])
    draws = {draw.plan_id: draw for draw in queries.public_draws().filter(plan__in=plans)}
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for inspection in queries.drawn_objects().filter(draw__in=list(draws.values())):
        outcome, findings = queries.inspection_public_outcome(inspection)
        deadline = inspection.publish_deadline
        rows[inspection.draw_id].append(
            {
                "subject": inspection.subject,
                "inspectors": [i.name for i in inspection.inspectors.all()],
                "inspected_on": inspection.inspected_on,
                "outcome": outcome,
                "outcome_label": inspection.get_outcome_display() if outcome else "",
                "findings": findings,
                "published_on": inspection.published_on,
                "deadline": deadline,
                "overdue": inspection.is_overdue(on=today),
            }
        )
    sections = [
        {
            "plan": plan,
            "draw": draws.get(plan.pk),
            "objects": rows.get(draws[plan.pk].pk, []) if plan.pk in draws else [],
            "strata": queries.draw_strata(draws[plan.pk]) if plan.pk in draws else [],
        }
        for plan in plans
    ]
    return render(request, "supervision/inspections.html", {"sections": sections})
