"""Reads of lists shared by pages, the API, scoring and the check service.

Only fully public entries of published lists leave here for the public (rules.md §3.5,
§3.7): every read below starts from ``ListEntry.objects.public()`` (through
``active_entries``). A public page, form or API never reads ``ListEntry.objects`` itself;
it asks here (``public_entries_of`` for one subject's entries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import CreditList, DisciplinaryMeasure, Label, ListEntry


def active_entries(*, on: dt.date | None = None) -> QuerySet[ListEntry]:
    """Entries in force on ``on`` (default today): listed, listed_on <= on, term_end empty
    or >= on, fully public, on a published list. Scoring reads these (black → 4.3.1,
    red → 5.2.1) and labels are derived from them."""
    day = on or timezone.localdate()
    return ListEntry.objects.public().filter(
        Q(term_end__isnull=True) | Q(term_end__gte=day),
        status=ListEntry.Status.LISTED,
        listed_on__lte=day,
    )


def serious_black_entries(*, on: dt.date) -> QuerySet[ListEntry]:
    """Entries in force on ``on`` (rules.md §5.4) on serious black lists: the listings that
    keep a record public (rules.md §6.4) and extend retention (rules.md §6.6)."""
    return active_entries(on=on).filter(
        credit_list__color=CreditList.Color.BLACK, credit_list__is_serious=True
    )


def subject_labels(subject_ids: Iterable[int], *, on: dt.date | None = None) -> dict[int, str]:
    """Label per subject id: "punished" (失信惩戒对象) with an active entry on a serious
    black list; "encouraged" (守信激励对象) with an active red entry and no such black
    entry. Subjects with neither are absent from the result."""
    ids = list(subject_ids)
    if not ids:
        return {}
    rows = (
        active_entries(on=on)
        .filter(subject_id__in=ids)
        .filter(Q(credit_list__color=CreditList.Color.RED) | Q(credit_list__is_serious=True))
        .values_list("subject_id", "credit_list__color")
        .distinct()
    )
    colors: dict[int, set[str]] = {}
    for subject_id, color in rows:
        colors.setdefault(subject_id, set()).add(color)
    return {pk: label for pk, found in colors.items() if (label := _label(found))}


def _label(colors: set[str]) -> str | None:
    """The label from the colours of a subject's entries in force on red lists or serious
    black lists (the one place of the rule)."""
    if CreditList.Color.BLACK in colors:
        return Label.PUNISHED
    if CreditList.Color.RED in colors:
        return Label.ENCOURAGED
    return None


def entries_label(entries: Iterable[ListEntry]) -> str | None:
    """The label of one subject from its entries in force as ``subject_active_entries``
    loads them (with their list): the answer of ``subject_labels`` without a query."""
    return _label(
        {
            e.credit_list.color
            for e in entries
            if e.credit_list.color == CreditList.Color.RED or e.credit_list.is_serious
        }
    )


def subject_label(subject_id: int, *, on: dt.date | None = None) -> str | None:
    return subject_labels([subject_id], on=on).get(subject_id)


def _measures_prefetch() -> Any:
    return Prefetch(
        "credit_list__measures",
        queryset=DisciplinaryMeasure.objects.select_related("edition").order_by("number", "code"),
    )


def subject_active_entries(
    subject_ids: Iterable[int], *, on: dt.date | None = None
) -> QuerySet[ListEntry]:
    """Public entries in force for these subjects, with their list, authority and measures."""
    return (
        active_entries(on=on)
        .filter(subject_id__in=list(subject_ids))
        .select_related("credit_list", "credit_list__authority")
        .prefetch_related(_measures_prefetch())
        .order_by("credit_list__color", "credit_list__position", "-listed_on")
    )


def public_entries_of(
    subject_ids: Iterable[int], *, on: dt.date | None = None
) -> QuerySet[ListEntry]:
    """The list entries of these subjects that the public may see and name: in force on
    ``on``, fully public, on a published list, of an organisation (rules.md §3.7), with
    their list. The repair and objection pages offer these and nothing else."""
    return (
        active_entries(on=on)
        .filter(subject_id__in=list(subject_ids))
        .select_related("credit_list")
        .order_by("credit_list__color", "credit_list__position", "-listed_on", "id")
    )


def lists_overview(*, on: dt.date | None = None) -> QuerySet[CreditList]:
    """Published lists with their count of entries in force and the last publication,
    both over the public entries only (``active_entries``, rules.md §3.7)."""
    in_force = active_entries(on=on).filter(credit_list=OuterRef("pk")).order_by()
    return (
        CreditList.objects.published()
        .select_related("authority")
        .annotate(
            active_count=Coalesce(
                Subquery(
                    in_force.values("credit_list").annotate(n=Count("id")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            last_published=Subquery(in_force.order_by("-listed_on").values("listed_on")[:1]),
        )
        .order_by("scope", "-color", "position", "slug")
    )


def list_public_entries(
    credit_list: CreditList,
    *,
    on: dt.date | None = None,
    q: str = "",
    year: int | None = None,
    changed_since: dt.datetime | None = None,
) -> QuerySet[ListEntry]:
    """A list's entries in force, newest first, for its page, feed, export and API."""
    entries = active_entries(on=on).filter(credit_list=credit_list)
    if q:
        entries = entries.filter(Q(subject__name__contains=q) | Q(subject__uscc=q.upper()))
    if year:
        entries = entries.filter(listed_on__year=year)
    if changed_since is not None:
        entries = entries.filter(updated_at__gte=changed_since)
    return entries.select_related("subject").order_by("-listed_on", "-id")


def published_list(slug: str) -> CreditList | None:
    return (
        CreditList.objects.published()
        .select_related("authority")
        .prefetch_related(
            Prefetch(
                "measures",
                queryset=DisciplinaryMeasure.objects.select_related("edition", "extends").order_by(
                    "number", "code"
                ),
            )
        )
        .filter(slug=slug)
        .first()
    )
