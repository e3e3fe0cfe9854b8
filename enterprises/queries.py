"""Reads shared by pages and the API. Only fully public information leaves here
for the public (DOMAIN §3: disclosure levels)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .kinds import KINDS, Category
from .models import (
    CreditCommitment,
    CreditRecord,
    Department,
    FormerName,
    Policy,
    RecordState,
    Subject,
)
from .pinyin import query_key
from .uscc import USCCError, looks_like_uscc, validate_uscc

# Counting every match of a common term (有限公司 matches most subjects) costs seconds
# on a province's data (DESIGN): counts stop here and show as "10,000+".
COUNT_CAP = 10_000
SEARCH_PAGE_SIZE = 20
MIN_QUERY_LENGTH = 2


def home_figures() -> dict[str, int]:
    return {
        "subjects": public_subjects().count(),
        "public_records": CreditRecord.objects.public().count(),
        "departments": Department.objects.count(),
    }


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("level", "code")


def public_subjects() -> QuerySet[Subject]:
    """Subjects the public may look up: natural persons' data is not public (DOMAIN §2)."""
    return Subject.objects.exclude(subject_type=Subject.SubjectType.NATURAL_PERSON)


# --- Search ---------------------------------------------------------------------------------


@dataclass
class Page:
    number: int
    size: int
    count: int  # capped at COUNT_CAP + 1
    capped: bool

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.count, COUNT_CAP) // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(queryset: QuerySet[Any], *, page: int | None, size: int) -> tuple[list[Any], Page]:
    """One capped count and one page query, whatever the number of matches."""
    count = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    info = Page(number=1, size=size, count=count, capped=count > COUNT_CAP)
    info.number = min(max(page or 1, 1), info.pages)
    # Pages stop at the cap: narrow the query to see more.
    end = min(info.offset + size, COUNT_CAP)
    return list(queryset[info.offset : end]), info


@dataclass
class SearchResult:
    query: str = ""
    searched: bool = False
    exact: Subject | None = None  # a valid code that names a subject: go to its file
    uscc_error: str = ""  # the query looks like a code but is not a valid one: why
    notice: str = ""
    subjects: list[Subject] = field(default_factory=list)
    page: Page | None = None


def _has_han(text: str) -> bool:
    return any("\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" for char in text)


def _term_condition(term: str) -> Q | None:
    """How a query matches names: a substring of the current or a former name; ASCII
    queries match the pinyin (full or initials) of those names. None if too short."""
    if _has_han(term) or not term.isascii():
        if len(term) < MIN_QUERY_LENGTH:
            return None
        # ``contains``, not ``icontains``: UPPER() would defeat the trigram index (DESIGN).
        former = FormerName.objects.filter(name__contains=term).values("subject_id")
        return Q(name__contains=term) | Q(pk__in=former)
    key = query_key(term)
    if len(key) < MIN_QUERY_LENGTH:
        return None
    # Latin letters and digits are part of some names as written (TCL, 3D).
    return (
        Q(search_pinyin__contains=key) | Q(search_initials__contains=key) | Q(name__contains=term)
    )


def _region_condition(code: str) -> Q:
    # A province or city covers every division under it (GB/T 2260 prefixes).
    if code.endswith("0000"):
        return Q(region__code__startswith=code[:2])
    if code.endswith("00"):
        return Q(region__code__startswith=code[:4])
    return Q(region_id=code)


def _list_condition(color: str) -> Q:
    from lists.queries import active_entries

    return Q(pk__in=active_entries().filter(credit_list__color=color).values("subject_id"))


def subject_search(
    *,
    q: str = "",
    region: str = "",
    grade: str = "",
    status: str = "",
    list_color: str = "",
    industry: str = "",
    page: int | None = None,
    page_size: int = SEARCH_PAGE_SIZE,
) -> SearchResult:
    """The public search behind /search/ and GET /api/v1/enterprises/.

    A valid full USCC finds that subject; a query that looks like a code but is not a
    valid one says why (DOMAIN §2) and is still searched as a name. Every organisation
    is findable, black-listed ones included (DOMAIN §5); natural persons never are.
    """
    result = SearchResult(query=q)
    conditions: list[Q] = []
    if q:
        if looks_like_uscc(q):
            try:
                code = validate_uscc(q)
            except USCCError as error:
                result.uscc_error = error.messages[0]
            else:
                result.exact = (
                    public_subjects()
                    .select_related("region", "industry", "evaluation")
                    .filter(uscc=code)
                    .first()
                )
                result.searched = True
                if result.exact is None:
                    result.notice = _("No credit subject has the code %(code)s.") % {"code": code}
                    result.page = Page(number=1, size=page_size, count=0, capped=False)
                else:
                    result.subjects = [result.exact]
                    result.page = Page(number=1, size=page_size, count=1, capped=False)
                    _attach_labels(result.subjects)
                return result
        condition = _term_condition(q)
        if condition is None:
            result.notice = _(
                "Enter at least two characters of the name (or two letters of its pinyin)."
            )
        else:
            conditions.append(condition)
    if region:
        conditions.append(_region_condition(region))
    if grade:
        conditions.append(Q(evaluation__grade=grade))
    if status:
        conditions.append(Q(registration_status=status))
    if industry:
        conditions.append(Q(industry_id=industry))
    if list_color:
        conditions.append(_list_condition(list_color))
    if not conditions:
        return result
    queryset = (
        public_subjects()
        .filter(*conditions)
        .select_related("region", "industry", "evaluation")
        .order_by("id")
    )
    result.searched = True
    result.subjects, result.page = paginate(queryset, page=page, size=page_size)
    _attach_labels(result.subjects)
    return result


def _attach_labels(subjects: list[Subject]) -> None:
    """``subject.public_label``: 守信激励对象 / 失信惩戒对象 or None (one query)."""
    from lists.models import Label
    from lists.queries import subject_labels

    labels = subject_labels([s.pk for s in subjects])
    for subject in subjects:
        value = labels.get(subject.pk)
        subject.public_label = Label(value) if value else None  # type: ignore[attr-defined]


def subject_evaluation(subject: Subject) -> Any:
    """The subject's stored evaluation or None (loaded with ``select_related``)."""
    try:
        return subject.evaluation  # type: ignore[attr-defined]
    except Subject.evaluation.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


# --- The credit file --------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RepairInfo:
    """Whether and from when a negative record may be repaired (DOMAIN §8, §3.4)."""

    possible: bool
    from_date: dt.date | None
    rule: str
    reasons: tuple[str, ...] = ()

    def open_on(self, day: dt.date) -> bool:
        return self.possible and self.from_date is not None and self.from_date <= day


def repair_infos(records: list[CreditRecord]) -> dict[int, RepairInfo]:
    """Whether and from when each active negative record may be repaired: the answer of
    ``repair.eligibility`` (the one place of that rule), in a constant number of queries."""
    from repair.eligibility import records_eligibility

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


@dataclass
class RecordTab:
    category: str
    label: str
    records: list[CreditRecord]

    @property
    def count(self) -> int:
        return len(self.records)


@dataclass
class CreditFile:
    subject: Subject
    former_names: list[FormerName]
    tabs: list[RecordTab]
    label: Any
    list_entries: list[Any]
    evaluation: Any
    generated_at: dt.datetime
    records: list[CreditRecord] = field(default_factory=list)

    def tab(self, category: str) -> RecordTab:
        return next(t for t in self.tabs if t.category == category)


def credit_file(code: str) -> CreditFile | None:
    """Everything public about one organisation, in a constant number of queries:
    the subject, former names, fully public records in publicity, label and list entries."""
    from lists.models import Label
    from lists.queries import subject_active_entries, subject_labels

    subject = (
        public_subjects()
        .select_related("region", "region__parent", "industry", "evaluation")
        .filter(uscc=code)
        .first()
    )
    if subject is None:
        return None
    former = list(subject.former_names.all())
    records = list(
        CreditRecord.objects.public()
        .filter(subject=subject)
        .select_related("department")
        .order_by("-decision_date", "-id")
    )
    by_category: dict[str, list[CreditRecord]] = {c: [] for c in CATEGORY_ORDER}
    repairs = repair_infos(records)
    for record in records:
        record.repair = repairs.get(record.pk)  # type: ignore[attr-defined]
        by_category[KINDS[record.kind].category].append(record)
    tabs = [RecordTab(c, str(Category(c).label), by_category[c]) for c in CATEGORY_ORDER]
    label = subject_labels([subject.pk]).get(subject.pk)
    return CreditFile(
        subject=subject,
        former_names=former,
        tabs=tabs,
        label=Label(label) if label else None,
        list_entries=list(subject_active_entries([subject.pk])),
        evaluation=subject_evaluation(subject),
        generated_at=timezone.now(),
        records=records,
    )


# --- Home, commitments, policies ------------------------------------------------------------


def list_publications(color: str, *, limit: int = 6) -> list[dict[str, Any]]:
    """专题公示: the latest publications of a colour's lists (list, authority, date, count)."""
    from lists.queries import active_entries

    return list(
        active_entries()
        .filter(credit_list__color=color)
        .values(
            "credit_list__slug",
            "credit_list__name_zh",
            "credit_list__name_en",
            "credit_list__authority__name_zh",
            "credit_list__authority__name_en",
            "listed_on",
        )
        .annotate(entries=Count("id"))
        .order_by("-listed_on", "credit_list__slug")[:limit]
    )


def list_figures() -> dict[str, int]:
    from lists.queries import active_entries

    counts = dict(
        active_entries()
        .values_list("credit_list__color")
        .annotate(n=Count("subject_id", distinct=True))
        .values_list("credit_list__color", "n")
    )
    return {"red": counts.get("red", 0), "black": counts.get("black", 0)}


def public_commitments(
    *,
    unit: str = "",
    commitment_type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[CreditCommitment]:
    commitments = CreditCommitment.objects.public().select_related("subject", "accepting_unit")
    if unit:
        commitments = commitments.filter(accepting_unit__code=unit)
    if commitment_type:
        commitments = commitments.filter(commitment_type=commitment_type)
    if date_from:
        commitments = commitments.filter(committed_on__gte=date_from)
    if date_to:
        commitments = commitments.filter(committed_on__lte=date_to)
    return commitments.order_by("-committed_on", "-id")


def published_policies(*, level: str = "") -> QuerySet[Policy]:
    policies = Policy.objects.filter(is_published=True)
    if level:
        policies = policies.filter(level=level)
    return policies.order_by("-issued_on", "-id")


# --- Public credit evaluation ---------------------------------------------------------------


def evaluation_for(subject: Subject) -> Any:
    """The subject's stored evaluation with its edition, or None (natural persons: None)."""
    from .models import Evaluation

    if subject.subject_type == Subject.SubjectType.NATURAL_PERSON:
        return None
    return Evaluation.objects.select_related("edition").filter(subject_id=subject.pk).first()


def score_history(subject: Subject, *, limit: int = 60) -> list[Any]:
    """The latest ``limit`` score changes, oldest first (for the history chart)."""
    from .models import ScoreHistory

    rows = list(ScoreHistory.objects.filter(subject_id=subject.pk).order_by("-at", "-id")[:limit])
    rows.reverse()
    return rows


def evaluation_explained(subject: Subject, evaluation: Any) -> Any:
    """Which records and list entries moved each indicator, as of the stored evaluation's
    date (three queries; see ``scoring.evaluate_subject``)."""
    from .scoring import evaluate_subject

    if evaluation is None:
        return None
    return evaluate_subject(subject, on=evaluation.evaluated_on)


# Drawing area of the history chart, in SVG user units.
CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 320, 120, 24


def score_chart(history: list[Any], *, edition: Any = None) -> dict[str, Any] | None:
    """Coordinates for the inline SVG history chart (drawn on the server, no JavaScript)."""
    if not history:
        return None
    scores = [row.score for row in history]
    floors = (
        [edition.grade_a_min, edition.grade_b_min, edition.grade_c_min, edition.grade_d_min]
        if edition is not None
        else [850, 800, 750, 700]
    )
    low = min([*scores, floors[-1]]) - 20
    high = max([*scores, floors[0]]) + 20
    inner_w = CHART_WIDTH - 2 * CHART_PAD
    inner_h = CHART_HEIGHT - 2 * CHART_PAD

    def y(score: float) -> float:
        return round(CHART_PAD + inner_h * (high - score) / (high - low), 1)

    step = inner_w / max(1, len(history) - 1)
    points = [
        {
            "x": round(CHART_PAD + (index * step if len(history) > 1 else inner_w / 2), 1),
            "y": y(row.score),
            "score": row.score,
            "grade": row.grade,
            "at": row.at,
        }
        for index, row in enumerate(history)
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_PAD,
        "right": CHART_WIDTH - CHART_PAD,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "bands": [
            {"y": y(floor), "label": grade}
            for floor, grade in zip(floors, "ABCD", strict=True)
            if low <= floor <= high
        ],
        "first": history[0].at,
        "last": history[-1].at,
    }


def evaluation_context(subject: Subject) -> dict[str, Any]:
    """Everything templates/enterprises/_evaluation.html needs, in a constant number of
    queries: ``{% include "enterprises/_evaluation.html" with evaluation=… history=… %}``
    or ``{% include … %}`` after ``context.update(evaluation_context(subject))``."""
    evaluation = evaluation_for(subject)
    if evaluation is None:
        return {"evaluation": None, "history": [], "chart": None, "explained": None}
    history = score_history(subject)
    return {
        "evaluation": evaluation,
        "history": history,
        "chart": score_chart(history, edition=evaluation.edition),
        "explained": evaluation_explained(subject, evaluation),
    }
