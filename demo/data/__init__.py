"""Data tables of the demo generators (:mod:`demo.subjects`, :mod:`demo.records`): places,
names, licences, industries, enterprise types, penalties and other record templates.
Pure data: no randomness and no database.
"""

from __future__ import annotations

# Word lists are space-separated strings so the tables stay compact under the formatter.


def _words(*text: str) -> tuple[str, ...]:
    return tuple(" ".join(text).split())


def _weighted_words(*text: str) -> tuple[tuple[str, float], ...]:
    """ "陈:75 王:60" → (("陈", 75.0), ("王", 60.0))."""
    pairs = (item.split(":") for item in _words(*text))
    return tuple((word, float(weight)) for word, weight in pairs)
