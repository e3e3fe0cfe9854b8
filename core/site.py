"""The site's name, set by configuration so that a province can brand its deployment
(``SITE_NAME`` in settings: one name per language). Pages read it through the
``core.site.site_context`` context processor as ``{{ SITE_NAME }}``; the PDF report, the
e-mails and the admin call :func:`site_name` (docs/decisions.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import get_language


def site_name(language: str | None = None) -> str:
    """The site's name in ``language`` (default: the active one); a language without its
    own name takes the default language's."""
    names: dict[str, str] = settings.SITE_NAME
    language = (language or get_language() or settings.LANGUAGE_CODE).lower()
    for code in (language, language.split("-")[0], settings.LANGUAGE_CODE):
        for key, value in names.items():
            if key.lower() == code or key.lower().split("-")[0] == code:
                return value
    return next(iter(names.values()))


site_name_lazy = lazy(site_name, str)


def site_context(request: HttpRequest) -> dict[str, Any]:
    """``SITE_NAME`` in every template, in the language of the page, and the search
    box's examples (``SEARCH_EXAMPLES``)."""
    return {"SITE_NAME": site_name(), "SEARCH_EXAMPLES": settings.SEARCH_EXAMPLES}
