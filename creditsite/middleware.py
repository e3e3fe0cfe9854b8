"""Language choice: Simplified Chinese unless the visitor chose English.

Django's LocaleMiddleware follows the browser's Accept-Language, so most visitors
abroad, and every headless browser, would get English. The portal's default is
Chinese; the language switch (a cookie) is the way to English. API clients are
programs that ask for a language on purpose, so under /api/ Accept-Language counts.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
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
