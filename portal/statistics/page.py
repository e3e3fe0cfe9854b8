"""The /statistics/ page: the stored snapshot drawn as SVG charts, each with its table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from core.charts import bar_chart, time_chart
from enterprises.models import Grade
from repair.models import CaseKind

from .compute import statistics_latest


def _name(row: dict[str, Any], english: bool) -> str:
    return str(row["name_en"] if english else row["name_zh"])


def statistics_context(data: dict[str, Any], *, english: bool) -> dict[str, Any]:
    """Charts and table rows from the snapshot's figures, in the page's language."""
    grade_labels = dict(Grade.choices)
    evaluated = data["evaluated"] or 1
    grades = [
        {
            **row,
            "label": f"{row['grade']} {grade_labels.get(row['grade'], '')}",
            "share": row["count"] / evaluated,
        }
        for row in data["grades"]
    ]
    regions = [{**row, "label": _name(row, english)} for row in data["by_region"]]
    industries = [{**row, "label": _name(row, english)} for row in data["by_industry"]]
    months = [
        {**row, "at": dt.date.fromisoformat(row["month"] + "-01")} for row in data["by_month"]
    ]
    entries = [
        {**row, "at": dt.date.fromisoformat(row["day"])} for row in data["entries_over_time"]
    ]
    kind_labels = dict(CaseKind.choices)
    handling = [
        {**row, "label": str(kind_labels.get(row["kind"], row["kind"]))} for row in data["handling"]
    ]
    chars = 22 if english else 12
    return {
        "as_of": dt.date.fromisoformat(data["as_of"]),
        "evaluated": data["evaluated"],
        "negative_records": data["negative_records"],
        "black_entries": data["black_entries"],
        "grades": grades,
        "grades_chart": bar_chart(
            [{"label": g["label"], "value": g["count"]} for g in grades], label_chars=chars
        ),
        "regions": regions,
        "regions_chart": bar_chart(
            [{"label": r["label"], "value": r["records"], "css": "loss"} for r in regions],
            label_chars=chars,
        ),
        "industries": industries,
        "industries_chart": bar_chart(
            [
                {"label": f"{r['code']} {r['label']}", "value": r["records"], "css": "loss"}
                for r in industries
            ],
            label_chars=chars + 2,
        ),
        "months": months,
        "months_chart": time_chart(
            [
                {
                    "name": "records",
                    "css": "loss",
                    "points": [(m["at"], m["records"]) for m in months],
                }
            ],
            low=0,
        ),
        "entries": entries,
        "entries_chart": time_chart(
            [
                {
                    "name": "black",
                    "css": "black",
                    "points": [(e["at"], e["black"]) for e in entries],
                },
                {"name": "red", "css": "red", "points": [(e["at"], e["red"]) for e in entries]},
            ],
            low=0,
        ),
        "handling": handling,
        "handling_chart": bar_chart(
            [
                {
                    "label": h["label"],
                    "value": h["median_days"] or 0,
                    "mark": h["deadline_days"],
                    "display": h["median_days"] if h["median_days"] is not None else "–",
                }
                for h in handling
            ],
            label_chars=chars + 6,
        ),
    }


def statistics_page(request: HttpRequest) -> HttpResponse:
    """The stored snapshot (one query; computed on the first request if there is none)."""
    snapshot = statistics_latest()
    english = (get_language() or "").startswith("en")
    context = statistics_context(snapshot.data, english=english)
    context["computed_at"] = snapshot.computed_at
    return render(request, "portal/statistics.html", context)
