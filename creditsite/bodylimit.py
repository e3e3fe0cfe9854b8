"""Request bodies over the limit are refused with 413 before anything reads them
(docs/decisions.md, Uploads).

Django reads a multipart body as soon as something touches ``request.POST`` or
``request.FILES`` (the CSRF check does, before the view), spooling file parts to disk, and
its own limit (``DATA_UPLOAD_MAX_MEMORY_SIZE``) leaves file parts out; the per-file limit of
the upload forms comes after the whole body has arrived. This middleware decides from the
declared ``Content-Length`` alone:

- every request: at most ``REQUEST_BODY_MAX_BYTES``;
- views named in ``REQUEST_BODY_LIMITS`` (URL name → bytes; the upload forms and their API
  twins): at most their own limit. A body sent to them without a length (chunked) gets 411:
  Django reads exactly ``CONTENT_LENGTH`` bytes of a request and nothing without it, so such
  a body would silently arrive empty.

The 413 is the API's JSON error body under /api/ and the site's page elsewhere. The proxy in
front must hold the same limit, so that a large body does not even reach a worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def _declared_length(request: HttpRequest) -> int | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


class RequestBodyLimitMiddleware:
    """Listed before ``CsrfViewMiddleware``: its ``process_view`` must run before the CSRF
    check reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        limit = settings.REQUEST_BODY_MAX_BYTES
        if length is not None and length > limit:
            return too_large(request, length, limit)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        name = match.url_name if match else None
        limit = settings.REQUEST_BODY_LIMITS.get(name) if name else None
        if limit is None:
            return None
        length = _declared_length(request)
        if length is None:
            if "HTTP_TRANSFER_ENCODING" in request.META:
                return length_required(request)
            return None
        if length > limit:
            return too_large(request, length, limit)
        return None


def _error(request: HttpRequest, status: int, code: str, title: str, reason: str) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": reason,
                "errors": [{"field": "non_field_errors", "reason": reason, "code": code}],
            },
            status=status,
        )
    else:
        response = render(request, "413.html", {"title": title, "reason": reason}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def too_large(request: HttpRequest, length: int, limit: int) -> HttpResponse:
    log.warning(
        "request.too_large method=%s path=%s length=%s limit=%s",
        request.method,
        request.path,
        length,
        limit,
    )
    reason = _("The request is too large: at most %(mb)s MB may be sent here, files included.") % {
        "mb": _megabytes(limit)
    }
    return _error(request, 413, "request_too_large", _("Request too large"), reason)


def length_required(request: HttpRequest) -> HttpResponse:
    reason = _("Send the request with a Content-Length header (not in chunks).")
    return _error(request, 411, "length_required", _("Length required"), reason)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")
