"""Reads shared by pages and the API. Only fully public information leaves here
for the public (rules.md §3.5: disclosure levels)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Q, QuerySet
from django.db.models.lookups import Contains
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext as _

from .extensions import active_list_entries, subject_labels
from .models import (
    CreditCommitment,
    CreditRecord,
    Department,
    FormerName,
    Policy,
    Subject,
)
from .pinyin import query_key
from .uscc import USCCError, looks_like_uscc, normalize_uscc, validate_uscc

# Counting every match of a common term (有限公司 matches most subjects) costs seconds
# on a province's data (DESIGN): counts stop here and show as "10,000+".
COUNT_CAP = 10_000
# From this many rows expected by the planner, a search is not counted but shown as capped
# (_search_rows): twice the cap, so that an estimate off by half still says the truth.
ESTIMATE_CAPPED = 2 * COUNT_CAP
# The same for a 2-character text, whose estimate comes from the pair's own frequency.
ESTIMATE_CAPPED_PAIR = COUNT_CAP * 5 // 4
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
    """Subjects the public may look up: natural persons' data is not public (rules.md §2)."""
    return Subject.objects.exclude(subject_type=Subject.SubjectType.NATURAL_PERSON)


def public_subject_by_code(uscc: str) -> Subject | None:
    """The organisation with this unified social credit code (written any way the public
    writes it), None if there is none or the code is empty."""
    code = normalize_uscc(uscc or "")
    return public_subjects().filter(uscc=code).first() if code else None


# --- Search ---------------------------------------------------------------------------------


def search_page_limit(size: int = SEARCH_PAGE_SIZE) -> int:
    """The last page a search shows: pages stop at the counting cap (Credit China: 10,000)."""
    return max(1, -(-COUNT_CAP // size))


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


class NameContains(Contains):
    """``lhs`` contains the text as a substring, exactly as ``contains`` (``LIKE '%…%'``),
    written on PostgreSQL in the form its search indexes serve (migration 0008, measured
    on 2.58 M names, docs/benchmarks.md):

    - 3+ characters: ``LIKE``, served by the pg_trgm index (no faster alternative measured;
      the bigram index was slower for common 3- and 4-character terms);
    - 2 characters: pg_trgm extracts no trigram from them and ``LIKE`` scans the table, so
      ``cs_bigrams(name) @> ARRAY[term]``, served by the bigram GIN index. For two
      characters it is exact. The ``strpos`` before it is the same test, but cheap: a plan
      that scans rows (the fast plan for a common pair: the first 20 ids come quickly)
      then calls the costlier ``cs_bigrams`` only for rows that contain the pair. It also
      keeps the planner from multiplying two selectivities of ``LIKE`` (estimated from
      the histogram) and of the bigram (from its element statistics), which made it pick
      a bitmap scan and a sort over thousands of rows for pairs of middling frequency.

    Used as an expression on a column that has the bigram index (the names, the former
    names, the pinyin keys): ``filter(NameContains(F("name"), term))``.
    """

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, Any]:
        if not (isinstance(self.rhs, str) and len(self.rhs) == 2):
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql = f"(strpos({lhs}, %s) > 0 AND cs_bigrams({lhs}) @> %s::text[])"
        return sql, (*lhs_params, self.rhs, *lhs_params, [self.rhs])


class _PairEstimate(NameContains):
    """Only the bigram condition (exact for two characters): what the planner estimates
    from the element statistics of the bigram index, without the ``strpos`` whose default
    selectivity (1/3) would divide the estimate by three. Never executed, only explained."""

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, Any]:
        if not (isinstance(self.rhs, str) and len(self.rhs) == 2):
            return super().as_postgresql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"cs_bigrams({lhs}) @> %s::text[]", (*lhs_params, [self.rhs])


@dataclass(frozen=True)
class _Match:
    """What a search term matches: a condition on the subject's own columns, for text a
    condition on its former names (a subject matches if one of them does), and the form
    of the first whose row estimate is closest (for deciding whether to count)."""

    subject: Q
    former: Q | None = None  # on FormerName
    former_join: Q | None = None  # the same on Subject, through the join
    estimate: Q | None = None
    estimate_exact: bool = False  # the estimate comes from the statistics of the pair


def _term_match(term: str) -> _Match | None:
    """How a query matches names: a substring of the current or a former name; ASCII
    queries match the pinyin (full or initials) of those names. None if too short."""
    if _has_han(term) or not term.isascii():
        if len(term) < MIN_QUERY_LENGTH:
            return None
        # ``contains``, never ``icontains``: UPPER() would defeat the indexes (DESIGN).
        return _Match(
            subject=Q(NameContains(F("name"), term)),
            former=Q(NameContains(F("name"), term)),
            former_join=Q(NameContains(F("former_names__name"), term)),
            estimate=Q(_PairEstimate(F("name"), term)),
            estimate_exact=len(term) == 2,
        )
    key = query_key(term)
    if len(key) < MIN_QUERY_LENGTH:
        return None
    # The pinyin keys hold the former names too. Latin letters and digits are part of
    # some names as written (TCL, 3D).
    return _Match(
        subject=Q(NameContains(F("search_pinyin"), key))
        | Q(NameContains(F("search_initials"), key))
        | Q(NameContains(F("name"), term)),
        estimate=Q(_PairEstimate(F("search_pinyin"), key))
        | Q(_PairEstimate(F("search_initials"), key))
        | Q(_PairEstimate(F("name"), term)),
        estimate_exact=len(key) == 2,
    )


def _region_condition(code: str) -> Q:
    # A province or city covers every division under it (GB/T 2260 prefixes).
    if code.endswith("0000"):
        return Q(region__code__startswith=code[:2])
    if code.endswith("00"):
        return Q(region__code__startswith=code[:4])
    return Q(region_id=code)


def _list_condition(color: str) -> Q:
    entries = active_list_entries()
    if entries is None:
        return Q(pk__in=[])
    return Q(pk__in=entries.filter(credit_list__color=color).values("subject_id"))


def _former_subjects(condition: Q) -> QuerySet[Any]:
    return FormerName.objects.filter(condition).values("subject_id")


def _estimated_rows(queryset: QuerySet[Any]) -> int | None:
    """The planner's estimate of the rows of ``queryset`` on PostgreSQL (one EXPLAIN,
    no rows read), else None."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def _first_ids(base: QuerySet[Subject], match: _Match | None, limit: int) -> list[int]:
    """The first ``limit`` ids, in id order, of the subjects of ``base`` that ``match``
    matches by their current or a former name (see ``_search_rows`` for why in this form)."""
    if match is None:
        matching: Any = base
    elif match.former is None:
        matching = base.filter(match.subject)
    elif not connections[base.db].features.supports_slicing_ordering_in_compound:
        matching = base.filter(match.subject | Q(pk__in=_former_subjects(match.former)))
    else:
        by_name = base.filter(match.subject).order_by("id").values_list("pk", flat=True)
        # A join, not ``IN (former names)``: the planner then walks the former names
        # in subject order and stops at the limit (0.4 ms instead of 6.7 ms for 业管).
        by_former = (
            base.filter(match.former_join).distinct().order_by("id").values_list("pk", flat=True)
        )
        # The ids straight from the union (not ``id IN (union)``, which would look
        # each one up again).
        union = by_name[:limit].union(by_former[:limit]).order_by("pk")
        return list(union[:limit])
    return list(matching.order_by("id").values_list("pk", flat=True)[:limit])


def subject_ids_matching(term: str, *, base: QuerySet[Subject], limit: int) -> list[int] | None:
    """The first ``limit`` ids of the subjects of ``base`` a term names, as the public search
    finds them (rules.md §2.1, §2.2): a valid code (however few digits) finds that subject;
    other text matches the current or a former name, an ASCII term also their pinyin or
    initials, by the indexes of ``subject_search``. None: too short to search by name.

    For the officials' pages (the subject list, the record form's subject picker), whose
    ``base`` is theirs: natural persons included."""
    term = term.strip()
    if looks_like_uscc(term):
        try:
            code = validate_uscc(term)
        except USCCError:
            pass  # an invalid code is still searched as a name (rules.md §2.2)
        else:
            return list(base.filter(uscc=code).values_list("pk", flat=True)[:limit])
    match = _term_match(term)
    if match is None:
        return None
    return _first_ids(base, match, limit)


def _search_rows(
    base: QuerySet[Subject], match: _Match | None, *, page: int | None, size: int
) -> tuple[list[Subject], Page]:
    """One page of the subjects that ``base`` keeps and ``match`` matches, ordered by id,
    and their number, counted up to ``COUNT_CAP + 1``.

    The ids come first, in one query: the first ``COUNT_CAP + 1`` of them when the
    number is to be counted (their number is the count, the page is a slice), only those
    up to the page otherwise; then the rows of the page by primary key. One index scan
    thus gives both the count and the page.

    When to count: a common term (有限 is in 2.4 M names) would need 10,001 rows read to
    say "10,000+" (50–130 ms on 2.58 M names). On PostgreSQL an EXPLAIN first asks the
    planner how many rows it expects; from ``ESTIMATE_CAPPED`` on (``ESTIMATE_CAPPED_PAIR``
    for a pair) only the ids up to the page are read and the result shows as capped. Every
    term measured above those estimates had more than 10,000 matches. Filters the planner
    assumes independent of the text can still mislead it (杭州 searched in Ningbo's
    region): then "10,000+" shows until a page past the real end, which shows the exact
    number and the last page.

    Former names: ``name matches OR id IN (former names that match)`` cannot use an
    index for either side: PostgreSQL filters every subject with it (up to 13.8 s for a rare
    pair on 2.58 M names). So, where the database allows a limit inside a UNION
    (PostgreSQL), each side is its own query, limited and ordered by id, free to take its
    best plan (its index for a rare term, the primary key order for a common one), and
    the ids are the first of their union. Elsewhere (SQLite, small data) the ``OR``.
    """
    cap = COUNT_CAP
    number = min(max(page or 1, 1), search_page_limit(size))

    estimate = _estimated_rows(
        base if match is None else base.filter(match.estimate or match.subject)
    )
    # Two characters are estimated from the frequency of the pair itself (close: every
    # pair measured was within a few per cent); longer text from the histogram of the
    # names (measured off by up to 2× from 10,000 on): a larger margin.
    exact = match is not None and match.estimate is not None and match.estimate_exact
    counted = estimate is None or estimate < (ESTIMATE_CAPPED_PAIR if exact else ESTIMATE_CAPPED)
    limit = cap + 1 if counted else number * size
    ids = _first_ids(base, match, limit)
    # Fewer ids than asked for are all of them: their number is exact whatever the
    # estimate said (a search narrowed by filters the estimate did not foresee).
    count = len(ids) if counted or len(ids) < limit else cap + 1
    info = Page(number=1, size=size, count=count, capped=count > cap)
    # A page past the last one shows the last one.
    info.number = min(number, info.pages)
    page_ids = ids[info.offset : min(info.offset + size, cap)]
    # The page shows the subject, its grade and its label: nothing else is loaded.
    rows = list(
        Subject.objects.filter(pk__in=page_ids)
        .select_related("evaluation")
        .defer("business_scope", "address", "evaluation__breakdown")
        .order_by("id")
    )
    return rows, info


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
    valid one says why (rules.md §2) and is still searched as a name. Every organisation
    is findable, black-listed ones included (rules.md §5); natural persons never are.
    Results are ordered by id; they are counted up to 10,000 and pages stop there
    (Credit China does the same): a common term such as 有限公司 matches millions.
    """
    result = SearchResult(query=q)
    conditions: list[Q] = []
    match: _Match | None = None
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
        match = _term_match(q)
        if match is None:
            result.notice = _(
                "Enter at least two characters of the name (or two letters of its pinyin)."
            )
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
    if match is None and not conditions:
        return result
    result.searched = True
    result.subjects, result.page = _search_rows(
        public_subjects().filter(*conditions), match, page=page, size=page_size
    )
    _attach_labels(result.subjects)
    return result


def _attach_labels(subjects: list[Subject]) -> None:
    """``subject.public_label``: 守信激励对象 / 失信惩戒对象 or None (one query)."""
    labels = subject_labels([s.pk for s in subjects])
    for subject in subjects:
        subject.public_label = labels.get(subject.pk)  # type: ignore[attr-defined]


def subject_evaluation(subject: Subject) -> Any:
    """The subject's stored evaluation or None (loaded with ``select_related``)."""
    try:
        return subject.evaluation  # type: ignore[attr-defined]
    except Subject.evaluation.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


# --- The credit file --------------------------------------------------------------------------


# --- Home, commitments, policies ------------------------------------------------------------


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


# Catalogues of active editions, by edition: only a draft edition is ever edited
# (enterprises/admin.py), so an active edition's catalogue does not change. Loading it
# costs a query and ~2 ms of Python on every credit file page.
_active_catalogues: dict[tuple[int, Any, Any], Any] = {}


def _active_catalogue(edition: Any) -> Any:
    """The catalogue ``scoring.catalogue_load()`` would return, if ``edition`` is the active
    edition it loads (else None: let it load)."""
    from .scoring import DEFAULT_JURISDICTION, catalogue_load

    if edition.status != "active" or edition.jurisdiction != DEFAULT_JURISDICTION:
        return None
    key = (edition.pk, edition.created_at, edition.activated_at)
    catalogue = _active_catalogues.get(key)
    if catalogue is None:
        catalogue = catalogue_load()
        if catalogue.edition.pk != edition.pk:
            return None
        _active_catalogues[key] = catalogue
    return catalogue


def evaluation_explained(subject: Subject, evaluation: Any) -> Any:
    """Which records and list entries moved each indicator, as of the stored evaluation's
    date (two queries, three when the catalogue is not cached; ``scoring.evaluate_subject``)."""
    from .scoring import evaluate_subject

    if evaluation is None:
        return None
    catalogue = _active_catalogue(evaluation.edition)
    return evaluate_subject(subject, on=evaluation.evaluated_on, catalogue=catalogue)


_LOAD = object()


def evaluation_context(subject: Subject, *, evaluation: Any = _LOAD) -> dict[str, Any]:
    """Everything templates/enterprises/_evaluation.html needs, in a constant number of
    queries (the chart is drawn by the template tag from ``history``, enterprises.charts):
    ``{% include "enterprises/_evaluation.html" with evaluation=… history=… %}``
    or ``{% include … %}`` after ``context.update(evaluation_context(subject))``.
    ``evaluation``: the subject's evaluation with its edition if already loaded (the credit
    file has it), saving a query."""
    if evaluation is _LOAD:
        evaluation = evaluation_for(subject)
    if evaluation is None:
        return {"evaluation": None, "history": [], "explained": None}
    history = score_history(subject)
    return {
        "evaluation": evaluation,
        "history": history,
        "explained": evaluation_explained(subject, evaluation),
    }
