"""Admin login lockout: repeated failures lock the login for a while.

Counted in the cache per username and client address together, and per address alone
(a higher bar, against one address trying many usernames). Per pair rather than per
username alone, so that a stranger cannot lock an official out of the admin by typing
their username wrongly on purpose. While locked the login form says so and checks no
password, so a locked attacker learns nothing more. A successful login clears the pair.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.http import client_ip

log = logging.getLogger(__name__)


def _keys(username: str, ip: str) -> tuple[str, str]:
    return f"lockout:pair:{username.casefold()}:{ip}", f"lockout:ip:{ip}"


def login_locked(*, username: str, ip: str) -> bool:
    pair, by_ip = _keys(username, ip)
    return cache.get(f"{pair}:locked") is not None or cache.get(f"{by_ip}:locked") is not None


def login_failure_record(*, username: str, ip: str) -> None:
    """Count one failure; lock the pair (or the address) when it reaches its limit."""
    window = settings.ADMIN_LOCKOUT_WINDOW_SECONDS
    pair, by_ip = _keys(username, ip)
    for key, limit in (
        (pair, settings.ADMIN_LOCKOUT_FAILURES),
        (by_ip, settings.ADMIN_LOCKOUT_IP_FAILURES),
    ):
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
        if count >= limit:
            cache.set(f"{key}:locked", True, timeout=settings.ADMIN_LOCKOUT_SECONDS)
            cache.delete(key)
            log.warning(
                "admin.login_locked username=%s ip=%s failures=%s scope=%s",
                username,
                ip,
                count,
                "address" if key == by_ip else "username+address",
            )


def login_failures_clear(*, username: str, ip: str) -> None:
    pair, _by_ip = _keys(username, ip)
    cache.delete(pair)


class LockoutAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, refusing while locked and counting failures."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked": _(
            "Too many failed login attempts. Login is locked for %(minutes)s minutes; "
            "please try again later."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        if login_locked(username=username, ip=ip):
            log.warning("admin.login_refused_locked username=%s ip=%s", username, ip)
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.ADMIN_LOCKOUT_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if any(e.code == "invalid_login" for e in error.error_list):
                login_failure_record(username=username, ip=ip)
            raise
        login_failures_clear(username=username, ip=ip)
        return cleaned
