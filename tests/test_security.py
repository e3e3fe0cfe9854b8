"""Security of the deployment: check --deploy, headers, cookies, admin lockout."""

from __future__ import annotations

import logging
import os
import re
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    """Counters of this test's own: a fresh key prefix rather than ``cache.clear()``, which
    on Redis empties the database the other xdist worker counts in (CI's second pass)."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


def _manage(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    # A fresh interpreter: settings are read once per process, and the test process's own
    # environment (DATABASE_URL in CI …) must not leak in.
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_ENV",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "REDIS_URL",
            "CACHE_URL",
            # Set by the browser tests' conftest for the whole run; never in production.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="credit.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0",  # named, not connected to
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_reports_a_weak_secret_key():
    # The same command does report problems: a short key is named.
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="short",
        ALLOWED_HOSTS="credit.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_does_not_start_without_a_shared_cache():
    # Per-process caches would multiply every rate limit and the admin lockout by the
    # number of processes: no command runs until REDIS_URL or CACHE_URL names a shared one.
    result = _manage(
        "check",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="credit.example.org",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "REDIS_URL" in result.stderr and "CACHE_URL" in result.stderr


SITE_POLICY = re.compile(r"script-src 'self';.*style-src 'self';")


def test_public_page_headers(client, db):
    response = client.get("/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert SITE_POLICY.search(policy)
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_api_responses_carry_the_strict_policy_too(client, db):
    response = client.get("/api/v1/departments/")
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_admin_and_swagger_get_their_own_relaxed_policy(client, db):
    admin = client.get("/admin/login/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in admin
    assert "script-src 'self';" in admin  # the admin's scripts are all files
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "script-src 'self' 'unsafe-inline'" in docs["Content-Security-Policy"]
    assert docs["X-Frame-Options"] == "DENY"


def test_own_templates_use_no_inline_script_or_style():
    # What lets the site's policy forbid inline code: no template of ours needs it.
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE
    )
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        if template.relative_to(ROOT / "templates").parts[0] == "admin":
            continue  # admin overrides are served under the admin's policy
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if inline.search(line):
                offenders.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_hsts_and_secure_redirect_in_production(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


PROBE = (
    "import importlib, json; s = importlib.import_module('creditsite.settings'); "
    "print(json.dumps({k: getattr(s, k, None) for k in ("
    "'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', "
    "'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_HTTPONLY', "
    "'LANGUAGE_COOKIE_SECURE', 'LANGUAGE_COOKIE_HTTPONLY')}))"
)


def test_production_settings_turn_on_hsts_and_secure_httponly_cookies():
    import json

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(DJANGO_ENV="production", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="x.org")
    env.update(REDIS_URL="redis://127.0.0.1:6379/0")
    env.pop("CACHE_URL", None)
    env.pop("SECURE_HSTS_SECONDS", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    values = json.loads(out.stdout)
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert all(v is True for k, v in values.items() if k != "SECURE_HSTS_SECONDS"), values


def test_csrf_and_session_cookies_are_httponly(client, db):
    UserFactory(username="alice")
    page = client.get("/admin/login/")
    assert page.cookies["csrftoken"]["httponly"]
    client.post("/admin/login/", {"username": "alice", "password": PASSWORD})
    assert client.cookies["sessionid"]["httponly"]


# --- Admin login lockout --------------------------------------------------------------


def _login(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
        headers={"Cookie": "django_language=en"},
    )


def _locked(response) -> bool:
    return b"Too many failed login attempts" in response.content


def test_five_failures_lock_the_username_from_that_address(client, db, caplog):
    UserFactory(username="alice")
    for _attempt in range(4):
        response = _login(client, "alice", "wrong")
        assert response.status_code == 200 and not _locked(response)
    with caplog.at_level(logging.WARNING, logger="creditsite.lockout"):
        fifth = _login(client, "alice", "wrong")
    assert not _locked(fifth)  # the fifth is still a plain wrong password …
    assert any("admin.login_locked" in r.getMessage() for r in caplog.records)
    # … and from now on even the right password is refused, with a clear message.
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 200
    assert _locked(response)
    assert b"15 minutes" in response.content
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_address_and_username(client, db):
    UserFactory(username="alice")
    UserFactory(username="bob")
    for _attempt in range(5):
        _login(client, "alice", "wrong")
    # Someone else's typing cannot lock alice out elsewhere; bob is not locked either.
    assert _login(client, "alice", PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert _login(client, "bob", PASSWORD).status_code == 302


def test_many_usernames_from_one_address_lock_the_address(client, db, settings):
    settings.ADMIN_LOCKOUT_IP_FAILURES = 6
    UserFactory(username="alice")
    for n in range(6):
        _login(client, f"guess{n}", "wrong")
    assert _locked(_login(client, "alice", PASSWORD))
    assert _login(client, "alice", PASSWORD, ip="10.0.0.9").status_code == 302


def test_success_clears_the_failures(client, db):
    UserFactory(username="alice")
    for _attempt in range(4):
        _login(client, "alice", "wrong")
    assert _login(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        _login(client, "alice", "wrong")
    assert _login(client, "alice", PASSWORD).status_code == 302


def test_lock_ends_after_the_lock_period(client, db, settings):
    settings.ADMIN_LOCKOUT_SECONDS = 60
    UserFactory(username="alice")
    for _attempt in range(5):
        _login(client, "alice", "wrong")
    assert _locked(_login(client, "alice", PASSWORD))
    # Expire the lock as the cache would after ADMIN_LOCKOUT_SECONDS.
    cache.delete("lockout:pair:alice:10.0.0.1:locked")
    assert _login(client, "alice", PASSWORD).status_code == 302
