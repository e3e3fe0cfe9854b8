"""Benchmark: the public search (``/search/?q=`` and ``GET /api/v1/enterprises/?q=``) against
the bare SQL of the same first page.

Run by ``manage.py bench`` (docs/benchmarks.md). For each query of a fixed set, taken from
the data so that each finds something (a 2-character pair that is rare, one of middling
frequency and the most common one, 3 and 4 characters of a name, a full name, its pinyin,
its initials, its USCC), four layers are timed in this process, interleaved, on the same
connection:

- ``bare``: the first 20 rows written by hand (ids, names, codes) with the indexes of
  migration enterprises 0008 and 0005 (for text: the rows whose name or a former name
  contains it, each side limited to 20 and ordered by id, as the best hand-written form);
- ``search``: ``enterprises.queries.subject_search()`` with the arguments the view passes
  (page query, capped count, labels);
- ``view``: the HTML page through ``django.test.Client`` (URL resolution, middleware, form,
  queries, template: server time without network);
- ``api``: the JSON API through the same client.

Each row also says whether ``search`` returned the same first page as ``bare`` (a fast
wrong answer must not win) and how many subjects match (counted up to 10,001). Goals:
view and API p95 ≤ 3× the bare p95 and ≤ 50 ms.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from enterprises.models import Subject
from enterprises.pinyin import name_keys, query_key
from enterprises.queries import COUNT_CAP, subject_search
from enterprises.uscc import looks_like_uscc, validate_uscc

LAYERS = ("bare", "search", "view", "api")
GOAL_RATIO = 3.0
GOAL_P95_MS = 50.0
_SAMPLE_NAMES = 30  # names whose pairs are counted to find a rare and a common pair
_PAIR_COUNT_LIMIT = 20_000  # pairs are counted up to this many names


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


# --- the queries ----------------------------------------------------------------------------


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_condition(column: str, text: str) -> tuple[str, list[Any]]:
    """``column`` contains ``text``, written for the index that serves it."""
    if _postgresql() and len(text) == 2:
        return f"strpos({column}, %s) > 0 AND cs_bigrams({column}) @> ARRAY[%s]", [text, text]
    return f"{column} LIKE %s ESCAPE '\\'", [_like(text)]


def _text_count(text: str) -> int:
    condition, params = _text_condition("name", text)
    sql = (
        f"SELECT count(*) FROM (SELECT 1 FROM enterprises_subject WHERE {condition} "  # noqa: S608
        f"LIMIT {_PAIR_COUNT_LIMIT}) AS matches"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def _sample_names() -> list[tuple[int, str]]:
    """Enterprise names spread over the id range, the same for the same data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM enterprises_subject")
        low, high = cursor.fetchone()
        if low is None:
            return []
        step = max(1, (high - low) // _SAMPLE_NAMES)
        names = []
        for k in range(_SAMPLE_NAMES):
            cursor.execute(
                "SELECT id, name FROM enterprises_subject WHERE id >= %s "
                "AND subject_type = 'enterprise' ORDER BY id LIMIT 1",
                [low + k * step],
            )
            row = cursor.fetchone()
            if row is not None:
                names.append((row[0], row[1]))
    return sorted(set(names))


def default_queries() -> list[tuple[str, str]]:
    """(label, query) of the fixed set, chosen from the data deterministically."""
    names = _sample_names()
    if not names:
        return []
    # The sample subject: the first of the sample with a name long enough to cut.
    subject_id = next((pk for pk, name in names if len(name) >= 8), names[0][0])
    subject = Subject.objects.get(pk=subject_id)
    name = subject.name
    pairs = sorted({name[i : i + 2] for _pk, name in names for i in range(len(name) - 1)})
    counts = {pair: _text_count(pair) for pair in pairs}
    found = [(n, pair) for pair, n in counts.items() if n > 0]
    rare = min(found)[1]
    # Among the pairs found in 20,000+ names, the first (several tie at the limit).
    common = min(found, key=lambda item: (-item[0], item[1]))[1]
    middling = min(found, key=lambda item: (abs(item[0] - 2000), item[1]))[1]
    # 4 characters found in about 10,000 names (an industry word and 有限, say): the
    # dearest kind to count exactly (every match read, its estimate too rough to skip).
    fours = sorted({n[-6:-2] for _pk, n in names if len(n) >= 8})
    four_counts = {four: _text_count(four) for four in fours}
    tenthousand = min(four_counts, key=lambda four: (abs(four_counts[four] - 10_000), four))
    pinyin, initials = name_keys(name[2:6])[0], name_keys(name)[1]
    queries = [
        ("2 characters, rare pair", rare),
        ("2 characters, ~2,000 names", middling),
        ("2 characters, 20,000+ names", common),
        ("3 characters of a name", name[2:5]),
        ("4 characters of a name", name[2:6]),
        ("4 characters, ~10,000 names", tenthousand),
        ("full name", name),
        ("pinyin of 4 characters", pinyin),
        ("initials of a name", initials),
    ]
    if subject.uscc:
        queries.append(("USCC", subject.uscc))
    return queries


def bare_first_page(q: str) -> list[int]:
    """The ids of the first 20 subjects the search shows, by hand-written SQL."""
    public = "subject_type <> 'natural_person'"
    if looks_like_uscc(q):
        sql = f"SELECT id, name, uscc FROM enterprises_subject WHERE uscc = %s AND {public}"  # noqa: S608
        params: list[Any] = [validate_uscc(q)]
    elif not q.isascii():
        on_name, name_params = _text_condition("name", q)
        on_former, former_params = _text_condition("f.name", q)
        sql = (
            "SELECT id, name, uscc FROM enterprises_subject WHERE id IN ("  # noqa: S608
            f"(SELECT id FROM enterprises_subject WHERE {public} AND {on_name} "
            "ORDER BY id LIMIT 20) UNION "
            "(SELECT DISTINCT s.id FROM enterprises_subject s JOIN enterprises_formername f "
            f"ON f.subject_id = s.id WHERE s.{public} AND {on_former} "
            "ORDER BY s.id LIMIT 20)) ORDER BY id LIMIT 20"
        )
        params = [*name_params, *former_params]
    else:
        key = query_key(q)
        on_name, name_params = _text_condition("name", q)
        sql = (
            "SELECT id, name, uscc FROM enterprises_subject WHERE "  # noqa: S608
            f"{public} AND (search_pinyin LIKE %s OR search_initials LIKE %s "
            f"OR ({on_name})) ORDER BY id LIMIT 20"
        )
        params = [_like(key), _like(key), *name_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


# --- timing ---------------------------------------------------------------------------------


def _search(q: str) -> Any:
    # As SearchForm.search() calls it for ?q=… alone.
    return subject_search(
        q=q, region="", grade="", status="", list_color="", industry="", page=None
    )


def run(*, repeat: int = 30, queries: list[str] | None = None) -> list[dict[str, Any]]:
    """One row per query: p50/p95 in ms of each layer, the p95 ratios to bare SQL, the
    number of matches (capped) and whether the search gave the bare SQL's first page."""
    labelled = [(q, q) for q in queries] if queries is not None else default_queries()
    client = Client()
    rows = []
    # As in production: no per-query logging (DEBUG), no rate limit on one client.
    with override_settings(DEBUG=False, THROTTLE_ENABLED=False):
        for label, q in labelled:
            layers: dict[str, Callable[[], Any]] = {
                "bare": partial(bare_first_page, q),
                "search": partial(_search, q),
                "view": partial(_get, client, "/search/", q),
                "api": partial(_get, client, "/api/v1/enterprises/", q),
            }
            for function in layers.values():  # warm up caches and the connection
                function()
            samples: dict[str, list[float]] = {layer: [] for layer in LAYERS}
            for _ in range(repeat):
                for layer, function in layers.items():
                    started = time.perf_counter()
                    function()
                    samples[layer].append((time.perf_counter() - started) * 1000)
            result = _search(q)
            page = result.page
            row: dict[str, Any] = {
                "label": label,
                "q": q,
                "matches": page.count if page else 0,
                "capped": bool(page and page.capped),
                "same_answer": [s.pk for s in result.subjects] == bare_first_page(q),
                "samples_ms": samples,
            }
            for layer in LAYERS:
                row[f"{layer}_p50_ms"] = statistics.median(samples[layer])
                row[f"{layer}_p95_ms"] = percentile(samples[layer], 0.95)
            for layer in LAYERS[1:]:
                row[f"{layer}_ratio"] = row[f"{layer}_p95_ms"] / max(row["bare_p95_ms"], 1e-6)
            rows.append(row)
    return rows


def _get(client: Client, path: str, q: str) -> Any:
    response = client.get(path, {"q": q})
    if response.status_code not in (200, 302):  # a code redirects to its credit file
        raise AssertionError(f"{response.status_code} for {path}?q={q}")
    return response


def pooled(rows: list[dict[str, Any]]) -> dict[str, float]:
    """p50/p95 over every sample of every query, per layer, and the p95 ratios."""
    result: dict[str, float] = {}
    for layer in LAYERS:
        values = [v for row in rows for v in row["samples_ms"][layer]]
        result[f"{layer}_p50_ms"] = statistics.median(values)
        result[f"{layer}_p95_ms"] = percentile(values, 0.95)
    for layer in LAYERS[1:]:
        result[f"{layer}_ratio"] = result[f"{layer}_p95_ms"] / max(result["bare_p95_ms"], 1e-6)
    return result


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a plain-text table (ms), with the pooled line and the goals."""
    head = (
        f"{'query':<32}{'matches':>9} {'bare p50/p95':>14} {'search p50/p95':>15}"
        f" {'view p50/p95':>14} {'api p50/p95':>14} {'ratio s/v/a (p95)':>19}  same"
    )
    lines = [head, "-" * len(head)]

    def cells(values: dict[str, Any]) -> str:
        pairs = " ".join(
            f"{values[f'{layer}_p50_ms']:>6.1f}/{values[f'{layer}_p95_ms']:<6.1f}"
            for layer in LAYERS
        )
        ratios = "/".join(f"{values[f'{layer}_ratio']:.1f}" for layer in LAYERS[1:])
        return f"{pairs} {ratios:>19}"

    for row in rows:
        matches = f"{COUNT_CAP:,}+" if row["capped"] else f"{row['matches']:,}"
        lines.append(
            f"{row['label'][:31]:<32}{matches:>9}   {cells(row)}  "
            f"{'yes' if row['same_answer'] else 'NO'}"
        )
    if rows:
        lines.append(f"{'all queries (pooled)':<32}{'':>9}   {cells(pooled(rows))}")
    lines.append(f"goals: view and API p95 ≤ {GOAL_RATIO:.0f}× bare p95 and ≤ {GOAL_P95_MS:.0f} ms")
    return "\n".join(lines)
