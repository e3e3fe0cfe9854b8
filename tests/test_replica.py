"""Public reads from a read replica (creditsite/routers.py).

The replica here is a second PostgreSQL database on the same server that holds DIFFERENT
rows from the primary: a copy of the test database (``CREATE DATABASE … TEMPLATE``, the
same schema, as a physical replica has) in which one subject exists only on the replica
and another has a different name. What a page shows therefore says which database it
read. (A ``TEST: {"MIRROR": ...}`` replica would show the same rows either way and prove
nothing.) Rows written to the primary after the copy stand for replication lag.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import load_backend
from django.test import Client, RequestFactory

from creditsite import routers
from enterprises.models import ReportIssue, Subject
from tests.factories import SubjectFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent

# Replica tests are transactional (the replica copies committed rows); serialized_rollback
# restores the reference data (regions, industries, …) that the flush after each removes.
ON_REPLICA = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRIMARY_NAME = "杭州主库可见科技有限公司"
REPLICA_NAME = "杭州副本改名科技有限公司"
ONLY_ON_REPLICA = "宁波仅在副本科技有限公司"


def _admin_execute(sql: str) -> None:
    """Run a statement outside any transaction on the server's maintenance database."""
    import psycopg

    params = connections[DEFAULT_DB_ALIAS].get_connection_params()
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(sql)


@pytest.fixture
def replica(transactional_db, settings) -> Iterator[dict[str, Subject]]:
    """The replica connection over a copy of the test database, with the router and
    middleware installed as settings do for DATABASE_REPLICA_URL; dropped afterwards."""
    primary = connections[DEFAULT_DB_ALIAS]
    if primary.vendor != "postgresql":
        pytest.skip("the replica test needs PostgreSQL (a second database on the server)")
    if routers.REPLICA_DB_ALIAS in connections:
        pytest.skip("DATABASE_REPLICA_URL is set: the replica alias is a mirror in this run")
    both = SubjectFactory(name=PRIMARY_NAME)
    name = primary.settings_dict["NAME"]
    copy = f"{name}_replica"
    primary.close()  # a template database must have no other session
    _admin_execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    _admin_execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    # A connection made here rather than declared in DATABASES: the test case allows it
    # (declared aliases must be test databases, which would be the primary's mirror).
    backend = load_backend(primary.settings_dict["ENGINE"])
    connections[routers.REPLICA_DB_ALIAS] = backend.DatabaseWrapper(
        {**primary.settings_dict, "NAME": copy, "CONN_MAX_AGE": 0}, routers.REPLICA_DB_ALIAS
    )
    try:
        with connections[routers.REPLICA_DB_ALIAS].cursor() as cursor:
            cursor.execute(
                "UPDATE enterprises_subject SET name = %s WHERE id = %s", [REPLICA_NAME, both.pk]
            )
        only = SubjectFactory.build(name=ONLY_ON_REPLICA)
        only.save(using=routers.REPLICA_DB_ALIAS)
        assert not Subject.objects.using(DEFAULT_DB_ALIAS).filter(uscc=only.uscc).exists()
        settings.DATABASE_ROUTERS = ["creditsite.routers.ReplicaRouter"]
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(
            middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
            "creditsite.routers.ReplicaRoutingMiddleware",
        )
        settings.MIDDLEWARE = middleware
        yield {"both": both, "only_on_replica": only}
    finally:
        connections[routers.REPLICA_DB_ALIAS].close()
        del connections[routers.REPLICA_DB_ALIAS]
        _admin_execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


@pytest.mark.services
@ON_REPLICA
def test_anonymous_public_pages_and_api_read_the_replica(replica):
    visitor = Client()

    page = visitor.get(f"/enterprises/{replica['only_on_replica'].uscc}/")
    assert page.status_code == 200
    assert ONLY_ON_REPLICA in page.content.decode()

    renamed = visitor.get(f"/enterprises/{replica['both'].uscc}/").content.decode()
    assert REPLICA_NAME in renamed
    assert PRIMARY_NAME not in renamed

    api = visitor.get(f"/api/v1/enterprises/{replica['only_on_replica'].uscc}/")
    assert api.status_code == 200
    assert ONLY_ON_REPLICA in api.content.decode()


@pytest.mark.services
@ON_REPLICA
def test_officials_read_the_primary(replica):
    official = Client()
    official.force_login(UserFactory(is_superuser=True))

    page = official.get(f"/enterprises/{replica['only_on_replica'].uscc}/")
    assert page.status_code == 404
    renamed = official.get(f"/enterprises/{replica['both'].uscc}/").content.decode()
    assert PRIMARY_NAME in renamed
    assert REPLICA_NAME not in renamed


@pytest.mark.services
@ON_REPLICA
def test_posts_and_token_requests_read_the_primary(replica):
    visitor = Client()

    checked = visitor.post(
        "/api/v1/check/",
        data={"subjects": [replica["only_on_replica"].uscc, replica["both"].uscc]},
        content_type="application/json",
    )
    assert checked.status_code == 200
    found = {r["query"]: r for r in checked.json()["results"]}
    assert found[replica["only_on_replica"].uscc]["found"] is False
    assert found[replica["both"].uscc]["subject"]["name"] == PRIMARY_NAME

    # A department token (even a wrong one) means a client that reads its own writes.
    with_token = visitor.get(
        f"/enterprises/{replica['only_on_replica'].uscc}/", HTTP_AUTHORIZATION="Bearer x"
    )
    assert with_token.status_code == 404


@pytest.mark.services
@ON_REPLICA
def test_what_was_just_written_is_read_from_the_primary_despite_lag(replica):
    # Written to the primary after the copy: the replica "lags" and has not got it.
    issue = ReportIssue.objects.create(
        number="CR-20260101-LAG001", code="LAGTEST0001", subject=replica["both"]
    )
    assert not ReportIssue.objects.using(routers.REPLICA_DB_ALIAS).filter(pk=issue.pk).exists()

    verified = Client().get(f"/reports/verify/{issue.code}/")

    assert verified.status_code == 200
    assert issue.number in verified.content.decode()


@pytest.mark.services
@ON_REPLICA
def test_reads_after_a_write_or_in_a_transaction_go_to_the_primary(replica):
    router = routers.ReplicaRouter()
    reads = routers.RequestReads(replica=True)
    token = routers._current.set(reads)
    try:
        assert router.db_for_read(Subject) == routers.REPLICA_DB_ALIAS
        with transaction.atomic():
            assert router.db_for_read(Subject) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Subject) == routers.REPLICA_DB_ALIAS
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS

        assert router.db_for_write(Subject) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Subject) == DEFAULT_DB_ALIAS
    finally:
        routers._current.reset(token)
    assert router.db_for_read(Subject) == DEFAULT_DB_ALIAS  # outside a request


def test_which_requests_may_read_the_replica():
    factory = RequestFactory()

    def allowed(method: str, path: str, **extra: str) -> bool:
        request = factory.generic(method, path, **extra)
        return routers.replica_allowed(request)

    assert allowed("GET", "/search/")
    assert allowed("HEAD", "/enterprises/91330100MA27XXXX0X/")
    assert allowed("GET", "/api/v1/enterprises/")
    assert not allowed("POST", "/api/v1/check/")
    assert not allowed("GET", "/admin/")
    assert not allowed("GET", "/track/OB-2026-0001/")
    assert not allowed("GET", "/api/v1/objections/OB-2026-0001/")
    assert not allowed("GET", "/api/v1/repair-applications/RP-2026-0001/")
    assert not allowed("GET", "/reports/verify/ABC/")
    assert not allowed("GET", "/api/v1/enterprises/", HTTP_AUTHORIZATION="Bearer key")


def test_migrations_run_on_the_primary_only():
    router = routers.ReplicaRouter()

    assert router.allow_migrate(DEFAULT_DB_ALIAS, "enterprises") is True
    assert router.allow_migrate(routers.REPLICA_DB_ALIAS, "enterprises") is False


PROBE = """
import importlib, json
s = importlib.import_module("creditsite.settings")
print(json.dumps({
    "aliases": sorted(s.DATABASES),
    "replica": s.DATABASES.get("replica", {}).get("NAME"),
    "options": [db.get("OPTIONS", {}) for db in s.DATABASES.values()],
    "routers": getattr(s, "DATABASE_ROUTERS", []),
    "middleware": s.MIDDLEWARE,
}))
"""


def _settings_with(**variables: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}}
    env.update(variables)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_replica_url_installs_the_replica_router_and_middleware():
    loaded = _settings_with(
        DATABASE_URL="postgres://u@db1:5432/credit",
        DATABASE_REPLICA_URL="postgres://u@db2:5432/credit",
    )

    assert loaded["aliases"] == ["default", "replica"]
    assert loaded["replica"] == "credit"
    # The replica is reached with the primary's connection options (timeout, no JIT).
    assert loaded["options"][1] == loaded["options"][0]
    assert loaded["routers"] == ["creditsite.routers.ReplicaRouter"]
    middleware = loaded["middleware"]
    position = middleware.index("creditsite.routers.ReplicaRoutingMiddleware")
    assert middleware[position - 1] == "django.contrib.auth.middleware.AuthenticationMiddleware"


def test_without_a_replica_url_nothing_changes():
    loaded = _settings_with()

    assert loaded["aliases"] == ["default"]
    assert loaded["routers"] == []
    assert "creditsite.routers.ReplicaRoutingMiddleware" not in loaded["middleware"]
