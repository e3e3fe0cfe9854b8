"""Public credit evaluation: one subject explained, everyone in set-based batches.

DOMAIN §4, thesis §2.2.1 and Annex 2; the rules and their defaults are data
(``IndicatorRule``) and docs/scoring.md explains each one. Two paths compute the
score and must agree exactly (a property test holds them to it):

* :func:`evaluate_subject` reads one subject's counting records and list entries and
  explains every point: which record moved which indicator, and when it stops.
* :func:`scores_bulk` aggregates records per subject in SQL (one ``GROUP BY
  subject_id`` with a filtered ``SUM``/``MAX`` per indicator) over an id range; on
  PostgreSQL :func:`rescore_job` / :func:`subjects_rescore` run the same aggregates inside
  one statement per id range that also combines, grades and writes only what changed.

How one item counts on a date ``on`` (records and list entries alike):
  it counts when its decision (or listing) date is on or before ``on`` and, if the
  rule has ``max_years``, later than ``on`` minus that many years; its points are the
  rule's points for its severity (black-list entries: serious; trust-keeping records
  and red-list entries: unrated), times ``aged_percent`` once its date is on or before
  ``on`` minus ``full_years``. Within an indicator the largest item counts in full and
  the others at ``repeat_percent``; the sum is capped at the indicator's weight.
Score = (sum of the deducting indicators' weights, 815 in 2020) − deductions + additions.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from rules.kinds import RecordKind

from .extensions import active_list_entries
from .models import (
    CreditRecord,
    Disclosure,
    Edition,
    Evaluation,
    Indicator,
    RecordState,
    ScoreHistory,
    Subject,
)

log = logging.getLogger(__name__)

DEFAULT_JURISDICTION = "zhejiang"
COUNTING_STATES = (RecordState.ACTIVE, RecordState.UNDER_OBJECTION)
RESCORE_JOB = "rescore"


class SubjectNotScored(DomainError):
    status_code = 404
    default_message = _("Natural persons are not scored (thesis §2.2.1).")


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
    Expired, repaired and revoked records never count (DOMAIN §6, §8)."""
    return CreditRecord.objects.filter(
        Q(publicity_end__isnull=True) | Q(publicity_end__gte=on),
        state__in=COUNTING_STATES,
        disclosure=Disclosure.PUBLIC,
        decision_date__lte=on,
    )


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
    Natural persons are not scored (thesis §2.2.1): :class:`SubjectNotScored`.
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


# --- Everyone, set-based -------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    score: int
    grade: str
    breakdown: dict[str, int]


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


def subject_rescore(
    *, subject_id: int, on: dt.date | None = None, only_if_requested: bool = False
) -> Evaluation | None:
    """Score one subject now and store it (the task after a change calls this).

    Safe to run twice: with ``only_if_requested`` a subject whose request was already
    served is skipped, and the request is cleared only if no newer change arrived
    meanwhile (compare-and-set on ``rescore_requested_at``).
    """
    subject = Subject.objects.filter(pk=subject_id).first()
    if subject is None:
        return None
    requested = subject.rescore_requested_at
    if only_if_requested and requested is None:
        return None
    if subject.subject_type == Subject.SubjectType.NATURAL_PERSON:
        Subject.objects.filter(pk=subject_id, rescore_requested_at=requested).update(
            rescore_requested_at=None
        )
        return None
    result = evaluate_subject(subject, on=on)
    with transaction.atomic():
        _store(
            {subject_id: Scored(result.score, result.grade, result.compact())},
            on=result.on,
            edition=result.edition,
            now=timezone.now(),
        )
        Subject.objects.filter(pk=subject_id, rescore_requested_at=requested).update(
            rescore_requested_at=None
        )
    log.info("evaluation.rescored subject=%s score=%s", subject_id, result.score)
    return Evaluation.objects.filter(subject_id=subject_id).first()


def scorable_subjects() -> QuerySet[Subject]:
    return Subject.objects.exclude(subject_type=Subject.SubjectType.NATURAL_PERSON)


# --- Everyone, set-based -------------------------------------------------------------------
#
# PostgreSQL: one statement per id range computes every score with the same aggregates as
# ``scores_bulk`` (compiled by the ORM), combines them per indicator, grades, and upserts
# only the evaluations that changed, with their history rows — nothing crosses into
# Python but three counts. SQLite (the embedded default) runs ``scores_bulk`` + ``_store``
# over the same ranges. Both are held to ``evaluate_subject`` by tests.


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


def _aggregate_sql(
    queryset: QuerySet[Any], pieces: list[tuple[str, Q, Case | Value]]
) -> tuple[str, list[Any]]:
    """The ``GROUP BY subject_id`` of ``_aggregate`` as SQL: columns subject_id, s0, m0, …"""
    annotations: dict[str, Any] = {}
    for index, (_code, match, points) in enumerate(pieces):
        annotations[f"s{index}"] = Sum(points, filter=match)
        annotations[f"m{index}"] = Max(points, filter=match)
    query = queryset.values("subject_id").order_by().annotate(**annotations).query
    sql, params = query.sql_with_params()
    return sql, list(params)


def _range_statement(
    *, low: int, high: int, on: dt.date, catalogue: Catalogue, now: dt.datetime
) -> tuple[str, list[Any]]:
    """The PostgreSQL statement that scores subjects ``low..high`` and writes what changed.

    Returns one row: (subjects scored, evaluations written, history rows written).
    """
    record_pieces, entry_pieces = _pieces(catalogue, on=on)
    in_range = {"subject_id__gte": low, "subject_id__lte": high}
    params: list[Any] = []
    ctes: list[str] = []
    joins: list[str] = []
    if record_pieces:
        sql, p = _aggregate_sql(counting_records(on=on).filter(**in_range), record_pieces)
        ctes.append(f"rec AS ({sql})")
        params += p
        joins.append("LEFT JOIN rec ON rec.subject_id = s.id")
    entries_qs = _active_entries(on)
    if entries_qs is not None and entry_pieces:
        sql, p = _aggregate_sql(entries_qs.filter(**in_range), entry_pieces)
        ctes.append(f"ent AS ({sql})")
        params += p
        joins.append("LEFT JOIN ent ON ent.subject_id = s.id")
    else:
        entry_pieces = []
    record_index = {code: i for i, (code, _m, _p) in enumerate(record_pieces)}
    entry_index = {code: i for i, (code, _m, _p) in enumerate(entry_pieces)}

    columns: list[str] = []  # signed points per rule, as p0, p1, …
    signed_rules: list[tuple[int, Rule]] = []
    for position, rule in enumerate(catalogue.rules):
        sums, maxes = [], []
        if rule.code in record_index:
            sums.append(f'COALESCE(rec."s{record_index[rule.code]}", 0)')
            maxes.append(f'rec."m{record_index[rule.code]}"')
        if rule.code in entry_index:
            sums.append(f'COALESCE(ent."s{entry_index[rule.code]}", 0)')
            maxes.append(f'ent."m{entry_index[rule.code]}"')
        if not sums:
            continue
        total = " + ".join(sums)
        biggest = maxes[0] if len(maxes) == 1 else f"GREATEST({', '.join(maxes)})"
        points = (
            f"CASE WHEN {biggest} IS NULL THEN 0 ELSE LEAST({biggest} + (({total}) - {biggest})"
            f" * {int(rule.repeat_percent)} / 100, {int(rule.weight)}) END"
        )
        sign = "" if rule.adds else "-"
        columns.append(f"{sign}({points})::integer AS p{position}")
        signed_rules.append((position, rule))

    edition = catalogue.edition
    base = int(catalogue.base)
    score_sum = " + ".join(f"p{position}" for position, _rule in signed_rules) or "0"
    score = f"GREATEST(0, LEAST({int(edition.total)}, {base} + {score_sum}))"
    pairs: list[str] = []
    differs = ""
    for position, _rule in signed_rules:
        pairs.append(f"%s::text, NULLIF(p{position}, 0)")
        differs += (
            f"\n       OR (old_breakdown ->> %s)::integer IS DISTINCT FROM NULLIF(p{position}, 0)"
        )
    breakdown = (
        f"jsonb_strip_nulls(jsonb_build_object({', '.join(pairs)}))" if pairs else "'{}'::jsonb"
    )
    grade = (
        "CASE WHEN scored.score >= %s THEN 'A' WHEN scored.score >= %s THEN 'B'"
        " WHEN scored.score >= %s THEN 'C' WHEN scored.score >= %s THEN 'D' ELSE 'E' END"
    )
    subject_table = Subject._meta.db_table
    evaluation_table = Evaluation._meta.db_table
    history_table = ScoreHistory._meta.db_table
    # Only table names, generated column aliases and integers of the catalogue are
    # interpolated; every value from data is a parameter.
    statement = f"""
WITH {", ".join(ctes) + "," if ctes else ""}
points AS (
    SELECT s.id AS subject_id{", " if columns else ""}{", ".join(columns)}
    FROM {subject_table} s {" ".join(joins)}
    WHERE s.id >= %s AND s.id <= %s AND s.subject_type <> %s
),
scored AS (
    SELECT points.*, {score} AS score FROM points
),
graded AS (
    SELECT scored.*, {grade} AS grade,
           ev.score AS old_score, ev.grade AS old_grade, ev.edition_id AS old_edition,
           ev.breakdown AS old_breakdown
    FROM scored LEFT JOIN {evaluation_table} ev
        ON ev.subject_id = scored.subject_id AND ev.subject_id >= %s AND ev.subject_id <= %s
),
changed AS (
    -- The breakdown is built only for the rows that changed; the others are compared
    -- indicator by indicator against the stored one (same edition: same keys).
    SELECT subject_id, score, grade, old_score, {breakdown} AS breakdown FROM graded
    WHERE old_score IS NULL OR old_score <> score OR old_grade <> grade
       OR old_edition <> %s{differs}
),
written AS (
    INSERT INTO {evaluation_table}
        (subject_id, score, grade, evaluated_at, evaluated_on, edition_id, breakdown)
    SELECT subject_id, score, grade, %s, %s, %s, breakdown FROM changed
    ON CONFLICT (subject_id) DO UPDATE SET
        score = EXCLUDED.score, grade = EXCLUDED.grade, evaluated_at = EXCLUDED.evaluated_at,
        evaluated_on = EXCLUDED.evaluated_on, edition_id = EXCLUDED.edition_id,
        breakdown = EXCLUDED.breakdown
    RETURNING 1
),
history AS (
    INSERT INTO {history_table} (subject_id, score, grade, at, edition_id)
    SELECT subject_id, score, grade, %s, %s FROM changed
    WHERE old_score IS DISTINCT FROM score
    RETURNING 1
)
SELECT (SELECT count(*) FROM graded), (SELECT count(*) FROM written),
       (SELECT count(*) FROM history)
"""  # noqa: S608
    codes = [rule.code for _position, rule in signed_rules]
    params += [low, high, Subject.SubjectType.NATURAL_PERSON.value]
    params += [edition.grade_a_min, edition.grade_b_min, edition.grade_c_min, edition.grade_d_min]
    params += [low, high, *codes, edition.pk, *codes]
    params += [now, on, edition.pk, now, edition.pk]
    return statement, params


def _score_range(
    *, low: int, high: int, on: dt.date, catalogue: Catalogue, now: dt.datetime
) -> StoreCounts:
    """Score subjects with ids ``low..high`` and write what changed (inside a transaction)."""
    if connection.vendor == "postgresql":
        statement, params = _range_statement(
            low=low, high=high, on=on, catalogue=catalogue, now=now
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            scored, changed, history = cursor.fetchone()
        return StoreCounts(scored=scored, changed=changed, history=history)
    ids = list(
        scorable_subjects()
        .filter(pk__gte=low, pk__lte=high)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _store(
        scores_bulk(ids, on=on, catalogue=catalogue), on=on, edition=catalogue.edition, now=now
    )


def _plan(size: int) -> list[list[int]]:
    """Id ranges ``[low, high, subjects]`` of about ``size`` scorable subjects each."""
    ids = scorable_subjects().order_by("pk").values_list("pk", flat=True)
    if connection.vendor == "postgresql":
        subject_table = Subject._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT min(id), max(id), count(*) FROM (
                        SELECT id, (row_number() OVER (ORDER BY id) - 1) / %s AS bucket
                        FROM {subject_table} WHERE subject_type <> %s) numbered
                    GROUP BY bucket ORDER BY bucket""",  # noqa: S608
                [size, Subject.SubjectType.NATURAL_PERSON.value],
            )
            return [list(row) for row in cursor.fetchall()]
    plan: list[list[int]] = []
    chunk: list[int] = []
    for pk in ids.iterator(chunk_size=10_000):
        chunk.append(pk)
        if len(chunk) == size:
            plan.append([chunk[0], chunk[-1], len(chunk)])
            chunk = []
    if chunk:
        plan.append([chunk[0], chunk[-1], len(chunk)])
    return plan


@dataclass
class RescoreCounts:
    scored: int = 0
    changed: int = 0
    history: int = 0


def subjects_rescore(*, on: dt.date | None = None, chunk_size: int = 50_000) -> RescoreCounts:
    """Rescore every scorable subject now, in this process, one id range per transaction
    (tests and callers that need the scores at once; the nightly job is ``rescore_job``)."""
    day = on or timezone.localdate()
    catalogue = catalogue_load()
    counts = RescoreCounts()
    for low, high, _n in _plan(chunk_size):
        with transaction.atomic():
            started = timezone.now()
            stored = _score_range(low=low, high=high, on=day, catalogue=catalogue, now=started)
            _requests_served(low=low, high=high, before=started)
        counts.scored += stored.scored
        counts.changed += stored.changed
        counts.history += stored.history
    return counts


def _requests_served(*, low: int, high: int, before: dt.datetime) -> None:
    # Requests older than this chunk's reading are served; newer ones keep their task.
    Subject.objects.filter(pk__gte=low, pk__lte=high, rescore_requested_at__lte=before).update(
        rescore_requested_at=None
    )


# --- The nightly job: id-range chunks, in this process or on Celery workers ----------------
#
# The job-run row holds the plan: ``counts["chunks"]`` ([low, high, subjects] per chunk) and
# ``counts["done_chunks"]``. Each chunk is one transaction that scores its range and marks
# itself done in the same commit, so a chunk is done entirely or not at all: a worker killed
# mid-chunk leaves nothing behind, its message comes back (late acknowledgement) and the next
# run for the same date re-dispatches every chunk not done. A chunk that is already done is
# skipped; two deliveries of one chunk serialize on an advisory lock (PostgreSQL).

DEFAULT_CHUNK_SUBJECTS = 200_000


def _chunk_lock(run_id: int, index: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [run_id, index])


def rescore_chunk(*, run_id: int, index: int) -> StoreCounts | None:
    """Score chunk ``index`` of job run ``run_id`` and record it; None if it was done
    already (a redelivered message) or the run is unknown."""
    from .models import JobRun

    catalogue = catalogue_load()
    with transaction.atomic():
        _chunk_lock(run_id, index)
        run = JobRun.objects.filter(pk=run_id).first()
        if run is None or index in run.counts.get("done_chunks", []):
            return None
        low, high, _n = run.counts["chunks"][index]
        day = dt.date.fromisoformat(run.counts["on"])
        started = timezone.now()
        stored = _score_range(low=low, high=high, on=day, catalogue=catalogue, now=started)
        _requests_served(low=low, high=high, before=started)
        # Record it last, holding the row lock only until this commit.
        run = JobRun.objects.select_for_update().get(pk=run_id)
        counts = run.counts
        counts["done_chunks"] = sorted({*counts.get("done_chunks", []), index})
        counts["scored"] = counts.get("scored", 0) + stored.scored
        counts["changed"] = counts.get("changed", 0) + stored.changed
        counts["history"] = counts.get("history", 0) + stored.history
        run.counts = counts
        done = set(counts["done_chunks"])
        run.done = sum(chunk[2] for i, chunk in enumerate(counts["chunks"]) if i in done)
        fields = ["counts", "done"]
        if len(counts["done_chunks"]) == len(counts["chunks"]):
            run.status = JobRun.Status.SUCCEEDED
            run.finished_at = timezone.now()
            run.error = ""
            fields += ["status", "finished_at", "error"]
        run.save(update_fields=fields)
    log.info(
        "rescore.chunk run=%s chunk=%s ids=%s..%s scored=%s changed=%s",
        run_id, index, low, high, stored.scored, stored.changed,
    )  # fmt: skip
    return stored


def rescore_chunk_failed(*, run_id: int, index: int, error: BaseException) -> None:
    """Leave the failure on the job-run row (the run stays resumable)."""
    from .models import JobRun

    with transaction.atomic():
        run = JobRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return
        counts = run.counts
        counts["errors"] = [*counts.get("errors", [])[-9:], f"chunk {index}: {error}"[:500]]
        run.counts = counts
        run.status = JobRun.Status.FAILED
        run.finished_at = timezone.now()
        run.error = f"chunk {index}: {error.__class__.__name__}: {error}"[:4000]
        run.save(update_fields=["counts", "status", "finished_at", "error"])


def rescore_job(
    *,
    on: dt.date | None = None,
    chunk_size: int | None = None,
    dispatch: bool = False,
    queue: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """The nightly job: rescore everyone in id-range chunks, leaving a job-run row.

    ``dispatch=False`` runs the chunks here, one after another; ``dispatch=True`` sends one
    Celery task per chunk (``enterprises.rescore_chunk``) so that any number of workers
    share them (on ``queue``, default the default queue), and returns at once (the row
    shows progress; the last chunk closes it).
    A run for the same evaluation date that did not finish (failed, killed, or its
    messages lost) is resumed: only its chunks not done run again. After a success, a new
    run starts over (and writes nothing that did not change).
    """
    from .models import JobRun

    day = on or timezone.localdate()
    configured: int = getattr(settings, "RESCORE_CHUNK_SUBJECTS", DEFAULT_CHUNK_SUBJECTS)
    size = chunk_size or configured
    previous = JobRun.objects.filter(name=RESCORE_JOB).order_by("-started_at", "-pk").first()
    if (
        previous is not None
        and previous.status != JobRun.Status.SUCCEEDED
        and previous.counts.get("on") == day.isoformat()
        and previous.counts.get("chunks") is not None
    ):
        run = previous
        resumed = len(run.counts.get("done_chunks", []))
        JobRun.objects.filter(pk=run.pk).update(status=JobRun.Status.RUNNING, finished_at=None)
    else:
        plan = _plan(size)
        run = JobRun.objects.create(
            name=RESCORE_JOB,
            total=sum(chunk[2] for chunk in plan),
            counts={
                "on": day.isoformat(),
                "chunk_size": size,
                "chunks": plan,
                "done_chunks": [],
                "scored": 0,
                "changed": 0,
                "history": 0,
            },
        )
        resumed = 0
        if not plan:
            JobRun.objects.filter(pk=run.pk).update(
                status=JobRun.Status.SUCCEEDED, finished_at=timezone.now()
            )
    chunks = run.counts["chunks"]
    pending = [i for i in range(len(chunks)) if i not in set(run.counts.get("done_chunks", []))]
    log.info(
        "rescore.job run=%s on=%s chunks=%s pending=%s dispatch=%s",
        run.pk, day, len(chunks), len(pending), dispatch,
    )  # fmt: skip
    if dispatch:
        from .tasks import rescore_chunk_task

        for index in pending:
            if queue:
                rescore_chunk_task.apply_async((run.pk, index), queue=queue)
            else:
                rescore_chunk_task.apply_async((run.pk, index))
    else:
        for index in pending:
            try:
                rescore_chunk(run_id=run.pk, index=index)
            except BaseException as exc:
                rescore_chunk_failed(run_id=run.pk, index=index, error=exc)
                raise
            if on_progress is not None:
                run.refresh_from_db(fields=["done", "total"])
                on_progress(run.done, run.total or 0)
    run.refresh_from_db()
    return {
        "run": run.pk,
        "on": day.isoformat(),
        "status": run.status,
        "chunks": len(chunks),
        "dispatched": len(pending) if dispatch else 0,
        "resumed_chunks": resumed,
        "scored": run.counts.get("scored", 0),
        "changed": run.counts.get("changed", 0),
        "total": run.total or 0,
    }
