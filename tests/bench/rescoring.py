"""Benchmark: the nightly rescoring against bare SQL that computes and writes the same scores.

Run by ``manage.py bench`` (``make bench``); see docs/benchmarks.md for the method.

Two situations, each timed alternately with its baseline in this process, on the same
connection, from the same starting state:

* **first scoring** — no evaluation stored yet: every subject's evaluation and a history
  row are written;
* **nightly** — every evaluation stored and right but 1 % made stale: everyone is
  recomputed, 1 % written.

"Ours" is ``rescore_job`` (the nightly job: plan id-range chunks, one transaction per chunk,
job-run bookkeeping, requests cleared), run here one chunk after another. The baseline is a
single bare statement over all subjects: the records' and list entries' aggregates, the
combination per indicator, the grade and the upsert of what changed (the smallest SQL that
writes the same rows), plus, for reference, a plain ``GROUP BY`` over the counting records
and a plain rewrite of every evaluation row. Both must leave identical evaluations.
The peak RSS is that of a separate ``manage.py rescore`` process (ru_maxrss of the child).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from enterprises import scoring
from enterprises.models import CreditRecord, Evaluation, JobRun, ScoreHistory, Subject

ROOT = Path(__file__).resolve().parents[2]


def _execute(sql: str, params: list[Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else None


def bare_aggregate(on: Any) -> int:
    """The per-subject inputs of the score only: one GROUP BY with a filtered count per
    record kind and severity, over the records that count on ``on``."""
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
    return len(_execute(sql, [*params, on, on]))


def bare_statement(on: Any) -> tuple[int, int, int]:
    """Every score computed and what changed written, in one statement over all ids."""
    catalogue = scoring.catalogue_load()
    low, high = _execute(f"SELECT min(id), max(id) FROM {Subject._meta.db_table}")[0]  # noqa: S608
    sql, params = scoring._range_statement(
        low=low, high=high, on=on, catalogue=catalogue, now=timezone.now()
    )
    with transaction.atomic():
        return tuple(_execute(sql, params)[0])  # type: ignore[return-value]


def bare_rewrite() -> None:
    """Writing every stored evaluation back once (no computation)."""
    with transaction.atomic():
        _execute(f"UPDATE {Evaluation._meta.db_table} SET evaluated_at = now()")  # noqa: S608


def ours(on: Any) -> dict[str, Any]:
    JobRun.objects.filter(name=scoring.RESCORE_JOB).delete()  # no resuming between samples
    return scoring.rescore_job(on=on)


def fingerprint() -> tuple[int, str]:
    """Evaluations as (count, md5 of subject, score, grade and breakdown in id order)."""
    table = Evaluation._meta.db_table
    columns = "subject_id || ':' || score || grade || breakdown::text"
    sql = f"SELECT count(*), md5(string_agg({columns}, ',' ORDER BY subject_id)) FROM {table}"  # noqa: S608
    row = _execute(sql)[0]
    return int(row[0]), str(row[1])


def _reset_empty() -> None:
    tables = f"{Evaluation._meta.db_table}, {ScoreHistory._meta.db_table}"
    _execute(f"TRUNCATE {tables}")


def _reset_stale(share: float = 0.01) -> None:
    """Make ``share`` of the stored evaluations wrong (evenly spread over the ids)."""
    step = max(1, round(1 / share))
    with transaction.atomic():
        _execute(
            f"UPDATE {Evaluation._meta.db_table} SET breakdown = '{{}}'::jsonb,"  # noqa: S608
            " score = CASE WHEN score > 0 THEN score - 1 ELSE 1 END WHERE subject_id %% %s = 0",
            [step],
        )


def _sample(reset: Callable[[], None], run: Callable[[], Any]) -> float:
    reset()
    _execute("CHECKPOINT")  # each sample starts without the previous one's dirty pages
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


CHILD = """
import django, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditsite.settings")
django.setup()
from django.core.management import call_command
call_command("rescore", "--on", sys.argv[1], stdout=open(os.devnull, "w"))
status = open("/proc/self/status").read()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


def _peak_rss_child(on: Any) -> tuple[float, int]:
    """(seconds, peak RSS in bytes) of the nightly job run by its own process: ``manage.py
    rescore`` in a fresh interpreter, whose VmHWM is read at its end (ru_maxrss would
    count the fork of this bigger process before exec)."""
    JobRun.objects.filter(name=scoring.RESCORE_JOB).delete()
    _reset_stale()
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, on.isoformat()],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    elapsed = time.perf_counter() - started
    return elapsed, int(out.split()[-1]) * 1024


def run(*, repeat: int = 3, rss: bool = True) -> dict[str, Any]:
    on = timezone.localdate()
    subjects = scoring.scorable_subjects().count()
    records = CreditRecord.objects.count()
    bare_aggregate(on)  # warm the caches
    aggregate = [_sample(lambda: None, lambda: bare_aggregate(on)) for _ in range(repeat)]

    first_bare, first_ours, night_bare, night_ours = [], [], [], []
    answers: dict[str, tuple[int, str]] = {}
    for _ in range(repeat):
        first_bare.append(_sample(_reset_empty, lambda: bare_statement(on)))
        answers["bare"] = fingerprint()
        first_ours.append(_sample(_reset_empty, lambda: ours(on)))
        answers["ours"] = fingerprint()
        if answers["bare"] != answers["ours"]:
            raise AssertionError(f"different evaluations: {answers}")
    for _ in range(repeat):
        night_bare.append(_sample(_reset_stale, lambda: bare_statement(on)))
        night_ours.append(_sample(_reset_stale, lambda: ours(on)))
        if fingerprint() != answers["ours"]:
            raise AssertionError("the nightly run left different evaluations")
    rewrite = [_sample(lambda: None, bare_rewrite) for _ in range(repeat)]
    child_s, child_rss = _peak_rss_child(on) if rss else (0.0, 0)

    def median(values: list[float]) -> float:
        return statistics.median(values)

    return {
        "vendor": connection.vendor,
        "subjects": subjects,
        "records": records,
        "bare_aggregate_s": median(aggregate),
        "bare_rewrite_s": median(rewrite),
        "first_bare_s": median(first_bare),
        "first_ours_s": median(first_ours),
        "first_ratio": median(first_ours) / median(first_bare),
        "nightly_bare_s": median(night_bare),
        "nightly_ours_s": median(night_ours),
        "nightly_ratio": median(night_ours) / median(night_bare),
        "child_s": child_s,
        "child_peak_rss_mb": child_rss / 2**20,
        "samples": {
            "aggregate": aggregate,
            "first_bare": first_bare,
            "first_ours": first_ours,
            "nightly_bare": night_bare,
            "nightly_ours": night_ours,
            "rewrite": rewrite,
        },
    }
