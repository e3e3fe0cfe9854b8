"""A subject's standing: the one account of what every public surface says about a subject
(docs/rules.md §3.7, §3.9, §8.5).

The credit file, the search results, the PDF report, the public API, the batch check and
the repair guide all read their label, their counts and their "negative / trust-keeping"
answers from a ``SubjectStanding``; none of them counts on its own.

- A record is counted when the public sees it (``CreditRecord.objects.public()``), in the
  category ``rules.kinds.record_category`` gives it.
- A list entry in force (``queries.active_entries``) is information too: a black-list entry
  is **negative** information, a red-list entry **trust-keeping** information (§3.9). On
  Credit China's tabs a serious black list goes under 严重失信主体名单, the
  abnormal-operations list under 经营异常, a red list under 诚实守信; on Credit Zhejiang's
  under 失信惩戒 and 守信激励.
- A public commitment is other information, under Credit China's 信用承诺 tab.
- Repaired information in its 5 working days of publication (§8.5) is listed apart, marked
  已修复 with the repair decision date: shown, never counted.

The repair app (a higher layer) tells which records and entries are repaired and published
now, through ``register_repaired_source`` in its ``AppConfig.ready()``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Count, Value
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from enterprises.models import CreditCommitment, CreditRecord
from rules.kinds import (
    KINDS,
    Category,
    CreditChinaTab,
    RecordKind,
    ZhejiangTab,
    record_category,
)

from .models import CreditList, Label, ListEntry
from .queries import active_entries, entries_label, subject_active_entries

CATEGORIES: tuple[str, ...] = tuple(Category.values)
CREDIT_CHINA_TABS: tuple[str, ...] = tuple(CreditChinaTab.values)
ZHEJIANG_TABS: tuple[str, ...] = tuple(ZhejiangTab.values)


@dataclass(frozen=True)
class Placement:
    """Where one piece of information goes: its category and its tab on each portal."""

    category: str
    credit_china_tab: str
    zhejiang_tab: str


def record_placement(record: Any) -> Placement:
    kind = KINDS[record.kind]
    category = record_category(record.kind, record.tax_credit_level or "")
    return Placement(category, kind.credit_china_tab, kind.zhejiang_tab)


def entry_placement(entry: ListEntry) -> Placement:
    """A black-list entry is negative, a red-list entry trust-keeping information (§3.9)."""
    credit_list = entry.credit_list
    if credit_list.color == CreditList.Color.RED:
        return Placement(Category.TRUST, CreditChinaTab.HONEST, ZhejiangTab.INCENTIVE)
    tab = CreditChinaTab.SERIOUS_LIST if credit_list.is_serious else CreditChinaTab.ABNORMAL
    return Placement(Category.NEGATIVE, tab, ZhejiangTab.DISHONESTY)


COMMITMENT_PLACEMENT = Placement(Category.OTHER, CreditChinaTab.COMMITMENT, ZhejiangTab.OTHER)


@dataclass
class RepairedItem:
    """A record or list entry repaired and in its publication for objections (§8.5)."""

    item: Any  # CreditRecord or ListEntry
    placement: Placement
    decided_on: dt.date | None  # the repair decision
    published_until: dt.date | None
    reference: str = ""

    @property
    def is_record(self) -> bool:
        return isinstance(self.item, CreditRecord)

    @property
    def title(self) -> str:
        if self.is_record:
            return str(self.item)
        credit_list = self.item.credit_list
        english = (get_language() or "").startswith("en")
        return str(credit_list.name_en if english else credit_list.name_zh)


RepairedSource = Callable[[list[int], dt.date], dict[int, list[RepairedItem]]]
_repaired_source: RepairedSource | None = None


def register_repaired_source(source: RepairedSource) -> None:
    """Called by the repair app: ``source(subject_ids, day)`` gives, per subject, its fully
    public records and entries repaired by a repair published on ``day``."""
    global _repaired_source
    _repaired_source = source


def repaired_in_publication(subject_ids: list[int], day: dt.date) -> dict[int, list[RepairedItem]]:
    if _repaired_source is None or not subject_ids:
        return {}
    return _repaired_source(subject_ids, day)


def _zero(keys: Iterable[str]) -> dict[str, int]:
    return dict.fromkeys(keys, 0)


@dataclass
class SubjectStanding:
    """What the public is told about one subject on one day (module docstring)."""

    subject_id: int
    on: dt.date
    label: str | None = None
    entries: list[ListEntry] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: _zero(CATEGORIES))
    credit_china: dict[str, int] = field(default_factory=lambda: _zero(CREDIT_CHINA_TABS))
    zhejiang: dict[str, int] = field(default_factory=lambda: _zero(ZHEJIANG_TABS))
    record_counts: dict[str, int] = field(default_factory=lambda: _zero(CATEGORIES))
    abnormal_records: int = 0  # public abnormal-operations records (indicator 1.2.1)
    repaired: list[RepairedItem] = field(default_factory=list)

    def add(self, placement: Placement, n: int = 1) -> None:
        self.counts[placement.category] += n
        self.credit_china[placement.credit_china_tab] += n
        self.zhejiang[placement.zhejiang_tab] += n

    @property
    def label_display(self) -> str | None:
        return str(Label(self.label).label) if self.label else None

    @property
    def black_entries(self) -> list[ListEntry]:
        return [e for e in self.entries if e.credit_list.color == CreditList.Color.BLACK]

    @property
    def red_entries(self) -> list[ListEntry]:
        return [e for e in self.entries if e.credit_list.color == CreditList.Color.RED]

    @property
    def has_negative(self) -> bool:
        """Negative information in public view, black-list entries included (§3.9)."""
        return self.counts[Category.NEGATIVE] > 0

    @property
    def has_trust(self) -> bool:
        return self.counts[Category.TRUST] > 0

    @property
    def negative_records(self) -> int:
        return self.record_counts[Category.NEGATIVE]

    def entry_notes(self) -> dict[int, str]:
        """Why a black-list entry that is not a serious list gives no label and moves no
        points (the abnormal-operations list, §3.9, §4): per entry id."""
        notes: dict[int, str] = {}
        for entry in self.black_entries:
            if entry.credit_list.is_serious:
                continue
            note = _(
                "This list is negative information but not a list of serious "
                "untrustworthiness: it does not make the subject an untrustworthy punished "
                "subject and deducts no points by itself. The score counts abnormal "
                "operations through the abnormal-operations records of the market regulator "
                "(indicator 1.2.1)."
            )
            if not self.abnormal_records:
                note += " " + _(
                    "No such record of this subject is public, so the score does not "
                    "reflect this entry."
                )
            notes[entry.pk] = note
        return notes

    def summary(self) -> str:
        """One line for a page or the report: the counts that matter to a reader."""
        black, red = len(self.black_entries), len(self.red_entries)
        text = _("Negative information: %(n)d (black-list entries: %(black)d)") % {
            "n": self.counts[Category.NEGATIVE],
            "black": black,
        }
        text += "; " + _("trust-keeping information: %(n)d (red-list entries: %(red)d)") % {
            "n": self.counts[Category.TRUST],
            "red": red,
        }
        if self.repaired:
            text += "; " + _("repaired and published for objections: %(n)d") % {
                "n": len(self.repaired)
            }
        return text

    def as_dict(self) -> dict[str, Any]:
        """The standing in the public API and the batch check (one shape everywhere)."""
        return {
            "label": self.label,
            "label_display": self.label_display,
            "negative": self.has_negative,
            "trust_keeping": self.has_trust,
            "counts": dict(self.counts),
            "credit_china_tabs": dict(self.credit_china),
            "zhejiang_tabs": dict(self.zhejiang),
            "black_list_entries": len(self.black_entries),
            "red_list_entries": len(self.red_entries),
            "repaired_in_publication": [
                {
                    "type": "record" if r.is_record else "list_entry",
                    "id": r.item.pk,
                    "category": r.placement.category,
                    "repair_decided_on": r.decided_on.isoformat() if r.decided_on else None,
                    "published_until": (
                        r.published_until.isoformat() if r.published_until else None
                    ),
                    "reference": r.reference,
                }
                for r in self.repaired
            ],
        }


def standing_from(
    *,
    subject_id: int,
    records: Iterable[Any],
    entries: Iterable[ListEntry],
    commitments: int = 0,
    repaired: Iterable[RepairedItem] = (),
    on: dt.date | None = None,
) -> SubjectStanding:
    """The standing from information already loaded: the public records of the subject
    (``CreditRecord.objects.public()``), its entries in force (``subject_active_entries``),
    its number of public commitments and its repaired items in publication. No query."""
    standing = SubjectStanding(subject_id=subject_id, on=on or timezone.localdate())
    for record in records:
        placement = record_placement(record)
        standing.add(placement)
        standing.record_counts[placement.category] += 1
        if record.kind == RecordKind.ABNORMAL_OPERATION:
            standing.abnormal_records += 1
    standing.entries = list(entries)
    for entry in standing.entries:
        standing.add(entry_placement(entry))
    if commitments:
        standing.add(COMMITMENT_PLACEMENT, commitments)
    standing.label = entries_label(standing.entries)
    standing.repaired = list(repaired)
    return standing


def subject_standings(
    subject_ids: Iterable[int], *, on: dt.date | None = None, measures: bool = False
) -> dict[int, SubjectStanding]:
    """The standing of many subjects in a constant number of queries (search results, the
    batch check): records counted per kind with the commitments, entries in force (with
    their list's authority and measures when ``measures``), repaired items."""
    ids = list(dict.fromkeys(subject_ids))
    day = on or timezone.localdate()
    if not ids:
        return {}
    standings = {pk: SubjectStanding(subject_id=pk, on=day) for pk in ids}
    # Records per kind and commitments in one query (a search page stays within its
    # query budget): a commitment row has the kind "" and is told apart below.
    records = (
        CreditRecord.objects.public()
        .filter(subject_id__in=ids)
        .values_list("subject_id", "kind", "tax_credit_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    commitments = (
        CreditCommitment.objects.public()
        .filter(subject_id__in=ids)
        .values_list("subject_id")
        .annotate(kind=Value("", output_field=CharField()))
        .annotate(level=Value("", output_field=CharField()))
        .annotate(n=Count("id"))
        .values_list("subject_id", "kind", "level", "n")
        .order_by()
    )
    for subject_id, kind, level, n in records.union(commitments, all=True):
        standing = standings[subject_id]
        if not kind:
            standing.add(COMMITMENT_PLACEMENT, n)
            continue
        placement = record_placement(_KindRow(kind, level))
        standing.add(placement, n)
        standing.record_counts[placement.category] += n
        if kind == RecordKind.ABNORMAL_OPERATION:
            standing.abnormal_records += n
    entries = active_entries(on=day).filter(subject_id__in=ids).select_related("credit_list")
    if measures:
        entries = subject_active_entries(ids, on=day)
    by_subject: dict[int, list[ListEntry]] = defaultdict(list)
    for entry in entries:
        by_subject[entry.subject_id].append(entry)
    for pk, found in by_subject.items():
        standing = standings[pk]
        standing.entries = found
        for entry in found:
            standing.add(entry_placement(entry))
        standing.label = entries_label(found)
    for pk, items in repaired_in_publication(ids, day).items():
        standings[pk].repaired = items
    return standings


def subject_standing(subject_id: int, *, on: dt.date | None = None) -> SubjectStanding:
    return subject_standings([subject_id], on=on, measures=True)[subject_id]


@dataclass(frozen=True)
class _KindRow:
    kind: str
    tax_credit_level: str
