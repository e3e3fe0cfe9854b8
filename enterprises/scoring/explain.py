"""One subject scored and explained: which record or list entry moved which indicator,
by how many points, and when it stops counting (or ages)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from rules.kinds import RecordKind

from ..models import CreditRecord, Edition, RecordState, Subject
from .catalogue import (
    Catalogue,
    Rule,
    SubjectNotScored,
    _active_entries,
    _entry_severity,
    add_years,
    catalogue_load,
    counting_records,
)

# --- One subject, explained ----------------------------------------------------------------


@dataclass
class Item:
    """One record or list entry that moves an indicator."""

    source: str  # "record" | "list_entry"
    id: int
    kind: str
    kind_label: str
    title: str
    date: dt.date
    severity: str
    points: int  # this item's points before the repeat rule and cap
    under_objection: bool = False
    stops_on: dt.date | None = None  # first day it no longer counts
    gain_when_stops: int = 0  # score change on that day, other things equal
    ages_on: dt.date | None = None
    gain_when_ages: int = 0


@dataclass
class IndicatorResult:
    code: str
    name_zh: str
    name_en: str
    weight: int
    adds: bool
    points: int  # points lost (deducting) or gained (adding), after repeat rule and cap
    items: list[Item] = field(default_factory=list)

    @property
    def signed(self) -> int:
        return self.points if self.adds else -self.points

    @property
    def capped(self) -> bool:
        return self.points == self.weight and self.points > 0


@dataclass
class EvaluationResult:
    subject_id: int
    on: dt.date
    edition: Edition
    base: int
    score: int
    grade: str
    breakdown: list[IndicatorResult]

    def compact(self) -> dict[str, int]:
        """What is stored on the evaluation: signed points per indicator that moved."""
        return {r.code: r.signed for r in self.breakdown if r.points}


def _rule_items(
    rule: Rule, on: dt.date, records: list[CreditRecord], entries: list[Any]
) -> list[Item]:
    items: list[Item] = []
    for record in records:
        if not (
            record.kind in rule.record_kinds
            or (
                record.kind == RecordKind.TAX_CREDIT_RATING
                and record.tax_credit_level in rule.tax_credit_levels
            )
        ):
            continue
        if not rule.counts(record.decision_date, on):
            continue
        stops = [add_years(record.decision_date, rule.max_years)] if rule.max_years else []
        if record.publicity_end is not None:
            stops.append(record.publicity_end + dt.timedelta(days=1))
        items.append(
            Item(
                source="record",
                id=record.pk,
                kind=record.kind,
                kind_label=str(record.get_kind_display()),
                title=record.title,
                date=record.decision_date,
                severity=record.severity,
                points=rule.points(record.severity, record.decision_date, on),
                under_objection=record.state == RecordState.UNDER_OBJECTION,
                stops_on=min(stops) if stops else None,
            )
        )
    if rule.list_color:
        for entry in entries:
            credit_list = entry.credit_list
            if credit_list.color != rule.list_color:
                continue
            if rule.list_color == "black" and not credit_list.is_serious:
                continue
            if not rule.counts(entry.listed_on, on):
                continue
            severity = _entry_severity(rule.list_color)
            stops = [add_years(entry.listed_on, rule.max_years)] if rule.max_years else []
            if entry.term_end is not None:
                stops.append(entry.term_end + dt.timedelta(days=1))
            items.append(
                Item(
                    source="list_entry",
                    id=entry.pk,
                    kind=f"{rule.list_color}_list",
                    kind_label=credit_list.name_zh,
                    title=entry.reason,
                    date=entry.listed_on,
                    severity=severity,
                    points=rule.points(severity, entry.listed_on, on),
                    stops_on=min(stops) if stops else None,
                )
            )
    return items


def _explain(rule: Rule, on: dt.date, items: list[Item], current: int) -> None:
    """When each item stops counting (or ages), what the score gains or loses then."""
    sign = -1 if rule.adds else 1
    for index, item in enumerate(items):
        others = [other.points for i, other in enumerate(items) if i != index]
        item.gain_when_stops = sign * (current - rule.total_of(others))
        if rule.full_years is not None:
            ages_on = add_years(item.date, rule.full_years) + dt.timedelta(days=1)
            aged = rule.aged(item.points)
            if (
                ages_on > on
                and aged != item.points
                and (item.stops_on is None or ages_on < item.stops_on)
            ):
                item.ages_on = ages_on
                item.gain_when_ages = sign * (current - rule.total_of([*others, aged]))
    items.sort(key=lambda item: (-item.points, item.date, item.id))


def evaluate_subject(
    subject: Subject, *, on: dt.date | None = None, catalogue: Catalogue | None = None
) -> EvaluationResult:
    """Score one subject on ``on`` (default today) and explain every point.

    Three queries: the catalogue, the counting records, the list entries in force.
    Natural persons are not scored (rules.md §4): :class:`SubjectNotScored`.
    """
    if subject.subject_type == Subject.SubjectType.NATURAL_PERSON:
        raise SubjectNotScored()
    day = on or timezone.localdate()
    cat = catalogue or catalogue_load()
    records = list(
        counting_records(on=day)
        .filter(subject_id=subject.pk)
        .only(
            "id",
            "kind",
            "title",
            "decision_date",
            "severity",
            "publicity_end",
            "state",
            "tax_credit_level",
        )
        .order_by("decision_date", "id")
    )
    entries_qs = _active_entries(day)
    entries = (
        list(
            entries_qs.filter(subject_id=subject.pk)
            .select_related("credit_list")
            .order_by("listed_on", "id")
        )
        if entries_qs is not None
        else []
    )
    breakdown: list[IndicatorResult] = []
    score = cat.base
    for rule in cat.rules:
        items = _rule_items(rule, day, records, entries)
        points = rule.total_of(item.points for item in items)
        _explain(rule, day, items, points)
        result = IndicatorResult(
            code=rule.code,
            name_zh=rule.name_zh,
            name_en=rule.name_en,
            weight=rule.weight,
            adds=rule.adds,
            points=points,
            items=items,
        )
        score += result.signed
        breakdown.append(result)
    score = max(0, min(cat.edition.total, score))
    return EvaluationResult(
        subject_id=subject.pk,
        on=day,
        edition=cat.edition,
        base=cat.base,
        score=score,
        grade=cat.grade_for(score),
        breakdown=breakdown,
    )
