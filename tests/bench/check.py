"""Benchmark: the batch check API with 1,000 codes against the bare SQL of the same lookups.

Run by ``manage.py bench`` (docs/benchmarks.md). ``POST /api/v1/check/`` with 1,000 codes
(listed organisations, organisations on no list, valid codes of no subject, invalid codes)
through ``django.test.Client`` in this process: parsing, validation of every code, the
lookups, serialisation of the answer. The baseline is the same lookups written by hand
through the same connection: the subjects by code, their list entries in force with list,
authority and measures, and their evaluations. Goal: ≤ 1 s for 1,000 codes.
"""

from __future__ import annotations

import json
import random
import statistics
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from enterprises.models import Subject
from enterprises.uscc import build_uscc
from lists.models import ListEntry

from .file_page import percentile, timed

GOAL_S = 1.0
BATCH = 1000


def batch(*, size: int = BATCH, seed: int = 1) -> dict[str, list[str]]:
    """Codes by sort: 20 % listed, 60 % on no list, 15 % unknown, 5 % invalid."""
    rng = random.Random(seed)
    public = Subject.objects.exclude(subject_type=Subject.SubjectType.NATURAL_PERSON).exclude(
        uscc__isnull=True
    )
    listed: list[str] = [
        code
        for code in ListEntry.objects.filter(status=ListEntry.Status.LISTED, subject__in=public)
        .values_list("subject__uscc", flat=True)
        .distinct()[: size // 5]
        if code
    ]
    # A spread over the table without sorting it: every k-th id of the first 50 k rows.
    first = [c for c in public.order_by("id").values_list("uscc", flat=True)[: size * 50] if c]
    unlisted = [code for code in first[:: max(1, len(first) // size)] if code not in listed]
    unlisted = unlisted[: size - len(listed) - size // 5]
    known = set(listed) | set(first)
    unknown: list[str] = []
    while len(unknown) < size * 15 // 100:
        code = build_uscc("91", "330100", f"{rng.randrange(10**7, 10**8)}")
        if code not in known:
            unknown.append(code)
    invalid = [code[:-1] + ("0" if code[-1] != "0" else "1") for code in unlisted[: size // 20]]
    return {"listed": listed, "unlisted": unlisted, "unknown": unknown, "invalid": invalid}


_SUBJECTS = (
    "SELECT id, uscc, name FROM enterprises_subject "
    "WHERE uscc = ANY(%s) AND subject_type <> 'natural_person'"
)
_ENTRIES = (
    "SELECT e.subject_id, e.listed_on, e.term_end, e.reason, l.id, l.slug, l.name_zh, "
    "l.name_en, l.color, l.is_serious, l.scope, a.name_zh FROM lists_listentry e "
    "JOIN lists_creditlist l ON l.id = e.credit_list_id "
    "JOIN enterprises_department a ON a.id = l.authority_id "
    "WHERE e.subject_id = ANY(%s) AND e.status = 'listed' AND e.disclosure = 'public' "
    "AND l.is_published AND e.listed_on <= CURRENT_DATE "
    "AND (e.term_end IS NULL OR e.term_end >= CURRENT_DATE)"
)
_MEASURES = (
    "SELECT lm.creditlist_id, m.code, m.category, m.name_zh, m.name_en "
    "FROM lists_creditlist_measures lm JOIN lists_disciplinarymeasure m "
    "ON m.id = lm.disciplinarymeasure_id WHERE lm.creditlist_id = ANY(%s)"
)
_EVALUATIONS = (
    "SELECT subject_id, grade, score, evaluated_at FROM enterprises_evaluation "
    "WHERE subject_id = ANY(%s)"
)


def bare_check(codes: list[str]) -> int:
    """The lookups of a check by hand; returns the number of subjects found."""
    with connection.cursor() as cursor:
        cursor.execute(_SUBJECTS, [codes])
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(_ENTRIES, [ids])
        lists = sorted({row[4] for row in cursor.fetchall()})
        cursor.execute(_MEASURES, [lists])
        cursor.fetchall()
        cursor.execute(_EVALUATIONS, [ids])
        cursor.fetchall()
    return len(ids)


def run(*, repeat: int = 10, size: int = BATCH) -> list[dict[str, Any]]:
    sorts = batch(size=size)
    codes = [code for group in sorts.values() for code in group]
    random.Random(2).shuffle(codes)
    body = json.dumps({"subjects": codes})
    # Production-like: DEBUG off; throttling off (it would count this one client).
    with override_settings(DEBUG=False, THROTTLE_ENABLED=False):
        client = Client()

        def post() -> Any:
            response = client.post("/api/v1/check/", data=body, content_type="application/json")
            if response.status_code != 200:
                raise AssertionError(f"check answered {response.status_code}")
            return response

        answer = post().json()
        with CaptureQueriesContext(connection) as queries:
            post()
        bare_check(codes)
        api = timed(post, repeat)
        bare = timed(lambda: bare_check(codes), repeat)
    found = answer["found"]
    return [
        {
            "codes": len(codes),
            **{sort: len(group) for sort, group in sorts.items()},
            "found": found,
            "found_bare": bare_check(codes),
            "queries": len(queries.captured_queries),
            "samples": repeat,
            "api_p50_ms": statistics.median(api),
            "api_p95_ms": percentile(api, 0.95),
            "bare_p50_ms": statistics.median(bare),
            "bare_p95_ms": percentile(bare, 0.95),
            "ratio_p95": percentile(api, 0.95) / percentile(bare, 0.95),
            "goal_ms": GOAL_S * 1000,
            "within_goal": percentile(api, 0.95) <= GOAL_S * 1000,
        }
    ]


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'codes':>6}{'found':>7}{'queries':>8}{'n':>4}{'API p50':>9}{'API p95':>9}"
        f"{'bare p50':>10}{'bare p95':>10}{'ratio':>7}"
    ]
    for row in rows:
        lines.append(
            f"{row['codes']:>6}{row['found']:>7}{row['queries']:>8}{row['samples']:>4}"
            f"{row['api_p50_ms']:>9.1f}{row['api_p95_ms']:>9.1f}"
            f"{row['bare_p50_ms']:>10.2f}{row['bare_p95_ms']:>10.2f}{row['ratio_p95']:>7.1f}"
        )
        lines.append(
            f"(listed {row['listed']}, unlisted {row['unlisted']}, unknown {row['unknown']}, "
            f"invalid {row['invalid']}; goal p95 <= {row['goal_ms']:.0f} ms: "
            f"{'met' if row['within_goal'] else 'NOT met'})"
        )
    return "\n".join(lines)
