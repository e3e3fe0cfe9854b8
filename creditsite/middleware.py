"""Site-wide middleware: language choice, the Content-Security-Policy header, and a 503
when the database is unavailable.

Language choice: Simplified Chinese unless the visitor chose English.

Django's LocaleMiddleware follows the browser's Accept-Language, so most visitors
abroad, and every headless browser, would get English. The portal's default is
Chinese; the language switch (a cookie) is the way to English. API clients are
programs that ask for a language on purpose, so under /api/ Accept-Language counts.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)


class SiteLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            language = (
                translation.get_supported_language_variant(chosen)
                if chosen and translation.check_for_language(chosen)
                else settings.LANGUAGE_CODE
            )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ContentSecurityPolicyMiddleware:
    """Content-Security-Policy on every response (Django 5.2 has none built in).

    The site's own templates use no inline script or style, so the default policy allows
    only files from this origin. The admin and the Swagger UI at /api/docs/ ship inline
    styles or scripts of their own: ``CONTENT_SECURITY_POLICY_BY_PATH`` relaxes the policy
    for those path prefixes only (longest prefix wins). A view that sets the header keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy_for(request.path)
        return response


def policy_for(path: str) -> str:
    prefixes = sorted(settings.CONTENT_SECURITY_POLICY_BY_PATH, key=len, reverse=True)
    for prefix in prefixes:
        if path.startswith(prefix):
            return settings.CONTENT_SECURITY_POLICY_BY_PATH[prefix]
    return settings.CONTENT_SECURITY_POLICY


class DatabaseUnavailableMiddleware:
    """PostgreSQL down, restarting or unreachable during a request: a 503, not a traceback.

    A view (or template) that hits ``OperationalError`` / ``InterfaceError`` (raised while
    connecting too) gets 503 with ``Retry-After``: JSON in the API's error shape under
    /api/, the site's page elsewhere. The failure is logged as one line without the stack.
    Nothing is retried here: the client retries; the next request reconnects (Django drops
    an unusable connection at the start of each request), so service resumes by itself
    once the database is back. ``server_error`` (handler500) does the same for a database
    error raised outside the view, e.g. while a middleware saves the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_DOWN_ERRORS):
            return None
        return database_unavailable(request, exception)


# Django wraps the driver's errors in these (connection refused, server closed the
# connection, admin shutdown, statement timeout, deadlock: all "try again shortly").
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)
DATABASE_RETRY_AFTER_SECONDS = 30


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    first_line = (str(exception).strip().splitlines() or [""])[0][:300]
    log.error(
        "database.unavailable method=%s path=%s error=%s: %s",
        request.method,
        request.path,
        exception.__class__.__name__,
        first_line,
    )
    retry_after = DATABASE_RETRY_AFTER_SECONDS
    response: HttpResponse
    if request.path.startswith("/api/"):
        reason = _("The service is temporarily unavailable; try again in %(seconds)s seconds.") % {
            "seconds": retry_after
        }
        response = JsonResponse(
            {
                "detail": reason,
                "errors": [
                    {"field": "non_field_errors", "reason": reason, "code": "database_unavailable"}
                ],
            },
            status=503,
        )
    else:
        response = render(request, "503.html", {"retry_after": retry_after}, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage that surfaced outside a view is still a 503."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_DOWN_ERRORS):
        return database_unavailable(request, exception)
    return defaults.server_error(request)
