"""``manage.py bench``: the benchmarks of docs/benchmarks.md, each next to its bare-SQL
baseline run in this process on the same connection, with the ratio and the goal.

``--scale small`` (default, ``make bench``): 100,000 demo enterprises seeded through the
ORM generator if the database is empty. ``--scale province`` (``make bench
SCALE=province``): 2,580,000 enterprises and 10,000,000 records, bulk-seeded through COPY
if the database is empty. Use a scratch PostgreSQL database (the benchmarks rewrite
evaluations and expire and restore records).
"""

from __future__ import annotations

import datetime as dt
import importlib
import platform
import time
from operator import itemgetter
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from enterprises.models import CreditRecord, Subject

BENCHES = ("rescoring", "expiry", "search", "file", "check", "statistics")
GOALS = {
    # name: (goal on the ratio, goal on our time in seconds, what)
    "search view p95": (3.0, 0.050, "≤ 3× bare and ≤ 50 ms"),
    "search API p95": (3.0, 0.050, "≤ 3× bare and ≤ 50 ms"),
    "credit file p95 (200 records)": (None, 0.030, "≤ 30 ms, constant queries"),
    "rescoring, first (all written)": (2.0, None, "≤ 2× bare"),
    "rescoring, nightly (1 % changed)": (2.0, 40.0, "≤ 2× bare and ≤ 40 s"),
    "rescoring peak RSS": (None, None, "≤ 200 MB"),
    "expiry of 5 %": (2.0, None, "≤ 2× bare UPDATE"),
    "check API, 1,000 codes p95": (None, 1.0, "≤ 1 s"),
    "statistics page p95 (snapshot)": (None, 0.100, "≤ 100 ms"),
    "statistics job (compute)": (2.0, None, "≤ 2× bare"),
}


class Command(BaseCommand):
    help = "Benchmarks against bare SQL in the same process (docs/benchmarks.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["small", "province"], default="small")
        parser.add_argument(
            "--only", default="", help=f"Comma-separated subset of {', '.join(BENCHES)}."
        )
        parser.add_argument("--repeat", type=int, default=0, help="Samples (default per bench).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--enterprises", type=int, default=0, help="Small scale only: size of the seed."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmarks need PostgreSQL (set DATABASE_URL).")
        only = [name.strip() for name in options["only"].split(",") if name.strip()]
        unknown = sorted(set(only) - set(BENCHES))
        if unknown:
            raise CommandError(f"--only: unknown benchmark(s) {', '.join(unknown)}")
        selected = only or list(BENCHES)
        self.scale = options["scale"]
        self._seed_if_empty(options)
        self._machine()
        summary: list[tuple[str, float | None, float | None, str]] = []
        for name in selected:
            started = time.monotonic()
            self.stdout.write(f"\n== {name} ==")
            getattr(self, f"_{name}")(options["repeat"], summary)
            self.stdout.write(f"({time.monotonic() - started:.0f} s)")
        self._summary(summary)

    # --- data and machine ----------------------------------------------------------------

    def _seed_if_empty(self, options: dict[str, Any]) -> None:
        if Subject.objects.exists():
            return
        if options["scale"] == "province":
            call_command("seed_demo", "--scale", "province", "--seed", str(options["seed"]))
        else:
            call_command(
                "seed_demo", "--enterprises", str(options["enterprises"] or 100_000),
                "--seed", str(options["seed"]), "--force",
            )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        call_command("rescore")

    def _machine(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (version,) = cursor.fetchone()
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            (size,) = cursor.fetchone()
        import os

        self.stdout.write(
            f"{dt.date.today()} · {platform.node()} · {os.cpu_count()} cores · "
            f"PostgreSQL {version} · database {connection.settings_dict['NAME']} ({size}) · "
            f"{Subject.objects.count():,} subjects · {CreditRecord.objects.count():,} records"
        )

    # --- the benchmarks ------------------------------------------------------------------

    def _rescoring(self, repeat: int, summary: list[Any]) -> None:
        from tests.bench import rescoring

        r = rescoring.run(repeat=repeat or 3)
        self.stdout.write(
            f"subjects {r['subjects']:,}, records {r['records']:,}; reference: bare GROUP BY"
            f" {r['bare_aggregate_s']:.2f} s, bare rewrite of every evaluation"
            f" {r['bare_rewrite_s']:.2f} s"
        )
        for label, key in (
            ("rescoring, first (all written)", "first"),
            ("rescoring, nightly (1 % changed)", "nightly"),
        ):
            self.stdout.write(
                f"{label}: ours {r[f'{key}_ours_s']:.2f} s, bare {r[f'{key}_bare_s']:.2f} s,"
                f" ratio {r[f'{key}_ratio']:.2f}"
            )
            summary.append((label, r[f"{key}_ours_s"], r[f"{key}_bare_s"], "s"))
        self.stdout.write(
            f"manage.py rescore as its own process: {r['child_s']:.1f} s,"
            f" peak RSS {r['child_peak_rss_mb']:.0f} MB"
        )
        summary.append(("rescoring peak RSS", r["child_peak_rss_mb"], None, "MB"))

    def _expiry(self, repeat: int, summary: list[Any]) -> None:
        from tests.bench import expiry

        r = expiry.run(repeat=repeat or 3)
        self.stdout.write(
            f"{r['due']:,} of {r['records']:,} records due ({r['share']:.1%}): ours"
            f" {r['ours_s']:.2f} s, bare UPDATE {r['bare_s']:.2f} s, ratio {r['ratio']:.2f}"
        )
        summary.append(("expiry of 5 %", r["ours_s"], r["bare_s"], "s"))

    def _search(self, repeat: int, summary: list[Any]) -> None:
        module = _optional("tests.bench.search")
        if module is None:
            self.stdout.write("(tests/bench/search.py not present)")
            return
        rows = module.run(repeat=repeat or 30)
        if hasattr(module, "table"):
            self.stdout.write(module.table(rows))
        pooled = module.pooled(rows)
        for name, key in (("view", "view"), ("API", "api")):
            # All requests of all queries pooled, against all bare queries pooled; then
            # the query whose ratio is worst (a 1 ms bare query makes a big ratio).
            summary.append(
                (
                    f"search {name} p95",
                    pooled[f"{key}_p95_ms"] / 1000,
                    pooled["bare_p95_ms"] / 1000,
                    "s",
                )
            )
            worst = max(rows, key=itemgetter(f"{key}_ratio"))
            summary.append(
                (
                    f"search {name} p95, worst query ({worst['label']})",
                    worst[f"{key}_p95_ms"] / 1000,
                    worst["bare_p95_ms"] / 1000,
                    "s",
                )
            )

    def _file(self, repeat: int, summary: list[Any]) -> None:
        from tests.bench import file_page

        # The small demo data has no subject with 200 records: add them (scratch database).
        rows = file_page.run(repeat=repeat or 50, fill=self.scale == "small")
        self.stdout.write(file_page.table(rows))
        overall = rows[-1]
        summary.append(
            (
                "credit file p95 (200 records)",
                overall["page_p95_ms"] / 1000,
                overall["bare_p95_ms"] / 1000,
                "s",
            )
        )

    def _check(self, repeat: int, summary: list[Any]) -> None:
        from tests.bench import check

        rows = check.run(repeat=repeat or 10)
        self.stdout.write(check.table(rows))
        row = rows[0]
        summary.append(
            ("check API, 1,000 codes p95", row["api_p95_ms"] / 1000, row["bare_p95_ms"] / 1000, "s")
        )

    def _statistics(self, repeat: int, summary: list[Any]) -> None:
        from tests.bench import statistics

        r = statistics.run(repeat=repeat or 50)
        self.stdout.write(
            f"page p50/p95 {r['page_p50_ms']:.1f}/{r['page_p95_ms']:.1f} ms, bare snapshot read"
            f" p50/p95 {r['bare_p50_ms']:.2f}/{r['bare_p95_ms']:.2f} ms; compute"
            f" {r['compute_s']:.2f} s, bare aggregates {r['bare_compute_s']:.2f} s; same totals:"
            f" {'yes' if r['same'] else 'NO'} {r['totals']}; snapshot {r['bytes']:,} bytes"
            f"{' (temporary table)' if r['temporary_table'] else ''}"
        )
        summary.append(
            (
                "statistics page p95 (snapshot)",
                r["page_p95_ms"] / 1000,
                r["bare_p95_ms"] / 1000,
                "s",
            )
        )
        summary.append(("statistics job (compute)", r["compute_s"], r["bare_compute_s"], "s"))

    # --- the table -----------------------------------------------------------------------

    def _summary(self, summary: list[tuple[str, float | None, float | None, str]]) -> None:
        self.stdout.write("\n== summary ==")
        self.stdout.write(f"{'benchmark':<48}{'ours':>12}{'bare SQL':>12}{'ratio':>8}  goal")
        failed = 0
        for label, ours, bare, unit in summary:
            ratio = ours / bare if ours is not None and bare else None
            goal_ratio, goal_abs, goal_text = GOALS.get(
                label.split(", worst query")[0], (None, None, "")
            )
            ok = True
            if goal_ratio is not None and ratio is not None and ratio > goal_ratio:
                ok = False
            if goal_abs is not None and ours is not None and ours > goal_abs:
                ok = False
            if label == "rescoring peak RSS" and ours is not None and ours > 200:
                ok = False
            failed += not ok
            self.stdout.write(
                f"{label:<48}{_fmt(ours, unit):>12}{_fmt(bare, unit):>12}"
                f"{(f'{ratio:.2f}' if ratio is not None else '–'):>8}  {goal_text}"
                f" {'met' if ok else 'NOT MET'}"
            )
        self.stdout.write(
            "every goal met" if not failed else f"{failed} goal(s) not met (docs/benchmarks.md)"
        )


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:.0f} {unit}"


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None
