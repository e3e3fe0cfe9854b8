"""Liveness and readiness probes, as a load balancer sees them."""

from __future__ import annotations

import socket
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError


def _closed_port() -> int:
    """A local port nothing listens on: bind an ephemeral one, then release it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database access here would raise.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ready_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""  # only the database is checked without a broker

    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert "broker" not in body["checks"]


@pytest.mark.django_db
def test_readyz_is_503_json_when_the_database_fails(client, settings):
    settings.REDIS_URL = ""
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("could not connect to server"),
    ):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_is_unreachable(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"] == "ConnectionError"


@pytest.mark.services
@pytest.mark.django_db
def test_readyz_checks_the_real_broker(client, settings):
    assert settings.REDIS_URL, "the services pass runs with REDIS_URL set"

    response = client.get("/readyz")

    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["broker"]["ok"] is True


# --- The cache the rate limits and the admin lockout count in ---------------------------------

LOCAL_MEMORY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DATABASE_CACHE = {
    "default": {"BACKEND": "creditsite.cache.DatabaseCache", "LOCATION": "readyz_cache_test"}
}


@pytest.mark.django_db
def test_readyz_reports_a_per_process_cache_without_failing_in_development(client, settings):
    settings.CACHES = LOCAL_MEMORY_CACHE  # as without REDIS_URL (CI's second pass sets it)
    settings.REDIS_URL = ""
    settings.PRODUCTION = False

    response = client.get("/readyz")

    assert response.status_code == 200
    cache_check = response.json()["checks"]["cache"]
    assert cache_check["ok"] is True
    assert cache_check["shared"] is False
    assert cache_check["backend"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.django_db
def test_readyz_is_503_in_production_when_the_cache_is_not_shared(client, settings):
    settings.CACHES = LOCAL_MEMORY_CACHE  # as without REDIS_URL (CI's second pass sets it)
    settings.REDIS_URL = ""
    settings.PRODUCTION = True

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["cache"]["shared"] is False
    assert body["checks"]["cache"]["error"] == "NotShared"


@pytest.mark.django_db
def test_readyz_is_503_when_the_shared_cache_is_unreachable(client, settings):
    settings.REDIS_URL = ""  # the broker is not checked: only the cache is down
    settings.PRODUCTION = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    cache_check = response.json()["checks"]["cache"]
    assert cache_check["ok"] is False
    assert cache_check["shared"] is True
    assert cache_check["error"] == "ConnectionError"


@pytest.mark.django_db
def test_readyz_is_ready_in_production_with_the_database_cache(client, settings):
    settings.REDIS_URL = ""
    settings.PRODUCTION = True
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable", verbosity=0)

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == {
        "ok": True,
        "shared": True,
        "backend": "creditsite.cache.DatabaseCache",
        "ms": response.json()["checks"]["cache"]["ms"],
    }


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_table_was_never_created(client, settings):
    # `manage.py createcachetable` forgotten: the first counted request would fail.
    settings.REDIS_URL = ""
    settings.PRODUCTION = True
    settings.CACHES = DATABASE_CACHE

    response = client.get("/readyz")

    assert response.status_code == 503
    cache_check = response.json()["checks"]["cache"]
    assert cache_check["ok"] is False
    assert cache_check["error"] in {"OperationalError", "ProgrammingError"}
