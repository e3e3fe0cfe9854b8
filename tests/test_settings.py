"""Settings read from the environment. Each case imports the settings module in a
fresh interpreter, because settings are read once per process and the test
process's own environment (DATABASE_URL in CI …) must not leak in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Variables the settings module reads; each case starts with none of them set.
SETTINGS_VARIABLES = (
    "DJANGO_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "LOG_LEVEL",
    "CONN_MAX_AGE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
)

PROBE = """
import importlib, json
try:
    s = importlib.import_module("creditsite.settings")
except Exception as exc:
    print(json.dumps({"error": type(exc).__name__, "message": str(exc)}))
else:
    db = s.DATABASES["default"]
    print(json.dumps({
        "DEBUG": s.DEBUG,
        "SECRET_KEY": s.SECRET_KEY,
        "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
        "SESSION_COOKIE_SECURE": getattr(s, "SESSION_COOKIE_SECURE", False),
        "CSRF_COOKIE_SECURE": getattr(s, "CSRF_COOKIE_SECURE", False),
        "CSRF_TRUSTED_ORIGINS": getattr(s, "CSRF_TRUSTED_ORIGINS", []),
        "LANGUAGE_CODE": s.LANGUAGE_CODE,
        "TIME_ZONE": s.TIME_ZONE,
        "ENGINE": db["ENGINE"],
        "NAME": str(db["NAME"]),
        "HOST": db.get("HOST", ""),
        "CELERY_TASK_ALWAYS_EAGER": s.CELERY_TASK_ALWAYS_EAGER,
        "CELERY_BROKER_URL": s.CELERY_BROKER_URL,
        "CACHE_BACKEND": s.CACHES["default"]["BACKEND"],
        "CACHE_LOCATION": s.CACHES["default"].get("LOCATION", ""),
        "CACHE_OPTIONS": s.CACHES["default"].get("OPTIONS", {}),
    }))
"""


def load_settings(**variables: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(variables)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_production_without_secret_key_refuses_to_start():
    loaded = load_settings(DJANGO_ENV="production", ALLOWED_HOSTS="credit.example.org")

    assert loaded["error"] == "ImproperlyConfigured"
    assert "SECRET_KEY" in loaded["message"]


def test_production_without_allowed_hosts_refuses_to_start():
    loaded = load_settings(DJANGO_ENV="production", SECRET_KEY="s" * 50)

    assert loaded["error"] == "ImproperlyConfigured"
    assert "ALLOWED_HOSTS" in loaded["message"]


def test_production_is_not_debug_and_cookies_are_secure():
    loaded = load_settings(
        DJANGO_ENV="production",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="credit.example.org,www.credit.example.org",
        CSRF_TRUSTED_ORIGINS="https://credit.example.org",
        DEBUG="true",  # ignored in production
        REDIS_URL="redis://redis.internal:6379/0",
    )

    assert loaded["DEBUG"] is False
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["ALLOWED_HOSTS"] == ["credit.example.org", "www.credit.example.org"]
    assert loaded["CSRF_TRUSTED_ORIGINS"] == ["https://credit.example.org"]


def test_defaults_need_no_other_service():
    loaded = load_settings()

    assert loaded["LANGUAGE_CODE"] == "zh-hans"
    assert loaded["TIME_ZONE"] == "Asia/Shanghai"
    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["NAME"] == str(ROOT / "db.sqlite3")
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is True
    assert loaded["CACHE_BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert loaded["DEBUG"] is True
    assert loaded["SESSION_COOKIE_SECURE"] is False


def test_database_url_selects_postgresql():
    loaded = load_settings(DATABASE_URL="postgres://credit:pw@db.internal:5432/creditsite")

    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["NAME"] == "creditsite"
    assert loaded["HOST"] == "db.internal"


def test_redis_url_makes_redis_the_broker_and_turns_off_eager_tasks():
    loaded = load_settings(REDIS_URL="redis://127.0.0.1:6379/3")

    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is False
    assert loaded["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/3"
    assert loaded["CACHE_BACKEND"] == "django.core.cache.backends.redis.RedisCache"


# --- Production needs a cache all processes share (rate limits, admin lockout) --------------

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "s" * 50,
    "ALLOWED_HOSTS": "credit.example.org",
}


def test_production_without_a_shared_cache_refuses_to_start():
    loaded = load_settings(**PRODUCTION)

    assert loaded["error"] == "ImproperlyConfigured"
    assert "REDIS_URL" in loaded["message"]
    assert "CACHE_URL" in loaded["message"]


@pytest.mark.parametrize("url", ["locmemcache://", "dummycache://", "filecache:///tmp/cs-cache"])
def test_production_refuses_a_cache_url_each_process_keeps_to_itself(url):
    loaded = load_settings(**PRODUCTION, CACHE_URL=url)

    assert loaded["error"] == "ImproperlyConfigured"
    assert "CACHE_URL" in loaded["message"]


def test_production_with_redis_url_starts_with_the_redis_cache():
    loaded = load_settings(**PRODUCTION, REDIS_URL="redis://redis.internal:6379/0")

    assert loaded["CACHE_BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert loaded["CACHE_LOCATION"] == "redis://redis.internal:6379/0"


def test_production_with_the_database_cache_starts_without_redis():
    loaded = load_settings(**PRODUCTION, CACHE_URL="dbcache://creditsite_cache")

    assert loaded["CACHE_BACKEND"] == "creditsite.cache.DatabaseCache"
    assert loaded["CACHE_LOCATION"] == "creditsite_cache"
    # Django's default of 300 entries would cull live counters on a busy site.
    assert loaded["CACHE_OPTIONS"]["MAX_ENTRIES"] >= 10_000
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is True  # no broker: tasks stay in-process


def test_cache_url_wins_over_redis_url_for_the_cache_only():
    loaded = load_settings(
        REDIS_URL="redis://redis.internal:6379/0", CACHE_URL="redis://cache.internal:6379/1"
    )

    assert loaded["CACHE_LOCATION"] == "redis://cache.internal:6379/1"
    assert loaded["CELERY_BROKER_URL"] == "redis://redis.internal:6379/0"


def test_development_keeps_the_local_memory_cache_without_any_variable():
    loaded = load_settings(DJANGO_ENV="development")

    assert loaded["CACHE_BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
