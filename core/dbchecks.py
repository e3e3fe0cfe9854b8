"""What the search needs from a PostgreSQL database, checked where a mistake shows.

Substring search of Chinese names rests on two GIN indexes per name column: pg_trgm
trigrams (3+ characters) and the ``cs_bigrams()`` character pairs (2 characters,
migration enterprises 0008). Trigram extraction of Chinese text only works when the
database's LC_CTYPE is a UTF-8 locale: under ``C`` pg_trgm silently yields no trigrams
and every search scans millions of rows (DESIGN, docs/operations.md). A database
cannot change its ctype after creation, so a wrong one is refused at once:

* at the first connection of a process to a database (``connection_created``, once per
  database), a ctype that is not UTF-8 logs an error and raises ImproperlyConfigured;
* ``manage.py check --database default`` reports it as an error, and missing pieces
  (pg_trgm, the bigram function, the search indexes) as warnings.

SQLite needs none of this: search falls back to ``LIKE`` there.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.backends.base.base import NO_DB_ALIAS, BaseDatabaseWrapper

log = logging.getLogger(__name__)

DOCS = "docs/operations.md, section “PostgreSQL”"
# Indexes the search uses (migrations enterprises 0005 and 0008).
SEARCH_INDEXES = (
    "subject_name_trgm_idx",
    "subject_pinyin_trgm_idx",
    "subject_initials_trgm_idx",
    "former_name_trgm_idx",
    "subject_name_bigram_idx",
    "former_name_bigram_idx",
    "subject_pinyin_bigram_idx",
    "subject_initials_bigram_idx",
)

_STATE_SQL = """
SELECT d.datctype,
       pg_encoding_to_char(d.encoding),
       EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'),
       to_regprocedure('cs_bigrams(text)') IS NOT NULL,
       ARRAY(SELECT indexname::text FROM pg_indexes
             WHERE schemaname = current_schema() AND indexname = ANY(%s))
FROM pg_database d
WHERE d.datname = current_database()
"""


@dataclass(frozen=True)
class DatabaseState:
    name: str
    ctype: str
    encoding: str
    has_trgm: bool
    has_bigrams: bool
    indexes: frozenset[str] = field(default_factory=frozenset)

    @property
    def utf8(self) -> bool:
        def is_utf8(value: str) -> bool:
            return value.replace("-", "").lower().endswith("utf8")

        return self.encoding.upper() == "UTF8" and is_utf8(self.ctype)

    def ctype_problem(self) -> str:
        return (
            f"The PostgreSQL database “{self.name}” has LC_CTYPE “{self.ctype}” and encoding "
            f"“{self.encoding}”; CreditSite needs a UTF-8 database with a UTF-8 ctype such as "
            "C.UTF-8, or searching Chinese names cannot use its indexes (pg_trgm finds no "
            "trigrams in Chinese text under another ctype). The ctype of a database cannot be "
            "changed: create a new one with `createdb -T template0 -E UTF8 "
            "--lc-collate=C.UTF-8 --lc-ctype=C.UTF-8 …`, then migrate and load the data "
            f"(pg_dump/pg_restore). See {DOCS}."
        )


def database_state(connection: BaseDatabaseWrapper) -> DatabaseState:
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL, [list(SEARCH_INDEXES)])
        ctype, encoding, has_trgm, has_bigrams, indexes = cursor.fetchone()
    return DatabaseState(
        name=str(connection.settings_dict.get("NAME")),
        ctype=ctype,
        encoding=encoding,
        has_trgm=has_trgm,
        has_bigrams=has_bigrams,
        indexes=frozenset(indexes),
    )


_checked: set[tuple[Any, ...]] = set()
_lock = threading.Lock()


def _key(connection: BaseDatabaseWrapper) -> tuple[Any, ...]:
    settings = connection.settings_dict
    return (settings.get("HOST"), settings.get("PORT"), settings.get("NAME"))


def on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """The first connection of this process to a PostgreSQL database checks its ctype.

    One query per database and process; a database that fails is checked (and refused)
    again at every new connection, so a process never works on with it.
    """
    # Django's own connections to the maintenance database (creating test databases)
    # carry NO_DB_ALIAS: they store nothing.
    if connection.vendor != "postgresql" or connection.alias == NO_DB_ALIAS:
        return
    key = _key(connection)
    if key in _checked:
        return
    state = database_state(connection)
    if not state.utf8:
        log.error(
            "database.ctype_not_utf8 alias=%s database=%s ctype=%s encoding=%s",
            connection.alias,
            state.name,
            state.ctype,
            state.encoding,
        )
        connection.close()
        raise ImproperlyConfigured(state.ctype_problem())
    if not (state.has_trgm and state.has_bigrams):
        # Not an error: a fresh database gets both from `migrate` (which connects first).
        log.info(
            "database.search_indexes_pending alias=%s pg_trgm=%s cs_bigrams=%s",
            connection.alias,
            state.has_trgm,
            state.has_bigrams,
        )
    with _lock:
        _checked.add(key)


def _trigrams_of_chinese(connection: BaseDatabaseWrapper) -> bool:
    """DESIGN: under a non-UTF-8 ctype ``show_trgm`` silently returns nothing for 浙江."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(show_trgm(%s)) > 0", ["浙江省"])
        return bool(cursor.fetchone()[0])


def _migration_applied(connection: BaseDatabaseWrapper, app: str, name: str) -> bool:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    return recorder.migration_qs.filter(app=app, name=name).exists()


@checks.register(checks.Tags.database)
def check_search_database(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """``manage.py check --database default``: the ctype (error) and the search pieces
    (warnings: search still answers, but scans the table)."""
    messages: list[checks.CheckMessage] = []
    for alias in databases or ():
        messages.extend(connection_messages(connections[alias]))
    return messages


def connection_messages(connection: BaseDatabaseWrapper) -> list[checks.CheckMessage]:
    if connection.vendor != "postgresql":
        return []
    try:
        state = database_state(connection)
    except ImproperlyConfigured as error:  # raised by on_connection_created
        return [checks.Error(str(error), id="creditsite.E001")]
    if not state.utf8:
        return [checks.Error(state.ctype_problem(), id="creditsite.E001")]
    messages: list[checks.CheckMessage] = []
    if state.has_trgm and not _trigrams_of_chinese(connection):
        messages.append(
            checks.Error(
                f"pg_trgm finds no trigrams in Chinese text in “{state.name}”: substring "
                "search of names cannot use its indexes.",
                hint=f"The database needs a UTF-8 ctype; see {DOCS}.",
                id="creditsite.E002",
            )
        )
    if not state.has_trgm:
        messages.append(
            checks.Warning(
                f"The pg_trgm extension is not installed in “{state.name}”: searches "
                "for 3+ characters scan the whole subject table.",
                hint=f"As a superuser: CREATE EXTENSION pg_trgm; then see {DOCS}.",
                id="creditsite.W001",
            )
        )
    if not _migration_applied(connection, "enterprises", "0008_search_bigrams"):
        return messages  # `migrate` creates the function and the indexes
    missing = sorted(
        name
        for name in SEARCH_INDEXES
        if name not in state.indexes and (state.has_trgm or "bigram" in name)
    )
    if not state.has_bigrams or missing:
        messages.append(
            checks.Warning(
                f"Search indexes are missing in “{state.name}”: "
                + ", ".join(missing or ["cs_bigrams(text)"])
                + ". Searches for those names scan the whole table.",
                hint=f"Create them as {DOCS} shows (the SQL of migration enterprises "
                "0008_search_bigrams).",
                id="creditsite.W002",
            )
        )
    return messages
