"""``{{ obj|localized:"criteria" }}``: a data field in the language of the page.

Reference data keeps each text in both languages (``name_zh`` / ``name_en``). Some fields
were first written in one language only and kept their plain name (``criteria`` in
English, ``legal_basis`` in Chinese) beside the added ``…_zh`` / ``…_en``: the filter
takes ``<field>_<lang>`` when it exists and is not empty, else the plain field, else the
other language's (docs/decisions.md)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


def localized_value(obj: Any, field: str, language: str | None = None) -> str:
    english = (language or get_language() or "").startswith("en")
    own, other = ("en", "zh") if english else ("zh", "en")
    for name in (f"{field}_{own}", field, f"{field}_{other}"):
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value:
            return str(value)
    return ""


@register.filter
def localized(obj: Any, field: str) -> str:
    return localized_value(obj, field)


def has_han(text: str) -> bool:
    return any("\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" for char in text)


@register.filter
def text_lang(text: Any) -> str:
    """The ``lang`` of a quoted free text (a reason, a note written by an official): it is
    shown as written, marked with its own language."""
    return "zh-hans" if has_han(str(text or "")) else "en"
