"""Benchmark: rescoring everyone vs a bare SQL aggregate over the same records.

Run by ``manage.py bench`` (``make bench``); see docs/benchmarks.md for the method.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import timezone

from enterprises import scoring
from enterprises.models import CreditRecord, Subject


def bare_aggregate(on: Any) -> int:
    """The smallest SQL giving the per-subject inputs of the score: one GROUP BY with a
    filtered count per record kind, over the records that count on ``on``."""
    kinds = sorted({k for rule in scoring.catalogue_load().rules for k in rule.record_kinds})
    columns = ", ".join(
        "count(*) FILTER (WHERE kind = %s AND severity = %s)" for _k in kinds for _s in range(3)
    )
    params: list[Any] = [v for k in kinds for v in (k, "minor", k, "general", k, "serious")]
    sql = (
        f"SELECT subject_id, {columns} FROM {CreditRecord._meta.db_table} "  # noqa: S608
        "WHERE state IN ('active', 'under_objection') AND disclosure = 'public' "
        "AND decision_date <= %s AND (publicity_end IS NULL OR publicity_end >= %s) "
        "GROUP BY subject_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, on, on])
        return len(cursor.fetchall())


def timed(function: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def run(*, repeat: int = 3, chunk_size: int = 5000) -> dict[str, Any]:
    on = timezone.localdate()
    subjects = Subject.objects.count()
    records = CreditRecord.objects.count()
    bare_aggregate(on)  # warm up
    baseline = timed(lambda: bare_aggregate(on), repeat)
    rescore = timed(lambda: scoring.subjects_rescore(on=on, chunk_size=chunk_size), repeat)
    aggregate_only = timed(
        lambda: [
            scoring.scores_bulk(ids, on=on, catalogue=scoring.catalogue_load())
            for ids in scoring._chunks(after=0, size=chunk_size)
        ],
        repeat,
    )
    return {
        "subjects": subjects,
        "records": records,
        "vendor": connection.vendor,
        "baseline_s": statistics.median(baseline),
        "rescore_s": statistics.median(rescore),
        "scores_only_s": statistics.median(aggregate_only),
        "ratio_rescore": statistics.median(rescore) / statistics.median(baseline),
        "ratio_scores_only": statistics.median(aggregate_only) / statistics.median(baseline),
    }
