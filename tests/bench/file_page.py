"""Benchmark: the public credit file page of an organisation with 200 records.

Run by ``manage.py bench`` (docs/benchmarks.md). For each measured subject the page
``/enterprises/<USCC>/`` is requested through ``django.test.Client`` in this process
(server time: URL resolution, middleware, queries and template rendering, no network),
next to the bare-SQL baseline: the same indexed lookups the page needs (subject with
region, industry and evaluation; former names; public records with their department;
record rule editions; list entries in force; evaluation with edition; score history),
written by hand and run through the same connection, alternately with the page. Also
reported: the CPU time of the request in this thread (the Python side of the server time,
which a busy shared machine inflates least), and the queries of the page for a subject
with 5 public records and for one with 200 with the same features (the page must cost a
constant number of queries). Goal: p95 ≤ 30 ms.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from core.actors import Actor
from enterprises.models import CreditRecord, Department, Subject

GOAL_P95_MS = 30.0
# The seeder (--bulk) gives about 20 subjects exactly this many public records; they sit
# among the lowest ids, so look there first before counting over the whole table.
RECORDS = 200
_FIRST_IDS = 1000


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def timed(function: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _public_counts(subject_ids: Any) -> dict[int, int]:
    return dict(
        CreditRecord.objects.public()
        .filter(subject_id__in=subject_ids)
        .values("subject_id")
        .annotate(n=Count("id"))
        .values_list("subject_id", "n")
    )


def _organisations() -> Any:
    return Subject.objects.exclude(subject_type=Subject.SubjectType.NATURAL_PERSON).exclude(
        uscc__isnull=True
    )


def subjects_with(records: int, *, limit: int) -> list[Subject]:
    """Up to ``limit`` organisations with at least ``records`` public records, most first:
    among the first ids (where the seeder puts them), else over the whole table."""
    first = list(_organisations().order_by("id").values_list("id", flat=True)[:_FIRST_IDS])
    counts = {pk: n for pk, n in _public_counts(first).items() if n >= records}
    if not counts:
        counts = dict(
            CreditRecord.objects.public()
            .values("subject_id")
            .annotate(n=Count("id"))
            .filter(n__gte=records)
            .order_by("-n", "subject_id")
            .values_list("subject_id", "n")[: limit * 4]
        )
    chosen = sorted(counts, key=lambda pk: (-counts[pk], pk))
    by_id = _organisations().in_bulk(chosen)
    return [by_id[pk] for pk in chosen if pk in by_id][:limit]


def features(subject_ids: list[int]) -> dict[int, tuple[bool, bool, bool]]:
    """Per subject: (has a public negative record, has an evaluation, has a list entry in
    force). The page runs a few more queries for each (repair eligibility, the evaluation's
    history and explanation, the lists' measures) whatever the number of records, so query
    counts are compared between subjects with the same features."""
    from enterprises.models import Evaluation
    from lists.queries import active_entries
    from rules.kinds import NEGATIVE_KINDS

    negative = set(
        CreditRecord.objects.public()
        .filter(subject_id__in=subject_ids, kind__in=NEGATIVE_KINDS)
        .values_list("subject_id", flat=True)
    )
    evaluated = set(
        Evaluation.objects.filter(subject_id__in=subject_ids).values_list("subject_id", flat=True)
    )
    listed = set(
        active_entries().filter(subject_id__in=subject_ids).values_list("subject_id", flat=True)
    )
    return {pk: (pk in negative, pk in evaluated, pk in listed) for pk in subject_ids}


def subject_with_exactly(records: int, *, like: Subject | None = None) -> Subject | None:
    """An organisation with exactly ``records`` public records among the first ids, with
    the same features as ``like`` if there is one (else the one with the most)."""
    first = list(_organisations().order_by("id").values_list("id", flat=True)[: _FIRST_IDS * 5])
    counts = _public_counts(first)
    candidates = sorted(pk for pk, n in counts.items() if n == records)
    if not candidates:
        return None
    found = features(candidates)
    wanted = features([like.pk])[like.pk] if like is not None else (True, True, True)
    match = next((pk for pk in candidates if found[pk] == wanted), None)
    if match is None:
        match = max(candidates, key=lambda pk: (sum(found[pk]), -pk))
    return Subject.objects.get(pk=match)


def subjects_fill(*, count: int = 3, records: int = RECORDS) -> list[Subject]:
    """Give ``count`` organisations ``records`` public records each, through the records
    service (validated, audited, rescored once per subject after commit), by copying public
    records of other subjects with new document numbers. For scratch benchmark databases
    whose demo data has no such subject; never run it on a database you must not write."""
    from enterprises.services import RECORD_FIELDS, record_create

    actor = Actor.for_system("bench")
    targets = list(_organisations().order_by("id")[:count])
    sources = list(
        CreditRecord.objects.public()
        .exclude(subject__in=targets)
        .select_related("department")
        .order_by("id")[: records * count]
    )
    departments = {d.pk: d for d in Department.objects.all()}
    position = 0
    for subject in targets:
        have = _public_counts([subject.pk]).get(subject.pk, 0)
        with transaction.atomic():
            for index in range(records - have):
                source = sources[position % len(sources)]
                position += 1
                data = {name: getattr(source, name) for name in RECORD_FIELDS}
                data["document_number"] = f"BENCH-{subject.pk}-{index}"
                record_create(
                    actor=actor,
                    subject=subject,
                    department=departments[source.department_id],
                    data=data,
                    reason="benchmark data",
                )
    return targets


# --- bare SQL -------------------------------------------------------------------------------

_BARE = [
    # The subject by its code, with region, parent region, industry and evaluation.
    "SELECT s.*, r.name_zh, p.name_zh, i.name_zh, e.score, e.grade FROM enterprises_subject s "
    "LEFT JOIN enterprises_region r ON r.code = s.region_id "
    "LEFT JOIN enterprises_region p ON p.code = r.parent_id "
    "LEFT JOIN enterprises_industry i ON i.code = s.industry_id "
    "LEFT JOIN enterprises_evaluation e ON e.subject_id = s.id "
    "WHERE s.uscc = %(uscc)s AND s.subject_type <> 'natural_person'",
    "SELECT * FROM enterprises_formername WHERE subject_id = %(id)s",
    # Fully public records in publicity, newest first, with their department.
    "SELECT c.*, d.name_zh, d.name_en FROM enterprises_creditrecord c "
    "JOIN enterprises_department d ON d.id = c.department_id "
    "WHERE c.subject_id = %(id)s AND c.disclosure = 'public' "
    "AND c.state IN ('active', 'under_objection') ORDER BY c.decision_date DESC, c.id DESC",
    "SELECT record_id, edition_id FROM repair_recordedition WHERE record_id IN "
    "(SELECT id FROM enterprises_creditrecord WHERE subject_id = %(id)s)",
    # Public list entries in force, with list and authority.
    "SELECT le.*, cl.*, a.name_zh FROM lists_listentry le "
    "JOIN lists_creditlist cl ON cl.id = le.credit_list_id "
    "JOIN enterprises_department a ON a.id = cl.authority_id "
    "WHERE le.subject_id = %(id)s AND le.status = 'listed' AND le.disclosure = 'public' "
    "AND le.listed_on <= CURRENT_DATE AND (le.term_end IS NULL OR le.term_end >= CURRENT_DATE)",
    "SELECT e.*, ed.* FROM enterprises_evaluation e "
    "JOIN enterprises_edition ed ON ed.id = e.edition_id WHERE e.subject_id = %(id)s",
    "SELECT * FROM enterprises_scorehistory WHERE subject_id = %(id)s "
    "ORDER BY at DESC, id DESC LIMIT 60",
]


def bare_file(subject: Subject) -> int:
    """The page's lookups by hand; returns the number of rows read."""
    rows = 0
    params = {"uscc": subject.uscc, "id": subject.pk}
    with connection.cursor() as cursor:
        for sql in _BARE:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return rows


# --- the benchmark ----------------------------------------------------------------------------


def _page(client: Client, subject: Subject) -> Callable[[], Any]:
    url = f"/enterprises/{subject.uscc}/"

    def get() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code}")
        return response

    return get


def query_count(client: Client, subject: Subject) -> int:
    get = _page(client, subject)
    get()  # warm caches (templates, catalogue) first
    with CaptureQueriesContext(connection) as queries:
        get()
    return len(queries.captured_queries)


def run(
    *, repeat: int = 50, records: int = RECORDS, subjects: int = 3, fill: bool = False
) -> list[dict[str, Any]]:
    """One row per measured subject plus a summary row (``subject == "all"``).

    ``fill`` adds records through the services when no subject has ``records`` public
    records (scratch databases only; the province seed has them already).
    """
    heavy = subjects_with(records, limit=subjects)
    if not heavy and fill:
        subjects_fill(count=subjects, records=records)
        heavy = subjects_with(records, limit=subjects)
    if not heavy:
        raise RuntimeError(
            f"No organisation has {records} public records: seed with --bulk, or run with "
            "fill=True on a scratch database."
        )
    light = subject_with_exactly(5, like=heavy[0])
    rows: list[dict[str, Any]] = []
    # Production-like: DEBUG off (no query log, no template debug info); throttling off,
    # as it would count this one client's repeated requests.
    with override_settings(DEBUG=False, THROTTLE_ENABLED=False):
        client = Client()
        queries_heavy = query_count(client, heavy[0])
        queries_light = query_count(client, light) if light is not None else None
        all_page: list[float] = []
        all_cpu: list[float] = []
        all_bare: list[float] = []
        for subject in heavy:
            get = _page(client, subject)
            get()
            bare_file(subject)
            page, cpu, bare = [], [], []
            for _ in range(repeat):  # alternately, so drifting machine load hits both
                started, cpu_started = time.perf_counter(), time.thread_time()
                get()
                page.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - cpu_started) * 1000)
                started = time.perf_counter()
                bare_file(subject)
                bare.append((time.perf_counter() - started) * 1000)
            all_page += page
            all_cpu += cpu
            all_bare += bare
            count = _public_counts([subject.pk])[subject.pk]
            rows.append(_row(subject.uscc or "", count, page, cpu, bare))
    summary = _row("all", records, all_page, all_cpu, all_bare)
    summary.update(
        queries_5=queries_light,
        queries_200=queries_heavy,
        constant_queries=queries_light == queries_heavy,
        subject_5=light.uscc if light is not None else None,
        features_5=features([light.pk])[light.pk] if light is not None else None,
        features_200=features([heavy[0].pk])[heavy[0].pk],
        goal_ms=GOAL_P95_MS,
        within_goal=summary["page_p95_ms"] <= GOAL_P95_MS,
    )
    rows.append(summary)
    return rows


def _row(
    subject: str, records: int, page: list[float], cpu: list[float], bare: list[float]
) -> dict[str, Any]:
    return {
        "subject": subject,
        "records": records,
        "samples": len(page),
        "page_p50_ms": statistics.median(page),
        "page_p95_ms": percentile(page, 0.95),
        # CPU time of this thread during the request: the Python side of the server time,
        # what remains when the machine is busy with other work (PostgreSQL's side is in
        # the bare SQL columns).
        "page_cpu_p50_ms": statistics.median(cpu),
        "page_cpu_p95_ms": percentile(cpu, 0.95),
        "bare_p50_ms": statistics.median(bare),
        "bare_p95_ms": percentile(bare, 0.95),
        "ratio_p95": percentile(page, 0.95) / percentile(bare, 0.95),
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'subject':<20}{'records':>8}{'n':>5}{'page p50':>10}{'page p95':>10}"
        f"{'cpu p50':>9}{'cpu p95':>9}{'bare p50':>10}{'bare p95':>10}{'ratio':>7}"
    ]
    for row in rows:
        lines.append(
            f"{row['subject']:<20}{row['records']:>8}{row['samples']:>5}"
            f"{row['page_p50_ms']:>10.1f}{row['page_p95_ms']:>10.1f}"
            f"{row['page_cpu_p50_ms']:>9.1f}{row['page_cpu_p95_ms']:>9.1f}"
            f"{row['bare_p50_ms']:>10.2f}{row['bare_p95_ms']:>10.2f}{row['ratio_p95']:>7.1f}"
        )
    summary = rows[-1]
    lines.append(
        f"queries: {summary['queries_5']} (5 records, {summary['subject_5']}) / "
        f"{summary['queries_200']} ({summary['records']} records); features (negative, "
        f"evaluated, listed) {summary['features_5']} / {summary['features_200']}; "
        f"goal p95 <= {summary['goal_ms']:.0f} ms: {'met' if summary['within_goal'] else 'NOT met'}"
    )
    return "\n".join(lines)
