"""Pinyin search keys of a subject's names (DESIGN: ``pypinyin`` for search by pinyin).

People type ``alibaba`` or ``albb`` for 阿里巴巴. For each name (current and former)
we store the full pinyin with the syllables run together and the initials, lower
case, ASCII letters and digits only; Latin parts of a name (``TCL``, ``3D``) are
kept as they are written. Names are separated by a space so that a query never
matches across two names. A query is then a plain substring test (``contains``),
the same on SQLite and PostgreSQL.

Polyphonic characters take pypinyin's reading in context (重庆 → chongqing,
银行 → yinhang); a rarer reading of a name is not searchable by pinyin, but the
name itself always is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pypinyin import Style, lazy_pinyin

_KEEP = re.compile(r"[^a-z0-9]+")
_OTHER = "\x00"  # marks a run of characters that are not Han characters


def _mark_other(chars: str) -> Any:
    # pypinyin accepts a list here (one item per run); its type hints say str only.
    return [_OTHER + chars]


def _clean(text: str) -> str:
    return _KEEP.sub("", text.lower())


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of one name, e.g. 阿里巴巴 → ("alibaba", "albb")."""
    full: list[str] = []
    initials: list[str] = []
    for part in lazy_pinyin(name, style=Style.NORMAL, errors=_mark_other, v_to_u=False):
        cleaned = _clean(part)
        if not cleaned:
            continue
        full.append(cleaned)
        # A Han character gives one syllable: its initial is the first letter. A run
        # of Latin letters or digits stays whole in both keys.
        initials.append(cleaned if part.startswith(_OTHER) else cleaned[0])
    return "".join(full), "".join(initials)


def search_keys(names: Iterable[str]) -> tuple[str, str]:
    """(pinyin, initials) of all of a subject's names, for ``Subject.search_pinyin`` and
    ``Subject.search_initials``."""
    fulls: list[str] = []
    initials: list[str] = []
    for name in dict.fromkeys(n for n in names if n):
        full, first = name_keys(name)
        if full and full not in fulls:
            fulls.append(full)
        if first and first not in initials:
            initials.append(first)
    return " ".join(fulls), " ".join(initials)


def query_key(query: str) -> str:
    """A query as it is compared with the keys: lower case, letters and digits only."""
    return _clean(query)
