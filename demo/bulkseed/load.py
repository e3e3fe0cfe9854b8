"""The bulk load: :func:`bulk_seed` drops what slows COPY down, streams the generated rows
into PostgreSQL through COPY, then restores the indexes and constraints, the sequences
and the statistics (see :mod:`demo.bulkseed`)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Department, JobRun, Subject

from ..seeding import DemoDataRefused, SeedResult, _audit_run, _department_codes
from ..subjects import plan
from .copy import (
    FORMER_NAME_COLUMNS,
    FORMER_NAMES,
    LIST_ENTRIES,
    LIST_ENTRY_COLUMNS,
    RECORD_COLUMNS,
    RECORDS,
    SUBJECT_COLUMNS,
    SUBJECTS,
    TABLES,
    _Lines,
    record_line,
    subject_line,
)
from .generation import BENCHMARK_RECORDS, BENCHMARK_SUBJECTS, BulkGenerator
from .indexes import _load_schema_items, _restore, _run_parallel
from .list_entries import ListEntries

ST = Subject.SubjectType


class BulkSeedRefused(DemoDataRefused):
    pass


@dataclass
class BulkSeedResult:
    enterprises: int = 0
    other_subjects: int = 0
    records: int = 0
    former_names: int = 0
    list_entries: int = 0
    due_records: int = 0
    benchmark_subjects: list[tuple[int, str, str]] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)
    slow_pinyin: int = 0
    job_id: int | None = None

    @property
    def subjects(self) -> int:
        return self.enterprises + self.other_subjects

    def counts(self) -> dict[str, int]:
        return {
            "enterprises": self.enterprises,
            "other_subjects": self.other_subjects,
            "records": self.records,
            "former_names": self.former_names,
            "list_entries": self.list_entries,
            "due_records": self.due_records,
        }


def _conninfo() -> dict[str, Any]:
    db = settings.DATABASES["default"]
    info: dict[str, Any] = {"dbname": db["NAME"]}
    for key, name in (
        ("USER", "user"),
        ("PASSWORD", "password"),
        ("HOST", "host"),
        ("PORT", "port"),
    ):
        if db.get(key):
            info[name] = db[key]
    return info


def bulk_seed(
    *,
    enterprises: int,
    records: int,
    seed: int,
    as_of: dt.date | None = None,
    force: bool = False,
    workers: int = 2,
    on_progress: Callable[[int, int], None] | None = None,
    on_phase: Callable[[str, float], None] | None = None,
) -> BulkSeedResult:
    """Fill an empty PostgreSQL database (or, with ``force``, replace its subjects and
    everything that hangs off them) with ``enterprises`` enterprises, the other subject
    types in the demo's shares and exactly ``records`` credit records, through COPY."""
    if connection.vendor != "postgresql":
        raise BulkSeedRefused(
            _(
                "--bulk needs PostgreSQL (set DATABASE_URL); on SQLite use seed_demo without "
                "--bulk, which writes through the ORM."
            ),
            field="bulk",
        )
    if settings.PRODUCTION and not force:
        raise BulkSeedRefused(
            _(
                "This is a production site (DJANGO_ENV=production): demo data is not "
                "written there unless you pass --force."
            ),
            field="force",
        )
    if enterprises < 0 or records < 0:
        raise BulkSeedRefused(_("Counts must be 0 or more."), field="enterprises")
    needed = min(BENCHMARK_SUBJECTS, enterprises) * BENCHMARK_RECORDS
    if records < needed:
        raise BulkSeedRefused(
            _(
                "--records must be at least %(n)d: the first %(subjects)d enterprises get "
                "%(each)d records each (the credit-file benchmark)."
            )
            % {
                "n": needed,
                "subjects": min(BENCHMARK_SUBJECTS, enterprises),
                "each": BENCHMARK_RECORDS,
            },
            field="records",
        )
    existing = Subject.objects.count()
    if existing and not force:
        raise BulkSeedRefused(
            _(
                "The database already holds %(n)d credit subjects; a bulk load goes into an "
                "empty database, or pass --force to replace them (and everything that refers "
                "to them)."
            )
            % {"n": existing},
            field="force",
        )
    as_of = as_of or timezone.localdate()
    departments = dict(Department.objects.values_list("code", "pk"))
    missing = sorted(code for code in _department_codes() if code not in departments)
    if missing:
        raise BulkSeedRefused(
            _("Reference data is missing (departments %(codes)s): run manage.py migrate.")
            % {"codes": ", ".join(missing)},
            field="department",
        )
    result = BulkSeedResult()
    conninfo = _conninfo()

    def phase(name: str, started: float) -> None:
        result.phases[name] = time.monotonic() - started
        if on_phase is not None:
            on_phase(name, result.phases[name])

    # 1. Drop what slows COPY down (remembering it exactly).
    started = time.monotonic()
    with connection.cursor() as cursor:
        if existing:
            cursor.execute("TRUNCATE " + ", ".join(TABLES) + " CASCADE")
        items = _load_schema_items(cursor)
        with transaction.atomic():
            for item in sorted(items, key=lambda i: i.kind != "fk"):  # foreign keys first
                cursor.execute(item.drop_sql())
    job = JobRun.objects.create(name="seed_demo", total=sum(plan(enterprises).values()))
    result.job_id = job.pk
    phase("drop", started)

    # 2. Generate and COPY.
    started = time.monotonic()
    generator = BulkGenerator(seed=seed, as_of=as_of, enterprises=enterprises, records=records)
    entries = ListEntries(seed=seed, as_of=as_of)
    stamp = f"{as_of} 00:00:00+08"
    record_id = 0
    former_id = 0
    try:
        with ExitStack() as stack:
            copies = {}
            conns = {}
            for table, columns in (
                (SUBJECTS, SUBJECT_COLUMNS),
                (FORMER_NAMES, FORMER_NAME_COLUMNS),
                (RECORDS, RECORD_COLUMNS),
                (LIST_ENTRIES, LIST_ENTRY_COLUMNS),
            ):
                conn = stack.enter_context(psycopg.connect(**conninfo))
                conn.execute("SET synchronous_commit = off")
                conn.execute(f"TRUNCATE {table}")  # same transaction: COPY FREEZE allowed
                copy_cursor = stack.enter_context(conn.cursor())
                copy = stack.enter_context(
                    copy_cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FREEZE)")
                )
                copies[table] = _Lines(copy)
                conns[table] = conn
            subjects_out, formers_out = copies[SUBJECTS], copies[FORMER_NAMES]
            records_out, entries_out = copies[RECORDS], copies[LIST_ENTRIES]
            done = 0
            for rows in generator.run_all():
                sid = rows.index + 1
                subject = rows.subject
                subjects_out.add(subject_line(sid, subject, stamp))
                for former in rows.former_names:
                    former_id += 1
                    formers_out.add(
                        f"{former_id}\t{sid}\t{former['name']}\t{former['used_until']}\n"
                    )
                for record in rows.records:
                    record_id += 1
                    records_out.add(
                        record_line(record_id, sid, departments[record["department"]], record)
                    )
                if subject["subject_type"] == ST.ENTERPRISE:
                    for line in entries.lines(sid):
                        entries_out.add(line)
                    if sid <= generator.benchmark:
                        result.benchmark_subjects.append((sid, subject["uscc"], subject["name"]))
                done += 1
                if done % 5000 == 0:
                    # Feed every stream now and then: a backend blocked reading COPY data
                    # does not answer the barriers that DROP DATABASE waits for.
                    for lines in copies.values():
                        lines.flush()
                    if on_progress is not None:
                        on_progress(5000, generator.totals.records)
            for lines in copies.values():
                lines.flush()
            if on_progress is not None:
                on_progress(done % 5000, generator.totals.records)
            # Leaving the stack ends each COPY, then commits and closes its connection.
    except BaseException as error:
        JobRun.objects.filter(pk=job.pk).update(
            status=JobRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:5000],
        )
        _restore(items, conninfo, workers)
        raise
    totals = generator.totals
    result.enterprises = totals.enterprises
    result.other_subjects = totals.other_subjects
    result.records = totals.records
    result.former_names = totals.former_names
    result.list_entries = entries.next_id - 1
    result.due_records = totals.due
    result.slow_pinyin = generator.keys.slow
    phase("copy", started)

    # 3. Indexes and unique constraints, then foreign keys (each validates every row).
    started = time.monotonic()
    try:
        _restore(items, conninfo, workers)
    except BaseException as error:
        # The rows are committed; what failed to come back is named in the error (e.g. a
        # duplicate key), and the schema lacks it until the data is fixed or reloaded.
        JobRun.objects.filter(pk=job.pk).update(
            status=JobRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"indexes or constraints not restored: {type(error).__name__}: {error}"[:5000],
        )
        raise
    phase("indexes_constraints", started)

    # 4. Sequences and statistics.
    started = time.monotonic()
    with connection.cursor() as cursor:
        for table in TABLES:
            sql = (
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - constant
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
            )
            cursor.execute(sql)
    _run_parallel(
        [(table, f"ANALYZE {table}") for table in (RECORDS, SUBJECTS, LIST_ENTRIES, FORMER_NAMES)],
        conninfo,
        workers=workers,
    )
    phase("analyze", started)

    with transaction.atomic():
        _audit_run(
            SeedResult(
                enterprises=result.enterprises,
                other_subjects=result.other_subjects,
                records=result.records,
            ),
            seed,
            reason="demo data (bulk load)",
        )
        JobRun.objects.filter(pk=job.pk).update(
            status=JobRun.Status.SUCCEEDED,
            finished_at=timezone.now(),
            done=result.subjects,
            counts=result.counts(),
        )
    return result
