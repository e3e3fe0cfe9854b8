"""Province-scale demo data through COPY: ``manage.py seed_demo --scale province``
(2,580,000 enterprises, 10,000,000 credit records) on PostgreSQL.

The small demo (:mod:`demo.subjects`) builds ORM objects and ``bulk_create``\\ s them:
≈ 45 s per 100,000 enterprises, far too slow for a province. This module reuses its
data tables and record templates (licences, penalties, list reasons …) but

* generates plain text rows (no model instances) and streams them into PostgreSQL with
  ``COPY … FROM STDIN (FREEZE)`` on one connection per table, each table truncated in
  the same transaction (so the rows are written frozen and all-visible: no hint-bit
  rewrite or VACUUM needed afterwards);
* drops the secondary indexes and the foreign keys of (and to) the tables it fills
  before loading and recreates them afterwards from the definitions it read in
  ``pg_indexes`` / ``pg_constraint`` (two connections in parallel, raised
  ``maintenance_work_mem``), so the schema ends exactly as ``migrate`` left it;
  re-adding a foreign key validates every row against its target;
* sets the id sequences to the highest id and runs ANALYZE.

Deterministic: the same ``enterprises``, ``records``, ``seed`` and ``as_of`` give the
same rows (ids included). Everything random comes from ``random.Random`` streams seeded
by the seed; timestamps derive from the dates, never from the clock.

Shapes of the data (on top of :mod:`demo.subjects`'s shares of subject types,
industries, enterprise types, record kinds, departments, severities, disclosure levels):

* enterprise names are region + brand + industry word + form; the brand is 2–3
  characters drawn from :data:`BRAND_POOL` with Zipf-like weights, so that two-character
  substrings range from very common to rare; a name is unique within its
  (region, industry word) bucket;
* ``search_pinyin`` / ``search_initials`` are exactly what
  :func:`enterprises.pinyin.search_keys` gives, computed from the pinyin of the name's
  parts (see :class:`NameKeys`) instead of calling pypinyin per row;
* each enterprise gets the demo's records plus a top-up (older tax ratings, licences,
  penalties and other information) so that the total is exactly ``records``;
* :data:`DUE_SHARE` (5 %) of all records are active negative records whose publicity end
  is already past on ``as_of``: the backlog the expiry benchmark works on; other
  past-end negative records are expired, a few repaired or revoked;
* the first :data:`BENCHMARK_SUBJECTS` enterprises (ids 1–20) have exactly
  :data:`BENCHMARK_RECORDS` public records each (the credit-file benchmark);
* about 3 % of enterprises are on a black list and 5 % on a red list (as demo.lists).

SQLite is not supported here: the small demo keeps the ORM path.
"""

from .copy import TABLES
from .generation import (
    BENCHMARK_RECORDS,
    BENCHMARK_SUBJECTS,
    DUE_SHARE,
    SCALES,
    BulkGenerator,
)
from .indexes import schema_snapshot
from .load import BulkSeedRefused, BulkSeedResult, bulk_seed
from .names import BRAND_POOL, NameKeys

__all__ = [
    "BENCHMARK_RECORDS",
    "BENCHMARK_SUBJECTS",
    "BRAND_POOL",
    "DUE_SHARE",
    "SCALES",
    "TABLES",
    "BulkGenerator",
    "BulkSeedRefused",
    "BulkSeedResult",
    "NameKeys",
    "bulk_seed",
    "schema_snapshot",
]
