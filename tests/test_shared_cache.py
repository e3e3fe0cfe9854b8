"""The database cache, the shared cache production may use instead of Redis.

The rate limits and the admin lockout count with ``add`` + ``incr`` in the cache. Django's
own database cache would lose counts there: its ``incr`` reads and writes in two
statements (two processes both write n + 1) and rewrites the entry with the default
timeout (300 s), so a counter of an hour's window forgets itself after five minutes.
``creditsite.cache.DatabaseCache`` increments under a row lock and keeps the expiry.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection, connections
from django.utils.dateparse import parse_datetime

from creditsite.lockout import login_failure_record, login_locked
from creditsite.throttling import throttle_hit
from tests.factories import UserFactory

TABLE = "creditsite_cache_test"


@pytest.fixture
def database_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "creditsite.cache.DatabaseCache",
            "LOCATION": TABLE,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
    call_command("createcachetable", verbosity=0)
    yield caches["default"]


def _expires_in(key: str) -> float:
    """Seconds until the stored entry of ``key`` expires."""
    db_key = cache.make_and_validate_key(key)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {TABLE} WHERE cache_key = %s", [db_key])  # noqa: S608
        (expires,) = cursor.fetchone()
    if isinstance(expires, str):  # SQLite hands back text
        expires = parse_datetime(expires)
    if expires.tzinfo is None:  # stored in UTC (USE_TZ)
        expires = expires.replace(tzinfo=UTC)
    return expires.timestamp() - time.time()


@pytest.mark.django_db
def test_incr_counts_and_keeps_the_expiry_the_counter_was_added_with(database_cache):
    assert database_cache.add("throttle:forms:ip:10.0.0.1:1", 0, timeout=3600)
    assert database_cache.incr("throttle:forms:ip:10.0.0.1:1") == 1
    assert database_cache.incr("throttle:forms:ip:10.0.0.1:1", 2) == 3
    assert database_cache.decr("throttle:forms:ip:10.0.0.1:1") == 2
    assert database_cache.get("throttle:forms:ip:10.0.0.1:1") == 2
    # Still the hour it was added with, not the default 300 s.
    assert _expires_in("throttle:forms:ip:10.0.0.1:1") > 3000


@pytest.mark.django_db
def test_incr_of_a_missing_or_expired_key_raises_like_every_cache(database_cache):
    with pytest.raises(ValueError):
        database_cache.incr("never-added")
    database_cache.set("gone", 5, timeout=-1)  # already expired
    with pytest.raises(ValueError):
        database_cache.incr("gone")


@pytest.mark.django_db
def test_the_rate_limit_counts_through_the_database_cache(database_cache):
    waits = [throttle_hit(scope="forms", client="ip:10.0.0.1", rate="3/hour") for _n in range(5)]

    assert waits[:3] == [None, None, None]
    assert all(wait is not None and 1 <= wait <= 3600 for wait in waits[3:])
    # Another address is counted on its own.
    assert throttle_hit(scope="forms", client="ip:10.0.0.2", rate="3/hour") is None


@pytest.mark.django_db
def test_the_admin_lockout_locks_through_the_database_cache(database_cache, settings):
    settings.ADMIN_LOCKOUT_FAILURES = 3
    UserFactory(username="alice")
    for _n in range(3):
        assert not login_locked(username="alice", ip="10.0.0.1")
        login_failure_record(username="alice", ip="10.0.0.1")

    assert login_locked(username="alice", ip="10.0.0.1")
    assert not login_locked(username="alice", ip="10.0.0.2")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_lose_no_count_on_postgresql(settings):
    """Eight threads (eight connections, as eight workers would be) increment one counter
    at once: every increment is counted."""
    if connection.vendor != "postgresql":
        pytest.skip("the row lock is PostgreSQL's (SELECT … FOR UPDATE)")
    settings.CACHES = {"default": {"BACKEND": "creditsite.cache.DatabaseCache", "LOCATION": TABLE}}
    call_command("createcachetable", verbosity=0)
    try:
        cache.add("concurrent", 0, timeout=600)
        start = threading.Barrier(8)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                start.wait()
                for _n in range(25):
                    caches["default"].incr("concurrent")
            except BaseException as error:  # reported by the assertion below
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work) for _n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert errors == []
        assert cache.get("concurrent") == 200
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
