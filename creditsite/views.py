"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving; touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers, the cache answers (and, in production, is
    shared by all processes), and the broker answers when one is configured."""
    checks: dict[str, dict[str, object]] = {"database": _check_database()}
    checks["cache"] = _check_cache()
    if settings.REDIS_URL:
        checks["broker"] = _check_broker()
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def _check_database() -> dict[str, object]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready", never a 500
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _check_cache() -> dict[str, object]:
    """The cache the rate limits and the admin lockout count in.

    ``touch`` of an absent key goes where the counters are written (for the database cache
    the primary, never a replica) and writes nothing. A cache each process keeps to itself
    answers, but in production it would multiply every limit by the number of processes:
    not ready there (settings refuse to start with one; this catches an override).
    """
    backend = settings.CACHES["default"]["BACKEND"]
    shared = backend in settings.SHARED_CACHE_BACKENDS
    result: dict[str, object] = {"ok": True, "shared": shared, "backend": backend}
    started = time.perf_counter()
    try:
        cache.touch("readyz:probe", timeout=1)
    except Exception as exc:  # unreachable cache (or its table missing) means "not ready"
        return {**result, "ok": False, "error": exc.__class__.__name__}
    if settings.PRODUCTION and not shared:
        return {**result, "ok": False, "error": "NotShared"}
    return {**result, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _check_broker() -> dict[str, object]:
    import redis

    started = time.perf_counter()
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        client.ping()
    except Exception as exc:  # unreachable broker means "not ready"
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}
