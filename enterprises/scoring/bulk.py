"""Everyone, set-based: scores by SQL aggregation per subject (``scores_bulk``), and
the writing of evaluations and history rows that changed (``_store``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Max, Q, QuerySet, Sum, Value

from ..models import Edition, Evaluation, ScoreHistory
from .catalogue import Catalogue, _active_entries, _entry_color_q, _entry_severity, counting_records

# --- Everyone, set-based -------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    score: int
    grade: str
    breakdown: dict[str, int]


def _pieces(catalogue: Catalogue, *, on: dt.date) -> tuple[list[Any], list[Any]]:
    """(record pieces, list-entry pieces): ``(code, match, points)`` per rule and source."""
    record_pieces: list[tuple[str, Q, Case | Value]] = []
    entry_pieces: list[tuple[str, Q, Case | Value]] = []
    for rule in catalogue.rules:
        match = rule.record_match()
        if match is not None:
            record_pieces.append(
                (
                    rule.code,
                    match & rule.age_q(on=on, date_field="decision_date"),
                    rule.points_sql(on=on, date_field="decision_date", severity=None),
                )
            )
        if rule.list_color:
            entry_pieces.append(
                (
                    rule.code,
                    _entry_color_q(rule.list_color) & rule.age_q(on=on, date_field="listed_on"),
                    rule.points_sql(
                        on=on, date_field="listed_on", severity=_entry_severity(rule.list_color)
                    ),
                )
            )
    return record_pieces, entry_pieces


def _aggregate(
    queryset: QuerySet[Any],
    pieces: list[tuple[str, Q, Case | Value]],
) -> dict[int, dict[str, tuple[int, int]]]:
    """``{subject_id: {code: (sum, max)}}`` from one GROUP BY subject_id."""
    annotations: dict[str, Any] = {}
    for index, (_code, match, points) in enumerate(pieces):
        annotations[f"s{index}"] = Sum(points, filter=match)
        annotations[f"m{index}"] = Max(points, filter=match)
    out: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    if not annotations:
        return out
    for row in queryset.values("subject_id").order_by().annotate(**annotations):
        for index, (code, _match, _points) in enumerate(pieces):
            total = row[f"s{index}"]
            if total is None:
                continue
            out[row["subject_id"]][code] = (int(total), int(row[f"m{index}"]))
    return out


def scores_bulk(subject_ids: list[int], *, on: dt.date, catalogue: Catalogue) -> dict[int, Scored]:
    """Scores of these subjects (natural persons excluded by the caller) by SQL aggregation
    over the id range they span: two queries whatever the number of subjects."""
    if not subject_ids:
        return {}
    low, high = min(subject_ids), max(subject_ids)
    record_pieces, entry_pieces = _pieces(catalogue, on=on)
    in_range = {"subject_id__gte": low, "subject_id__lte": high}
    by_records = _aggregate(counting_records(on=on).filter(**in_range), record_pieces)
    entries_qs = _active_entries(on)
    by_entries = (
        _aggregate(entries_qs.filter(**in_range), entry_pieces)
        if entries_qs is not None and entry_pieces
        else {}
    )
    results: dict[int, Scored] = {}
    empty: dict[str, tuple[int, int]] = {}
    for subject_id in subject_ids:
        from_records = by_records.get(subject_id, empty)
        from_entries = by_entries.get(subject_id, empty)
        score = catalogue.base
        breakdown: dict[str, int] = {}
        for rule in catalogue.rules:
            parts = [p for p in (from_records.get(rule.code), from_entries.get(rule.code)) if p]
            if not parts:
                continue
            points = rule.combine(sum(p[0] for p in parts), max(p[1] for p in parts))
            if points:
                signed = points if rule.adds else -points
                breakdown[rule.code] = signed
                score += signed
        score = max(0, min(catalogue.edition.total, score))
        results[subject_id] = Scored(score, catalogue.grade_for(score), breakdown)
    return results


# --- Stored results ------------------------------------------------------------------------


@dataclass
class StoreCounts:
    scored: int = 0
    changed: int = 0  # evaluations written (new, or score / grade / edition / breakdown moved)
    history: int = 0  # history rows (the score moved)


def _store(
    results: dict[int, Scored], *, on: dt.date, edition: Edition, now: dt.datetime
) -> StoreCounts:
    """Write the evaluations that are new or changed; a history row for each subject whose
    score changed. An unchanged evaluation keeps its row (and its evaluation time): the
    nightly run rewrites nothing that did not move."""
    if not results:
        return StoreCounts()
    ids = list(results)
    previous = {
        row[0]: row[1:]
        for row in Evaluation.objects.filter(subject_id__in=ids).values_list(
            "subject_id", "score", "grade", "edition_id", "breakdown"
        )
    }
    changed = {
        subject_id: scored
        for subject_id, scored in results.items()
        if previous.get(subject_id) != (scored.score, scored.grade, edition.pk, scored.breakdown)
    }
    Evaluation.objects.bulk_create(
        [
            Evaluation(
                subject_id=subject_id,
                score=scored.score,
                grade=scored.grade,
                evaluated_at=now,
                evaluated_on=on,
                edition=edition,
                breakdown=scored.breakdown,
            )
            for subject_id, scored in changed.items()
        ],
        update_conflicts=True,
        unique_fields=["subject"],
        update_fields=["score", "grade", "evaluated_at", "evaluated_on", "edition", "breakdown"],
    )
    history = [
        ScoreHistory(
            subject_id=subject_id, score=scored.score, grade=scored.grade, at=now, edition=edition
        )
        for subject_id, scored in changed.items()
        if (previous.get(subject_id) or (None,))[0] != scored.score
    ]
    ScoreHistory.objects.bulk_create(history)
    return StoreCounts(scored=len(results), changed=len(changed), history=len(history))
