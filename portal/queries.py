"""Reads of the public site that combine several apps: the credit file (subject, records,
list entries, label, evaluation and repair answers) and the home page's list figures.
Only fully public information leaves here (docs/rules.md §3)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from enterprises import queries
from enterprises.models import (
    CreditCommitment,
    CreditRecord,
    FormerName,
    RecordState,
    Subject,
)
from enterprises.queries import Page
from lists.models import Label
from lists.queries import active_entries, subject_active_entries
from lists.standing import (
    COMMITMENT_PLACEMENT,
    RepairedItem,
    SubjectStanding,
    entry_placement,
    record_placement,
    repaired_in_publication,
    standing_from,
    subject_standings,
)
from repair.eligibility import records_eligibility
from repair.services.expiry import records_kept_public
from rules.kinds import ZHEJIANG_GROUP, Category, CreditChinaTab, ZhejiangTab
from supervision.models import Inspection


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RepairInfo:
    """Whether and from when a negative record may be repaired (rules.md §8.1)."""

    possible: bool
    from_date: dt.date | None
    rule: str
    reasons: tuple[str, ...] = ()

    def open_on(self, day: dt.date) -> bool:
        return self.possible and self.from_date is not None and self.from_date <= day


def repair_infos(records: list[CreditRecord]) -> dict[int, RepairInfo]:
    """Whether and from when each active negative record may be repaired: the answer of
    ``repair.eligibility`` (the one place of that rule), in a constant number of queries."""
    negative = [
        r
        for r in records
        if r.is_negative and r.state in (RecordState.ACTIVE, RecordState.UNDER_OBJECTION)
    ]
    return {
        pk: RepairInfo(
            possible=answer.possible,
            from_date=answer.from_date,
            rule=answer.edition,
            reasons=tuple(str(reason) for reason in answer.reasons),
        )
        for pk, answer in records_eligibility(negative).items()
    }


CATEGORY_ORDER = [Category.BASIC, Category.NEGATIVE, Category.TRUST, Category.OTHER]
FILE_RECORDS_PER_PAGE = 50
# The two groupings of the file (rules.md §3.1): Credit China's eight tabs (the default)
# and Credit Zhejiang's four groups with their tabs.
VIEW_CHINA, VIEW_ZHEJIANG = "china", "zhejiang"
VIEWS = (VIEW_CHINA, VIEW_ZHEJIANG)


def file_records_page(tab: RecordTab, *, page: int | None) -> tuple[list[CreditRecord], Page]:
    """One page of a credit-file tab, each record with its repair answer (``record.repair``:
    whether and from when it may be repaired) and, for a record kept public past its end
    while its subject is on a serious black list, the entry keeping it
    (``record.kept_public_by``, rules.md §6.4), computed for the shown records only."""
    info = Page(number=1, size=FILE_RECORDS_PER_PAGE, count=len(tab.records), capped=False)
    info.number = min(max(page or 1, 1), info.pages)
    shown = tab.records[info.offset : info.offset + info.size]
    repairs = repair_infos(shown)
    kept = records_kept_public(shown, on=timezone.localdate())
    for record in shown:
        record.repair = repairs.get(record.pk)  # type: ignore[attr-defined]
        record.kept_public_by = kept.get(record.pk)  # type: ignore[attr-defined]
    return shown, info


@dataclass
class RecordTab:
    """One tab of the file: its records, list entries, commitments and repaired items in
    publication. ``count`` is the standing's (rules.md §3.9): what every surface says."""

    key: str
    label: str
    view: str
    count: int
    records: list[CreditRecord] = field(default_factory=list)
    entries: list[Any] = field(default_factory=list)
    commitments: list[Any] = field(default_factory=list)
    repaired: list[RepairedItem] = field(default_factory=list)
    # Credit Zhejiang's tabs inside a group: (label, count).
    sections: list[tuple[str, int]] = field(default_factory=list)

    @property
    def category(self) -> str:
        return self.key

    @property
    def query(self) -> str:
        """The tab's address: Zhejiang's groups basic/negative/trust need no ``view``."""
        if self.view == VIEW_ZHEJIANG and self.key != Category.OTHER:
            return f"tab={self.key}"
        if self.view == VIEW_CHINA and self.key != CreditChinaTab.OTHER:
            return f"tab={self.key}"
        return f"view={self.view}&tab={self.key}"

    @property
    def has_items(self) -> bool:
        return bool(self.records or self.entries or self.commitments or self.repaired)


@dataclass
class CreditFile:
    subject: Subject
    former_names: list[FormerName]
    standing: SubjectStanding
    china_tabs: list[RecordTab]
    zhejiang_tabs: list[RecordTab]
    list_entries: list[Any]
    evaluation: Any
    generated_at: dt.datetime
    view: str = VIEW_CHINA
    records: list[CreditRecord] = field(default_factory=list)
    commitments: list[Any] = field(default_factory=list)
    inspections: list[Any] = field(default_factory=list)

    @property
    def label(self) -> Label | None:
        return Label(self.standing.label) if self.standing.label else None

    @property
    def tabs(self) -> list[RecordTab]:
        return self.zhejiang_tabs if self.view == VIEW_ZHEJIANG else self.china_tabs

    def tab(self, key: str) -> RecordTab:
        return next(t for t in self.tabs if t.key == key)


def _tabs(
    view: str,
    keys: list[str],
    labels: dict[str, str],
    counts: dict[str, int],
    place: Any,
    *,
    records: list[CreditRecord],
    entries: list[Any],
    commitments: list[Any],
    repaired: list[RepairedItem],
) -> list[RecordTab]:
    """Partition the file's information into tabs by ``place`` (a placement's field)."""
    tabs = {k: RecordTab(k, labels[k], view, counts[k]) for k in keys}
    for record in records:
        tabs[place(record_placement(record))].records.append(record)
    for entry in entries:
        tabs[place(entry_placement(entry))].entries.append(entry)
    for commitment in commitments:
        tabs[place(COMMITMENT_PLACEMENT)].commitments.append(commitment)
    for item in repaired:
        tabs[place(item.placement)].repaired.append(item)
    return [tabs[k] for k in keys]


def credit_file(code: str, *, view: str = VIEW_CHINA) -> CreditFile | None:
    """Everything public about one organisation, in a constant number of queries: the
    subject, former names, fully public records in publicity, list entries in force,
    commitments, inspection results, repaired information in publication, and the standing
    computed from them (``lists.standing``, rules.md §3.9)."""
    subject = (
        queries.public_subjects()
        .select_related("region", "region__parent", "industry", "evaluation__edition")
        .filter(uscc=code)
        .first()
    )
    if subject is None:
        return None
    today = timezone.localdate()
    former = list(subject.former_names.all())
    records = list(
        CreditRecord.objects.public()
        .filter(subject=subject)
        .select_related("department", "rule_edition_applied__edition")
        .order_by("-decision_date", "-id")
    )
    entries = list(subject_active_entries([subject.pk], on=today))
    commitments = list(
        CreditCommitment.objects.public()
        .filter(subject=subject)
        .select_related("accepting_unit")
        .order_by("-committed_on", "-id")
    )
    inspections = list(
        Inspection.objects.public()
        .filter(subject=subject)
        .select_related("draw__plan__department")
        .order_by("-published_on", "-id")
    )
    repaired = repaired_in_publication([subject.pk], today).get(subject.pk, [])
    standing = standing_from(
        subject_id=subject.pk,
        records=records,
        entries=entries,
        commitments=len(commitments),
        repaired=repaired,
        on=today,
    )
    notes = standing.entry_notes()
    for entry in entries:
        entry.standing_note = notes.get(entry.pk, "")  # type: ignore[attr-defined]
    parts: dict[str, Any] = {
        "records": records,
        "entries": entries,
        "commitments": commitments,
        "repaired": repaired,
    }
    china = _tabs(
        VIEW_CHINA,
        list(CreditChinaTab.values),
        {k: str(v) for k, v in CreditChinaTab.choices},
        standing.credit_china,
        lambda p: p.credit_china_tab,
        **parts,
    )
    zhejiang = _tabs(
        VIEW_ZHEJIANG,
        list(CATEGORY_ORDER),
        {k: str(v) for k, v in Category.choices},
        standing.counts,
        lambda p: p.category,
        **parts,
    )
    zj_labels = dict(ZhejiangTab.choices)
    for tab in zhejiang:
        tab.sections = [
            (str(zj_labels[k]), standing.zhejiang[k])
            for k, group in ZHEJIANG_GROUP.items()
            if group == tab.key
        ]
    return CreditFile(
        subject=subject,
        former_names=former,
        standing=standing,
        china_tabs=china,
        zhejiang_tabs=zhejiang,
        list_entries=entries,
        evaluation=queries.subject_evaluation(subject),
        generated_at=timezone.now(),
        view=view if view in VIEWS else VIEW_CHINA,
        records=records,
        commitments=commitments,
        inspections=inspections,
    )


def attach_standings(subjects: list[Subject]) -> None:
    """``subject.standing`` on each search result: label and counts as the file says them
    (rules.md §3.9), in a constant number of queries."""
    standings = subject_standings([s.pk for s in subjects])
    for subject in subjects:
        subject.standing = standings.get(subject.pk)  # type: ignore[attr-defined]


# --- Home page: list figures (the publications: portal.home) ------------------------------


def list_figures() -> dict[str, int]:
    counts = dict(
        active_entries()
        .values_list("credit_list__color")
        .annotate(n=Count("subject_id", distinct=True))
        .values_list("credit_list__color", "n")
    )
    return {"red": counts.get("red", 0), "black": counts.get("black", 0)}
