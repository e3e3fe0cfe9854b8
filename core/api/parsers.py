"""The API's JSON parser: DRF's, with a bound on how deeply a body may nest.

Python's ``json`` recurses once per nesting level, so a body of ten thousand ``[`` raises
``RecursionError``, which DRF does not catch (a 500). Every API body is flat or nearly so;
a body nested deeper than ``MAX_JSON_DEPTH`` is refused as a parse error (400 with the
API's error body, ``core.api.handlers``) before any view sees it. Set as the JSON parser of
``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``; a view listing its parsers imports this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Objects and arrays inside each other; the API's bodies use two.
MAX_JSON_DEPTH = 32


def nesting_exceeds(data: Any, limit: int) -> bool:
    """True if ``data`` has more than ``limit`` levels of objects and arrays (no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, Mapping):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, Mapping | list))
    return False


def _too_deep() -> ParseError:
    return ParseError(
        _("JSON parse error - the body is nested more than %(limit)d levels deep.")
        % {"limit": MAX_JSON_DEPTH}
    )


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        if nesting_exceeds(data, MAX_JSON_DEPTH):
            raise _too_deep()
        return data
