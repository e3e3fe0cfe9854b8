"""The set-based rescoring of one id range: on PostgreSQL one statement that scores,
grades and writes only what changed; elsewhere ``scores_bulk`` + ``_store``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Case, Max, Q, QuerySet, Sum, Value

from ..models import Evaluation, ScoreHistory, Subject
from .bulk import StoreCounts, _pieces, _store, scores_bulk
from .catalogue import Catalogue, Rule, _active_entries, counting_records, scorable_subjects

# --- Everyone, set-based -------------------------------------------------------------------
#
# PostgreSQL: one statement per id range computes every score with the same aggregates as
# ``scores_bulk`` (compiled by the ORM), combines them per indicator, grades, and upserts
# only the evaluations that changed, with their history rows — nothing crosses into
# Python but three counts. SQLite (the embedded default) runs ``scores_bulk`` + ``_store``
# over the same ranges. Both are held to ``evaluate_subject`` by tests.


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
