"""Benchmark: /statistics/ served from its stored snapshot, and the job that computes it,
each against the least SQL that gives the same visible result (docs/benchmarks.md).

- **serve**: ``GET /statistics/`` through ``django.test.Client`` in this process (URL,
  middleware, one query for the newest snapshot, charts and tables rendered) against the
  bare ``SELECT data … ORDER BY computed_at DESC LIMIT 1`` plus decoding its JSON. Goal:
  p95 ≤ 100 ms.
- **compute**: ``statistics_compute()`` (what the hourly job does before storing) against
  the same aggregates written by hand in one round trip each: grades, negative records by
  region × industry × month, black-list entries in force by region × industry, entries in
  force on 25 days, cases. Both must give the same totals.

The database is only read: if the snapshot table is missing (a database not migrated for
it, e.g. a shared read-only data set) a temporary table of the same name stands in for it
in this session; otherwise the benchmark's snapshot row is deleted at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from portal.models import StatisticsSnapshot
from portal.statistics import statistics_compute

from .file_page import percentile

GOAL_S = 0.100
TABLE = StatisticsSnapshot._meta.db_table


def _ensure_table() -> bool:
    """True if a temporary table had to stand in for the snapshot table."""
    with connection.cursor() as cursor:
        if TABLE in connection.introspection.table_names(cursor):
            return False
        cursor.execute(
            f"CREATE TEMP TABLE {TABLE} (id bigserial PRIMARY KEY, computed_at timestamptz "
            "NOT NULL, as_of date NOT NULL, seconds double precision NOT NULL, data jsonb "
            "NOT NULL)"
        )
    return True


_NEGATIVE = """
SELECT s.region_id, s.industry_id, date_trunc('month', r.decision_date)::date, count(*)
FROM enterprises_creditrecord r JOIN enterprises_subject s ON s.id = r.subject_id
WHERE r.disclosure = 'public' AND r.state IN ('active', 'under_objection')
  AND r.decision_date <= %(on)s AND (r.publicity_end IS NULL OR r.publicity_end >= %(on)s)
  AND r.kind = ANY(%(kinds)s)
  AND s.subject_type <> 'natural_person'
GROUP BY 1, 2, 3
"""
_BLACK = """
SELECT s.region_id, s.industry_id, count(*)
FROM lists_listentry e JOIN lists_creditlist l ON l.id = e.credit_list_id
JOIN enterprises_subject s ON s.id = e.subject_id
WHERE e.status = 'listed' AND e.disclosure = 'public' AND l.is_published AND l.color = 'black'
  AND e.listed_on <= %(on)s AND (e.term_end IS NULL OR e.term_end >= %(on)s)
  AND s.subject_type <> 'natural_person'
GROUP BY 1, 2
"""
_GRADES = """
SELECT v.grade, count(*) FROM enterprises_evaluation v
JOIN enterprises_subject s ON s.id = v.subject_id
WHERE s.subject_type <> 'natural_person' GROUP BY 1
"""
_CASES = "SELECT kind, received_on, decided_on, decision_due, decision_due_days FROM repair_case"


def _entries_sql(days: list[dt.date]) -> str:
    parts = []
    for day in days:
        cond = (
            f"e.listed_on <= '{day}' AND (e.term_end IS NULL OR e.term_end >= '{day}') "
            f"AND (e.removed_on IS NULL OR e.removed_on > '{day}')"
        )
        for color in ("black", "red"):
            parts.append(f"count(*) FILTER (WHERE l.color = '{color}' AND {cond})")
    # Dates and colours come from this module, not from input.
    return (
        f"SELECT {', '.join(parts)} FROM lists_listentry e "  # noqa: S608
        "JOIN lists_creditlist l ON l.id = e.credit_list_id "
        "JOIN enterprises_subject s ON s.id = e.subject_id "
        "WHERE e.disclosure = 'public' AND l.is_published AND e.listed_on IS NOT NULL "
        "AND e.status IN ('listed', 'removed') AND e.removal_reason <> 'revoked_after_objection' "
        "AND s.subject_type <> 'natural_person'"
    )


def bare_compute(on: dt.date) -> dict[str, int]:
    """The same aggregates by hand; the totals the page shows."""
    from portal.statistics.compute import _month_starts
    from rules.kinds import Category, kinds_in_category

    kinds = [str(k) for k in kinds_in_category(Category.NEGATIVE)]
    with connection.cursor() as cursor:
        cursor.execute(_GRADES)
        grades = dict(cursor.fetchall())
        cursor.execute(_NEGATIVE, {"on": on, "kinds": kinds})
        negative = sum(row[3] for row in cursor.fetchall())
        cursor.execute(_BLACK, {"on": on})
        black = sum(row[2] for row in cursor.fetchall())
        cursor.execute(_entries_sql([*_month_starts(on)[1:], on]))
        entries = cursor.fetchone()
        cursor.execute(_CASES)
        cases = len(cursor.fetchall())
    return {
        "evaluated": sum(grades.values()),
        "negative_records": negative,
        "black_entries": black,
        "black_today": entries[-2],
        "cases": cases,
    }


def _ours_totals(data: dict[str, Any]) -> dict[str, int]:
    return {
        "evaluated": data["evaluated"],
        "negative_records": data["negative_records"],
        "black_entries": data["black_entries"],
        "black_today": data["entries_over_time"][-1]["black"],
        "cases": sum(row["received"] for row in data["handling"]),
    }


def run(*, repeat: int = 50, compute_repeat: int = 3) -> dict[str, Any]:
    on = timezone.localdate()
    temporary = _ensure_table()
    # compute: ours and bare alternately
    ours_c, bare_c = [], []
    data: dict[str, Any] = {}
    bare: dict[str, int] = {}
    for _ in range(compute_repeat):
        started = time.perf_counter()
        data = statistics_compute(on=on)
        ours_c.append(time.perf_counter() - started)
        started = time.perf_counter()
        bare = bare_compute(on)
        bare_c.append(time.perf_counter() - started)
    same = _ours_totals(data) == bare
    snapshot = StatisticsSnapshot.objects.create(as_of=on, seconds=min(ours_c), data=data)
    client = Client()
    page, base = [], []
    try:
        with override_settings(DEBUG=False, THROTTLE_ENABLED=False):
            for index in range(repeat + 2):
                started = time.perf_counter()
                response = client.get("/statistics/")
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.status_code
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT data FROM {TABLE} ORDER BY computed_at DESC, id DESC LIMIT 1"  # noqa: S608
                    )
                    raw = cursor.fetchone()[0]
                    if isinstance(raw, str):
                        json.loads(raw)
                bare_elapsed = time.perf_counter() - started
                if index >= 2:  # warm-up
                    page.append(elapsed)
                    base.append(bare_elapsed)
    finally:
        StatisticsSnapshot.objects.filter(pk=snapshot.pk).delete()
        if temporary:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE pg_temp.{TABLE}")
    return {
        "page_p50_ms": percentile(page, 0.5) * 1000,
        "page_p95_ms": percentile(page, 0.95) * 1000,
        "bare_p50_ms": percentile(base, 0.5) * 1000,
        "bare_p95_ms": percentile(base, 0.95) * 1000,
        "compute_s": sorted(ours_c)[len(ours_c) // 2],
        "bare_compute_s": sorted(bare_c)[len(bare_c) // 2],
        "same": same,
        "totals": _ours_totals(data),
        "bare_totals": bare,
        "temporary_table": temporary,
        "bytes": len(json.dumps(data)),
    }
