"""Benchmark: the nightly expiry (``records_expire``) against one bare SQL UPDATE.

Run by ``manage.py bench``; see docs/benchmarks.md for the method. The records due on the
benchmark day (about 5 % at province scale) are saved once with their states; before
each sample they are put back. The baseline is the single UPDATE that expires the same
rows; ours is the job (due ids from the partial index, batches of 10,000 locked and
re-checked, one UPDATE, one audit row and the tombstones of the public records per batch,
subjects marked for rescoring, list entries whose term ended, the job-run row). Both must
expire exactly the same records.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from enterprises.models import CreditRecord, RecordRemoval
from repair.services import records_expire

TABLE = CreditRecord._meta.db_table
REMOVALS = RecordRemoval._meta.db_table
DUE = "state IN ('active', 'under_objection') AND publicity_end IS NOT NULL AND publicity_end < %s"


def _execute(sql: str, params: list[Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else cursor.rowcount


def _save_due(day: Any, share: float) -> int:
    """Remember the due records and their states. With fewer than ``share`` of all records
    due (the small demo data expires its own), make that many due by moving the end of
    publicity of records still in publicity to yesterday; ``_put_back`` undoes it."""
    _execute("DROP TABLE IF EXISTS bench_moved")
    _execute("CREATE UNLOGGED TABLE bench_moved (id bigint PRIMARY KEY, publicity_end date)")
    total = CreditRecord.objects.count()
    due = int(_execute(f"SELECT count(*) FROM {TABLE} WHERE {DUE}", [day])[0][0])  # noqa: S608
    wanted = int(total * share) - due
    if wanted > 0:
        with transaction.atomic():
            _execute(
                f"INSERT INTO bench_moved SELECT id, publicity_end FROM {TABLE}"  # noqa: S608
                " WHERE state IN ('active', 'under_objection') AND publicity_end >= %s"
                " AND decision_date < %s"
                " ORDER BY id %% 97, id LIMIT %s",
                [day, day - dt.timedelta(days=1), wanted],
            )
            _execute(
                f"UPDATE {TABLE} r SET publicity_end = %s FROM bench_moved m"  # noqa: S608
                " WHERE r.id = m.id",
                [day - dt.timedelta(days=1)],
            )
    _execute("DROP TABLE IF EXISTS bench_due")
    _execute(
        f"CREATE UNLOGGED TABLE bench_due AS SELECT id, state FROM {TABLE} WHERE {DUE}",  # noqa: S608
        [day],
    )
    _execute("ALTER TABLE bench_due ADD PRIMARY KEY (id)")
    _execute("ANALYZE bench_due")
    return int(_execute("SELECT count(*) FROM bench_due")[0][0])


def _put_back() -> None:
    with transaction.atomic():
        _execute(
            f"UPDATE {TABLE} r SET publicity_end = m.publicity_end FROM bench_moved m"  # noqa: S608
            " WHERE r.id = m.id"
        )
    _execute("DROP TABLE IF EXISTS bench_moved")
    _execute("DROP TABLE IF EXISTS bench_due")


def _restore(removals_before: int) -> None:
    with transaction.atomic():
        _execute(
            f"UPDATE {TABLE} r SET state = d.state FROM bench_due d"  # noqa: S608
            " WHERE r.id = d.id AND r.state <> d.state"
        )
        # The tombstones a sample's job wrote (the bare UPDATE writes none).
        _execute(f"DELETE FROM {REMOVALS} WHERE id > %s", [removals_before])  # noqa: S608
    _execute(f"VACUUM {TABLE}")
    _execute(f"VACUUM {REMOVALS}")
    _execute("CHECKPOINT")


def bare(day: Any) -> int:
    with transaction.atomic():
        return int(
            _execute(
                f"UPDATE {TABLE} SET state = 'expired', state_changed_at = now(),"  # noqa: S608
                f" updated_at = now() WHERE {DUE}",
                [day],
            )
        )


def _expired_fingerprint() -> tuple[int, str]:
    row = _execute(
        f"SELECT count(*), md5(string_agg(r.id::text, ',' ORDER BY r.id)) FROM {TABLE} r"  # noqa: S608
        " JOIN bench_due d ON d.id = r.id WHERE r.state = 'expired'"
    )[0]
    return int(row[0]), str(row[1])


def _sample(run: Callable[[], Any], removals_before: int) -> float:
    _restore(removals_before)
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def run(*, repeat: int = 3, share: float = 0.05) -> dict[str, Any]:
    day = timezone.localdate()
    records = CreditRecord.objects.count()
    due = _save_due(day, share)
    removals_before = int(_execute(f"SELECT coalesce(max(id), 0) FROM {REMOVALS}")[0][0])  # noqa: S608
    ours_s, bare_s = [], []
    answers = {}
    try:
        for _ in range(repeat):
            bare_s.append(_sample(lambda: bare(day), removals_before))
            answers["bare"] = _expired_fingerprint()
            ours_s.append(_sample(lambda: records_expire(on=day), removals_before))
            answers["ours"] = _expired_fingerprint()
            if answers["bare"] != answers["ours"] or answers["ours"][0] != due:
                raise AssertionError(f"different records expired: {answers}, due {due}")
    finally:
        _restore(removals_before)
        _put_back()
    return {
        "records": records,
        "due": due,
        "share": due / records if records else 0.0,
        "bare_s": statistics.median(bare_s),
        "ours_s": statistics.median(ours_s),
        "ratio": statistics.median(ours_s) / statistics.median(bare_s),
        "samples": {"bare": bare_s, "ours": ours_s},
    }
