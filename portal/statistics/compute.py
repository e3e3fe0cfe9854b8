"""The figures of /statistics/: computed by a job, stored as a snapshot, served from it.

Only public information goes in (rules.md §3.7): evaluations (public on every file),
negative records the public sees (fully public, in publicity, of organisations), list
entries of published lists that are or were fully public, and counts and times of
objections and repair applications (no case is named). Everything is an aggregate; no
subject, record or department name leaves here.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics as stats
import time
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.jobs import job_run
from enterprises.models import CreditRecord, Evaluation, Grade, Industry, Region, Subject
from lists.models import CreditList, ListEntry
from lists.queries import active_entries
from repair.models import Case, CaseKind
from rules.kinds import Category
from rules.workdays import working_days_between

from ..models import StatisticsSnapshot

log = logging.getLogger(__name__)

MONTHS = 24  # the monthly series cover the last 24 months
KEEP = 24  # snapshots kept (the newest is served; the others show the job's history)


def _month_starts(on: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The first days of the ``count`` months up to and including ``on``'s month."""
    days = []
    year, month = on.year, on.month
    for _ in range(count):
        days.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return days[::-1]


def _grades() -> list[dict[str, Any]]:
    counts = dict(
        Evaluation.objects.exclude(subject__subject_type=Subject.SubjectType.NATURAL_PERSON)
        .values_list("grade")
        .annotate(n=Count("id"))
        .values_list("grade", "n")
    )
    return [{"grade": str(grade), "count": counts.get(grade, 0)} for grade in Grade.values]


def _negative_records(on: dt.date) -> Any:
    """The negative records the public sees on ``on`` (rules.md §3.7, §3.8), of
    organisations: the one definition of public and in publicity, the negative category."""
    return (
        CreditRecord.objects.counting(on=on)
        .in_category(Category.NEGATIVE)
        .exclude(subject__subject_type=Subject.SubjectType.NATURAL_PERSON)
    )


def _regions() -> tuple[dict[str, Region], dict[str, str]]:
    """Regions by code and, for each, the city it belongs to (figures are by city)."""
    regions = {r.code: r for r in Region.objects.all()}
    city: dict[str, str] = {}
    for code, region in regions.items():
        node: Region | None = region
        while node is not None and node.level == Region.Level.COUNTY and node.parent_id:
            node = regions.get(node.parent_id)
        city[code] = node.code if node is not None else code
    return regions, city


def _negative(on: dt.date) -> dict[str, Any]:
    """Negative records by city, industry and month of decision; black-list entries in
    force by city and industry. One aggregate over the records, one over the entries."""
    regions, city_of = _regions()
    industries = {i.code: i for i in Industry.objects.all()}
    by_region: dict[str, dict[str, int]] = defaultdict(lambda: {"records": 0, "black": 0})
    by_industry: dict[str, dict[str, int]] = defaultdict(lambda: {"records": 0, "black": 0})
    by_month: dict[dt.date, int] = defaultdict(int)
    total = 0
    rows = (
        _negative_records(on)
        .annotate(month=TruncMonth("decision_date"))
        .values_list("subject__region_id", "subject__industry_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    for region_id, industry_id, month, n in rows:
        total += n
        by_region[city_of.get(region_id or "", region_id or "")]["records"] += n
        by_industry[industry_id or ""]["records"] += n
        if isinstance(month, dt.datetime):
            month = month.date()
        by_month[month] += n
    black = (
        active_entries(on=on)
        .filter(credit_list__color=CreditList.Color.BLACK)
        .values_list("subject__region_id", "subject__industry_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    black_total = 0
    for region_id, industry_id, n in black:
        black_total += n
        by_region[city_of.get(region_id or "", region_id or "")]["black"] += n
        by_industry[industry_id or ""]["black"] += n

    def named(code: str, table: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
        item = table.get(code)
        return {
            "code": code,
            "name_zh": item.name_zh if item else "未登记",
            "name_en": item.name_en if item else "Not recorded",
            **counts,
        }

    return {
        "negative_records": total,
        "black_entries": black_total,
        "by_region": sorted(
            (named(code, regions, counts) for code, counts in by_region.items()),
            key=lambda row: row["code"] or "~",
        ),
        "by_industry": sorted(
            (named(code, industries, counts) for code, counts in by_industry.items()),
            key=lambda row: row["code"] or "~",
        ),
        "by_month": [
            {"month": f"{month:%Y-%m}", "records": by_month.get(month, 0)}
            for month in _month_starts(on)
        ],
    }


def _entries_over_time(on: dt.date) -> list[dict[str, Any]]:
    """Entries in force on the first day of each month and on ``on``, black and red, of
    published lists, fully public and of organisations. An entry revoked after an
    objection is left out: it should never have been listed (rules.md §5.3)."""
    days = [*_month_starts(on)[1:], on]
    entries = ListEntry.objects.public().exclude(
        removal_reason=ListEntry.RemovalReason.REVOKED_AFTER_OBJECTION
    )
    counts: dict[str, Any] = {}
    for index, day in enumerate(days):
        in_force = (
            Q(listed_on__lte=day)
            & (Q(term_end__isnull=True) | Q(term_end__gte=day))
            & (Q(removed_on__isnull=True) | Q(removed_on__gt=day))
            & Q(status__in=[ListEntry.Status.LISTED, ListEntry.Status.REMOVED])
        )
        for color in (CreditList.Color.BLACK, CreditList.Color.RED):
            counts[f"{color}_{index}"] = Count("id", filter=in_force & Q(credit_list__color=color))
    totals = entries.aggregate(**counts)
    return [
        {"day": day.isoformat(), "black": totals[f"black_{i}"], "red": totals[f"red_{i}"]}
        for i, day in enumerate(days)
    ]


def _handling(on: dt.date) -> list[dict[str, Any]]:
    """Per kind of case (objection, repair): received, decided, still open, open past the
    decision deadline, median working days from receipt to decision against the median
    deadline, and the share decided within the deadline. Per month and department the
    figures are on /repair/statistics/."""
    result = []
    for kind in CaseKind:
        taken: list[int] = []
        allowed: list[int] = []
        received = decided = within = open_ = overdue = 0
        cases = Case.objects.filter(kind=kind).values_list(
            "received_on", "decided_on", "decision_due", "decision_due_days"
        )
        for received_on, decided_on, decision_due, due_days in cases.iterator():
            received += 1
            if due_days:
                allowed.append(due_days)
            if decided_on is None:
                open_ += 1
                overdue += decision_due is not None and decision_due < on
                continue
            decided += 1
            taken.append(working_days_between(received_on, decided_on))
            within += decision_due is not None and decided_on <= decision_due
        result.append(
            {
                "kind": str(kind),
                "received": received,
                "decided": decided,
                "open": open_,
                "overdue": overdue,
                "median_days": float(stats.median(taken)) if taken else None,
                "deadline_days": float(stats.median(allowed)) if allowed else None,
                "within_share": within / decided if decided else None,
            }
        )
    return result


def statistics_compute(*, on: dt.date | None = None) -> dict[str, Any]:
    """Every figure of /statistics/ as of ``on`` (default today), JSON-ready."""
    day = on or timezone.localdate()
    grades = _grades()
    return {
        "as_of": day.isoformat(),
        "grades": grades,
        "evaluated": sum(row["count"] for row in grades),
        **_negative(day),
        "entries_over_time": _entries_over_time(day),
        "handling": _handling(day),
    }


def statistics_snapshot_store(*, on: dt.date | None = None) -> StatisticsSnapshot:
    """Compute the figures and store them as the newest snapshot; keep the last ``KEEP``."""
    started = time.monotonic()
    data = statistics_compute(on=on)
    with transaction.atomic():
        snapshot = StatisticsSnapshot.objects.create(
            as_of=dt.date.fromisoformat(data["as_of"]),
            seconds=round(time.monotonic() - started, 3),
            data=data,
        )
        old = StatisticsSnapshot.objects.values_list("pk", flat=True)[KEEP:]
        StatisticsSnapshot.objects.filter(pk__in=list(old)).delete()
    log.info("statistics.stored snapshot=%s seconds=%s", snapshot.pk, snapshot.seconds)
    return snapshot


def statistics_job() -> int:
    """The scheduled job: a new snapshot, leaving a job-run row. Safe to run twice."""
    with job_run("compute_statistics") as progress:
        snapshot = statistics_snapshot_store()
        progress.advance(1, snapshot=snapshot.pk, seconds=snapshot.seconds)
    return snapshot.pk


def statistics_latest() -> StatisticsSnapshot:
    """The newest snapshot (one query); computed now if there is none yet."""
    snapshot = StatisticsSnapshot.objects.order_by("-computed_at", "-id").first()
    return snapshot or statistics_snapshot_store()
