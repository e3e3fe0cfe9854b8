"""The evaluation catalogue compiled into plain rules, and what counts on a date.

The active edition's tertiary indicators and their ``IndicatorRule`` rows become
:class:`Rule` values that both scoring paths share (one subject explained, everyone in
bulk); :func:`counting_records` and the list entries in force are what they count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from rules.kinds import RecordKind

from ..extensions import active_list_entries
from ..models import LIVE_STATES, CreditRecord, Edition, Indicator, Subject

DEFAULT_JURISDICTION = "zhejiang"
COUNTING_STATES = LIVE_STATES


class SubjectNotScored(DomainError):
    status_code = 404
    default_message = _("Natural persons are not scored.")


class NoActiveEdition(DomainError):
    status_code = 404
    default_message = _("No evaluation catalogue edition is active.")


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years; 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# --- The catalogue, compiled ---------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A tertiary indicator and its rule, as plain values both paths share."""

    code: str
    name_zh: str
    name_en: str
    weight: int
    adds: bool
    record_kinds: tuple[str, ...]
    tax_credit_levels: tuple[str, ...]
    list_color: str
    points_minor: int
    points_general: int
    points_serious: int
    points_unrated: int
    repeat_percent: int
    full_years: int | None
    aged_percent: int
    max_years: int | None

    def base_points(self, severity: str) -> int:
        return {
            "minor": self.points_minor,
            "general": self.points_general,
            "serious": self.points_serious,
        }.get(severity, self.points_unrated)

    def aged(self, points: int) -> int:
        return points * self.aged_percent // 100

    def aged_cutoff(self, on: dt.date) -> dt.date | None:
        """Items dated on or before this count at ``aged_percent``."""
        return None if self.full_years is None else add_years(on, -self.full_years)

    def oldest_cutoff(self, on: dt.date) -> dt.date | None:
        """Items dated on or before this no longer count."""
        return None if self.max_years is None else add_years(on, -self.max_years)

    def counts(self, day: dt.date, on: dt.date) -> bool:
        oldest = self.oldest_cutoff(on)
        return day <= on and (oldest is None or day > oldest)

    def points(self, severity: str, day: dt.date, on: dt.date) -> int:
        points = self.base_points(severity)
        cutoff = self.aged_cutoff(on)
        if cutoff is not None and day <= cutoff:
            return self.aged(points)
        return points

    def combine(self, total: int, biggest: int) -> int:
        """The indicator's points from the sum and the largest of its items' points."""
        raw = biggest + (total - biggest) * self.repeat_percent // 100
        return min(raw, self.weight)

    def total_of(self, points: Iterable[int]) -> int:
        values = list(points)
        if not values:
            return 0
        return self.combine(sum(values), max(values))

    # SQL forms of the same rule (bulk path).
    def record_match(self) -> Q | None:
        match = Q(kind__in=self.record_kinds) if self.record_kinds else None
        if self.tax_credit_levels:
            tax = Q(kind=RecordKind.TAX_CREDIT_RATING, tax_credit_level__in=self.tax_credit_levels)
            match = tax if match is None else match | tax
        return match

    def points_sql(self, *, on: dt.date, date_field: str, severity: str | None) -> Case | Value:
        """Per-item points as a CASE over severity and age, with the numbers as literals.

        ``severity=None`` reads the record's severity column; a string fixes it (list
        entries: black = serious, red = unrated).
        """
        cutoff = self.aged_cutoff(on)
        severities = ("minor", "general", "serious", "")
        whens: list[When] = []
        if severity is not None:
            points = self.base_points(severity)
            if cutoff is None or self.aged(points) == points:
                return Value(points, output_field=IntegerField())
            return Case(
                When(**{f"{date_field}__lte": cutoff}, then=Value(self.aged(points))),
                default=Value(points),
                output_field=IntegerField(),
            )
        for level in severities:
            points = self.base_points(level)
            if cutoff is not None and self.aged(points) != points:
                whens.append(
                    When(
                        severity=level,
                        **{f"{date_field}__lte": cutoff},
                        then=Value(self.aged(points)),
                    )
                )
            whens.append(When(severity=level, then=Value(points)))
        return Case(*whens, default=Value(self.points_unrated), output_field=IntegerField())

    def age_q(self, *, on: dt.date, date_field: str) -> Q:
        q = Q(**{f"{date_field}__lte": on})
        oldest = self.oldest_cutoff(on)
        if oldest is not None:
            q &= Q(**{f"{date_field}__gt": oldest})
        return q


@dataclass(frozen=True)
class Catalogue:
    edition: Edition
    rules: tuple[Rule, ...]
    indicators: tuple[Indicator, ...]  # the whole tree, in catalogue order

    @property
    def base(self) -> int:
        """The score with no information at all: every deducting indicator at full weight."""
        return sum(rule.weight for rule in self.rules if not rule.adds)

    def grade_for(self, score: int) -> str:
        return self.edition.grade_for(score)


def catalogue_load(*, jurisdiction: str = DEFAULT_JURISDICTION) -> Catalogue:
    """The active edition of ``jurisdiction`` with its indicators and rules (one query)."""
    indicators = tuple(
        Indicator.objects.filter(edition__jurisdiction=jurisdiction, edition__status="active")
        .select_related("edition", "rule")
        .order_by("position", "code")
    )
    if not indicators:
        raise NoActiveEdition()
    rules: list[Rule] = []
    for indicator in indicators:
        if indicator.level != Indicator.Level.TERTIARY:
            continue
        rule = getattr(indicator, "rule", None)
        if rule is None:
            continue
        rules.append(
            Rule(
                code=indicator.code,
                name_zh=indicator.name_zh,
                name_en=indicator.name_en,
                weight=indicator.weight,
                adds=indicator.adds,
                record_kinds=tuple(rule.record_kinds or ()),
                tax_credit_levels=tuple(rule.tax_credit_levels or ()),
                list_color=rule.list_color,
                points_minor=rule.points_minor,
                points_general=rule.points_general,
                points_serious=rule.points_serious,
                points_unrated=rule.points_unrated,
                repeat_percent=rule.repeat_percent,
                full_years=rule.full_years,
                aged_percent=rule.aged_percent,
                max_years=rule.max_years,
            )
        )
    return Catalogue(edition=indicators[0].edition, rules=tuple(rules), indicators=indicators)


# --- What counts ---------------------------------------------------------------------------


def counting_records(*, on: dt.date) -> QuerySet[CreditRecord]:
    """Records that count on ``on``: fully public, active or under objection (an objection
    does not suspend a record until decided), decided by ``on`` and still in publicity.
    Expired, repaired and revoked records never count (rules.md §3.8, §8). The rule is
    ``CreditRecord.objects.counting``; this name stays for the scoring code."""
    return CreditRecord.objects.counting(on=on)


def _active_entries(on: dt.date) -> QuerySet[Any] | None:
    """Public list entries in force, when the lists app provides them (black → 4.3.1 for
    serious-untrustworthiness lists, red → 5.2.1)."""
    return active_list_entries(on=on)


def _entry_color_q(color: str) -> Q:
    if color == "black":
        return Q(credit_list__color="black", credit_list__is_serious=True)
    return Q(credit_list__color=color)


def _entry_severity(color: str) -> str:
    return "serious" if color == "black" else ""


def scorable_subjects() -> QuerySet[Subject]:
    return Subject.objects.exclude(subject_type=Subject.SubjectType.NATURAL_PERSON)
