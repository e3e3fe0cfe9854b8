"""What higher layers contribute to credit subjects, registered in their ``AppConfig.ready()``.

The enterprises app sits below the lists app and never imports it, yet scoring counts list
entries in force (docs/rules.md §4) and the search filters and labels subjects by their
entries (§3, §5). The lists app registers its queries here; without it, no subject is on
a list and none is labelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet

ActiveEntries = Callable[..., QuerySet[Any]]
SubjectLabels = Callable[[Iterable[int]], dict[int, Any]]

_active_list_entries: ActiveEntries | None = None
_subject_labels: SubjectLabels | None = None


def register_list_queries(*, active_entries: ActiveEntries, subject_labels: SubjectLabels) -> None:
    """Called by the lists app: ``active_entries(on=date)`` gives the public list entries
    in force; ``subject_labels(ids)`` the public label of each subject that has one."""
    global _active_list_entries, _subject_labels
    _active_list_entries = active_entries
    _subject_labels = subject_labels


def active_list_entries(*, on: dt.date | None = None) -> QuerySet[Any] | None:
    """Public list entries in force on ``on`` (default today), or None without lists."""
    if _active_list_entries is None:
        return None
    return _active_list_entries(on=on)


def subject_labels(subject_ids: Iterable[int]) -> dict[int, Any]:
    """Label per subject id (守信激励对象 / 失信惩戒对象); subjects without one are absent."""
    if _subject_labels is None:
        return {}
    return _subject_labels(subject_ids)
