"""Reads of the home page: the special publications (专题公示) of the red and black lists.
Only entries in force and fully public count (docs/rules.md §5)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max

from lists.queries import active_entries

HOME_PUBLICATIONS = 6


def list_publications(color: str, *, limit: int = HOME_PUBLICATIONS) -> list[dict[str, Any]]:
    """专题公示: one row per list of the colour with entries in force — the list, its
    authority, the date of its latest publication (``latest``) and the number of entries
    in force (``entries``) — the most recently published lists first. One row per list,
    never one per publication day: a list published on many days is one publication
    with its whole count."""
    return list(
        active_entries()
        .filter(credit_list__color=color)
        .values(
            "credit_list__slug",
            "credit_list__name_zh",
            "credit_list__name_en",
            "credit_list__authority__name_zh",
            "credit_list__authority__name_en",
        )
        .annotate(entries=Count("id"), latest=Max("listed_on"))
        .order_by("-latest", "credit_list__slug")[:limit]
    )
