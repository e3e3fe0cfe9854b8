"""Schema of the bulk load: the indexes and constraints dropped before COPY and put back
after, exactly as ``migrate`` left them."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection

from enterprises.models import Subject

from .copy import FORMER_NAMES, LIST_ENTRIES, RECORDS, SUBJECTS, TABLES


@dataclass(frozen=True)
class SchemaItem:
    """An index, an index-backed constraint (unique, exclusion) or a foreign key."""

    table: str
    name: str
    kind: str  # "index", "constraint" or "fk"
    definition: str  # CREATE INDEX …, or the constraint definition
    index_definition: str = ""  # of the index behind a constraint

    def drop_sql(self) -> str:
        if self.kind == "index":
            return f'DROP INDEX "{self.name}"'
        return f'ALTER TABLE "{self.table}" DROP CONSTRAINT "{self.name}"'

    def build_sql(self) -> str | None:
        """The slow part, run in parallel: the index (also the one behind a constraint)."""
        if self.kind == "index":
            return self.definition
        if self.attach_sql() is not None:
            return self.index_definition
        return None

    def attach_sql(self) -> str | None:
        """A plain unique constraint adopts its index, built beforehand, at no cost."""
        if (
            self.kind == "constraint"
            and self.definition.startswith("UNIQUE (")
            and "DEFERRABLE" not in self.definition
            and self.index_definition
        ):
            return (
                f'ALTER TABLE "{self.table}" ADD CONSTRAINT "{self.name}" '
                f'UNIQUE USING INDEX "{self.name}"'
            )
        return None

    def constraint_sql(self) -> str | None:
        if self.kind == "index":
            return None
        attach = self.attach_sql()
        if attach is not None:
            return attach
        return f'ALTER TABLE "{self.table}" ADD CONSTRAINT "{self.name}" {self.definition}'


def schema_snapshot(cursor: Any) -> list[tuple[str, ...]]:
    """Every index and constraint of the public schema with its definition: equal before
    and after a bulk load (tests compare them)."""
    cursor.execute(
        "SELECT 'index', tablename, indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = 'public' "
        "UNION ALL "
        "SELECT 'constraint', c.conrelid::regclass::text, c.conname, "
        "pg_get_constraintdef(c.oid) || ' valid=' || c.convalidated "
        "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname = 'public' ORDER BY 1, 2, 3"
    )
    return [tuple(row) for row in cursor.fetchall()]


def _load_schema_items(cursor: Any) -> list[SchemaItem]:
    """Secondary indexes, index-backed unique constraints of the tables we fill, and every
    foreign key from or to them. Primary keys and CHECK constraints stay (they are cheap
    and check every row as it arrives)."""
    tables = list(TABLES)
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid), "
        "COALESCE(pg_get_indexdef(c.conindid), '') "
        "FROM pg_constraint c "
        "WHERE c.contype IN ('u', 'x', 'f') AND (c.conrelid::regclass::text = ANY(%s) "
        "OR (c.contype = 'f' AND c.confrelid::regclass::text = ANY(%s))) "
        "ORDER BY 1, 2",
        [tables, tables],
    )
    items: list[SchemaItem] = []
    for table, name, contype, definition, index_definition in cursor.fetchall():
        if contype == "f":
            items.append(SchemaItem(table, name, "fk", definition))
        else:
            items.append(SchemaItem(table, name, "constraint", definition, index_definition))
    cursor.execute(
        "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i "
        "JOIN pg_class c ON c.relname = i.indexname "
        "JOIN pg_index x ON x.indexrelid = c.oid "
        "WHERE i.schemaname = 'public' AND i.tablename = ANY(%s) AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) "
        "ORDER BY 1, 2",
        [tables],
    )
    django_sql = _django_index_sql()
    for table, name, definition in cursor.fetchall():
        items.append(SchemaItem(table, name, "index", django_sql.get(name, definition)))
    return items


def _django_index_sql() -> dict[str, str]:
    """CREATE INDEX statements exactly as ``migrate`` ran them for the models' named
    indexes and conditional unique constraints. ``pg_indexes`` shows a deparsed form that
    does not always deparse to itself again (``state IN (…)`` comes back with different
    casts), so those are rebuilt from the models; other indexes from ``pg_indexes``."""
    from django.db.models import UniqueConstraint

    from enterprises.models import CreditRecord, FormerName
    from lists.models import ListEntry

    statements: dict[str, str] = {}
    with connection.schema_editor(collect_sql=True) as editor:
        for model in (Subject, FormerName, CreditRecord, ListEntry):
            for index in model._meta.indexes:
                statements[str(index.name)] = str(index.create_sql(model, editor))
            for constraint in model._meta.constraints:
                if isinstance(constraint, UniqueConstraint) and (
                    constraint.condition is not None or constraint.expressions
                ):
                    statements[constraint.name] = str(constraint.create_sql(model, editor))
    return statements


def _run_parallel(
    statements: Sequence[tuple[str, str]],
    conninfo: dict[str, Any],
    *,
    workers: int = 2,
    setup: Sequence[str] = (),
) -> dict[str, float]:
    """Run (label, sql) statements on ``workers`` connections, in the order given; return
    seconds per label. Each statement commits on its own."""
    work: queue.Queue[tuple[str, str]] = queue.Queue()
    for item in statements:
        work.put(item)
    seconds: dict[str, float] = {}
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with psycopg.connect(**conninfo, autocommit=True) as conn:
                for sql in setup:
                    conn.execute(sql)
                while not errors:
                    try:
                        label, sql = work.get_nowait()
                    except queue.Empty:
                        return
                    started = time.monotonic()
                    conn.execute(sql)  # type: ignore[arg-type]
                    seconds[label] = time.monotonic() - started
        except BaseException as error:  # reported by the caller
            errors.append(error)

    threads = [threading.Thread(target=worker) for _n in range(max(1, workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return seconds


# Rough build cost, largest first: trigram/bigram GIN indexes, then the records table.
def _cost(item: SchemaItem) -> tuple[int, str]:
    definition = item.build_sql() or ""
    size = {RECORDS: 4, SUBJECTS: 2, LIST_ENTRIES: 0, FORMER_NAMES: 0}.get(item.table, 0)
    gin = 6 if "USING gin" in definition else 0
    return (-(size + gin), item.name)


def _restore(items: Sequence[SchemaItem], conninfo: dict[str, Any], workers: int) -> None:
    """Recreate dropped indexes (in parallel, largest first), then the constraints."""
    setup = (
        "SET maintenance_work_mem = '1GB'",
        "SET max_parallel_maintenance_workers = 0",
        "SET synchronous_commit = off",
    )
    builds = [(item.name, item.build_sql()) for item in sorted(items, key=_cost)]
    _run_parallel([(n, sql) for n, sql in builds if sql], conninfo, workers=workers, setup=setup)
    attach = [(i.name, i.constraint_sql()) for i in items if i.kind == "constraint"]
    keys = [(i.name, i.constraint_sql()) for i in sorted(items, key=_cost) if i.kind == "fk"]
    _run_parallel([(n, sql) for n, sql in attach if sql], conninfo, workers=1, setup=setup)
    _run_parallel([(n, sql) for n, sql in keys if sql], conninfo, workers=workers, setup=setup)
