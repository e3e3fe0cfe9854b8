"""Site-wide middleware: language choice and the Content-Security-Policy header.

Language choice: Simplified Chinese unless the visitor chose English.

Django's LocaleMiddleware follows the browser's Accept-Language, so most visitors
abroad, and every headless browser, would get English. The portal's default is
Chinese; the language switch (a cookie) is the way to English. API clients are
programs that ask for a language on purpose, so under /api/ Accept-Language counts.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
