"""Rate limits per client on the costly public endpoints.

One rule for the API and the pages: ``settings.THROTTLE_SCOPES`` names, per URL name, the
scope and the methods that count; ``settings.THROTTLE_RATES`` gives each scope its rate
(``"60/min"``). HEAD counts wherever GET does: Django answers it with the GET view (the
whole page or PDF is produced, then the body dropped), so it costs the same. Anonymous
clients are counted per address; a request carrying a live department token is counted per
token at the higher ``department`` rate. The API answers 429 through DRF (the standard
error body, ``Retry-After``), the pages through ``PageThrottleMiddleware`` (a page saying
when to come back, ``Retry-After``).

The counter is a fixed window in the cache (``add`` + ``incr``, atomic in Redis): cheap, and
a client can at most double its rate across a window boundary, which is fine for abuse
control. With the local-memory cache each process counts on its own, which would multiply
every rate by the number of processes: production refuses to start without a shared cache
(Redis or the database cache, settings ``REDIS_URL`` / ``CACHE_URL``), and ``/readyz``
reports it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.authentication import get_authorization_header
from rest_framework.throttling import BaseThrottle

from core.http import client_ip

log = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
TOKEN_KEYWORDS = (b"bearer", b"token")


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """``"60/min"`` → (60, 60); ``None`` or ``""`` means no limit."""
    if not rate:
        return None
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()[0]]


def counted_method(method: str | None) -> str | None:
    """The method a request is counted as: HEAD as GET (same view, same cost)."""
    return "GET" if method == "HEAD" else method


def _department_token(request: Any) -> Any:
    """The live department token of the request, if it carries one."""
    from core.tokens import token_authenticate
    from enterprises.models import DepartmentToken

    # DRF has authenticated the request before throttles run; a page request has no .auth.
    auth = getattr(request, "auth", None)
    if isinstance(auth, DepartmentToken):
        return auth
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() not in TOKEN_KEYWORDS:
        return None
    try:
        return token_authenticate(parts[1].decode("ascii"))
    except UnicodeDecodeError:
        return None


def limit_for(request: Any) -> tuple[str, str, str] | None:
    """(scope, client key, rate) of a request that counts, or None."""
    match = request.resolver_match
    entry = settings.THROTTLE_SCOPES.get(match.url_name) if match else None
    if entry is None:
        return None
    scope, methods = entry
    if counted_method(request.method) not in methods:
        return None
    token = _department_token(request)
    if token is not None:
        return scope, f"token:{token.pk}", settings.THROTTLE_RATES["department"]
    return scope, f"ip:{client_ip(request)}", settings.THROTTLE_RATES[scope]


def throttle_hit(*, scope: str, client: str, rate: str) -> int | None:
    """Count one request; the seconds to wait if it is over the rate, else None."""
    parsed = parse_rate(rate)
    if parsed is None:
        return None
    limit, seconds = parsed
    now = time.time()
    window = int(now // seconds)
    key = f"throttle:{scope}:{client}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    if count <= limit:
        return None
    wait = max(1, math.ceil((window + 1) * seconds - now))
    log.warning("throttle.refused scope=%s client=%s wait=%s", scope, client, wait)
    return wait


def check(request: Any) -> int | None:
    """Seconds to wait if this request is over its limit, else None."""
    if not settings.THROTTLE_ENABLED:
        return None
    limit = limit_for(request)
    if limit is None:
        return None
    scope, client, rate = limit
    return throttle_hit(scope=scope, client=client, rate=rate)


class ClientRateThrottle(BaseThrottle):
    """DRF's side: every API view (DEFAULT_THROTTLE_CLASSES); scopes by URL name."""

    def allow_request(self, request: Any, view: Any) -> bool:
        self._wait = check(request)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class PageThrottleMiddleware:
    """The pages' side: HTML views named in THROTTLE_SCOPES (API views are left to DRF)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # Imported here: DRF imports this module while defining APIView (throttle setting).
        from rest_framework.views import APIView

        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        wait = check(request)
        if wait is None:
            return None
        response = render(request, "429.html", {"retry_after": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
