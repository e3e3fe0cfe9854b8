"""The database cache, as a shared cache the rate limits and the admin lockout can count in.

``CACHE_URL=dbcache://<table>`` selects it (settings), for a production without Redis; its
table is made by ``manage.py createcachetable``. It is Django's database cache with one
method replaced: ``incr``, which the counters (``add`` then ``incr``) rely on. Django's
reads the value and writes ``value + delta`` back in two statements, so two processes
incrementing at once both write n + 1 and a count is lost, and it writes the entry back
with the default timeout (300 s), so a counter of an hour's window (the public forms) or of
the lockout's 15 minutes forgets itself five minutes after its last hit. Here the entry is
read under a row lock (``SELECT … FOR UPDATE``, PostgreSQL) in one transaction with the
update, on the database the cache writes to (never a read replica), and only its value
changes: the expiry the counter was added with stays.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends import db
from django.db import connections, models, router, transaction
from django.utils.timezone import now


class DatabaseCache(db.DatabaseCache):
    _table: str  # set by Django's __init__ (the LOCATION)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        cache_key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        select = (
            f"SELECT {quote_name('value')}, {quote_name('expires')} FROM {table} "  # noqa: S608
            f"WHERE {quote_name('cache_key')} = %s{lock}"
        )
        update = (
            f"UPDATE {table} SET {quote_name('value')} = %s "  # noqa: S608
            f"WHERE {quote_name('cache_key')} = %s"
        )
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(select, [cache_key])
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode())) + delta  # noqa: S301
            pickled = pickle.dumps(value, self.pickle_protocol)
            cursor.execute(update, [base64.b64encode(pickled).decode("latin1"), cache_key])
        return value

    @staticmethod
    def _expired(connection: Any, expires: Any) -> bool:
        # As Django's get_many reads the column: through the backend's converters.
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        for converter in converters:
            expires = converter(expires, expression, connection)
        return bool(expires < now())
