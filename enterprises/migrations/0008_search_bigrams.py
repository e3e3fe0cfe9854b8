"""Search at province scale, PostgreSQL only: a GIN index over the character
bigrams of every name, so 2-character substrings of Chinese names find their rows without
scanning the table (pg_trgm needs 3+ characters), and finer statistics on the names so
the planner can tell a rare substring from a common one.

- ``cs_bigrams(text)``: the array of the text's 2-character substrings, IMMUTABLE so it
  can be indexed. Not de-duplicated: GIN and ANALYZE de-duplicate the elements of each
  array themselves, and the loop without DISTINCT costs about a third of
  ``array_agg(DISTINCT …)`` per call (it is evaluated per row when a plan scans rows:
  ``COST 2`` keeps the planner from believing it expensive, which made it pick slow
  bitmap plans for common pairs, while leaving it dearer than the ``strpos`` that the
  query puts first, so a scan calls it only for rows that contain the pair).
- GIN over ``cs_bigrams()`` of the subject's name, its former names, and both pinyin keys.
- ``STATISTICS 1000`` on those columns and the bigram expressions: ``LIKE '%…%'`` estimates
  come from the histogram of the names, whose 100 default buckets cannot tell 0.01 % from
  1 %; with 1,000 the planner chose well for every 3- and 4-character term measured, and
  the 10,000 most common pairs of each column get their own frequency (a pair absent from
  them is then known to be rare, and its index used).

The indexes are built ``CONCURRENTLY`` (so the migration is not atomic): building them on
2.58 M subjects takes minutes, and a plain ``CREATE INDEX`` would block every write to the
subjects (department API, imports, rescoring marks) for that long. A build that failed
half-way leaves an invalid index, which the next run drops and builds again.
SQLite keeps searching with ``LIKE`` and needs none of this.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION cs_bigrams(value text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 2 AS $$
DECLARE
    pairs text[] := '{}';
BEGIN
    FOR i IN 1 .. char_length(value) - 1 LOOP
        pairs := pairs || substr(value, i, 2);
    END LOOP;
    RETURN pairs;
END
$$
"""

# (index, table, column); queried by enterprises.queries.NameContains for 2-character
# (or 2-letter) terms. The pinyin keys too: a rare pair of letters (3D, vv) would
# otherwise scan every subject (0.7–0.8 s); common pairs (hz) still take the primary key.
INDEXES = [
    ("subject_name_bigram_idx", "enterprises_subject", "name"),
    ("former_name_bigram_idx", "enterprises_formername", "name"),
    ("subject_pinyin_bigram_idx", "enterprises_subject", "search_pinyin"),
    ("subject_initials_bigram_idx", "enterprises_subject", "search_initials"),
]
STATISTICS = 1000


def _postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def create(apps, schema_editor):
    if not _postgresql(schema_editor):
        return
    execute = schema_editor.execute
    execute(FUNCTION)
    with schema_editor.connection.cursor() as cursor:
        for name, table, column in INDEXES:
            cursor.execute(
                "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = %s",
                [name],
            )
            row = cursor.fetchone()
            if row is not None and not row[0]:  # left invalid by an interrupted build
                execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
                f"ON {table} USING gin (cs_bigrams({column}))"
            )
            execute(f"ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS {STATISTICS}")
            execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STATISTICS {STATISTICS}")
    # Expression statistics exist only after ANALYZE; until then every pair would be
    # estimated alike.
    for table in dict.fromkeys(table for _name, table, _column in INDEXES):
        execute(f"ANALYZE {table}")


def drop(apps, schema_editor):
    if not _postgresql(schema_editor):
        return
    for name, table, column in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STATISTICS -1")
    schema_editor.execute("DROP FUNCTION IF EXISTS cs_bigrams(text)")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("enterprises", "0007_idempotency")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
