"""Request helpers shared by the throttles, the admin lockout and idempotency keys."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import BaseThrottle


def client_ip(request: Any) -> str:
    """The client's address by DRF's rule (REMOTE_ADDR, or X-Forwarded-For behind
    NUM_PROXIES trusted proxies)."""
    return BaseThrottle().get_ident(request)
