"""Property-based tests (hypothesis) of the working-day module and the scoring engine.
The USCC validator has its own in tests/enterprises/test_uscc.py.

Working days: what ``rules.workdays`` says agrees with chinese-calendar day by day
(2004–2026, the years the library and the seeded table cover); adding n working days
lands on a working day exactly n working days later, is monotonic and additive.

Scoring: for random records (kinds, severities, dates, states, disclosure levels,
publicity ends, tax credit levels) of one subject, the explaining path
(``evaluate_subject``) and the bulk path (``scores_bulk``) agree on score, grade and
breakdown; the score stays within 0..total; a counting negative record never raises
it; an expired, repaired, revoked, non-public, not yet decided or out-of-publicity
record never changes it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import chinese_calendar
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from enterprises.models import (
    CreditRecord,
    Department,
    Disclosure,
    RecordState,
    Severity,
    Subject,
    TaxCreditLevel,
)
from enterprises.scoring import Catalogue, catalogue_load, evaluate_subject, scores_bulk
from rules.kinds import KINDS, NEGATIVE_KINDS, RecordKind
from rules.workdays import (
    add_working_days,
    clear_cache,
    is_statutory_holiday,
    is_working_day,
    next_working_day,
    statutory_holidays,
    working_days_between,
)
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db

# Each test stays under ~10 s; function-scoped fixtures (the database) are shared by all
# examples of a test on purpose (each example uses fresh rows).
CALENDAR = settings(
    max_examples=300,  # in-memory lookups: cheap
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
SCORING = settings(
    max_examples=40,  # a few queries each; ~2–6 s per test on SQLite
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- Working days ----------------------------------------------------------------------------

FIRST_DAY = dt.date(2004, 1, 1)  # chinese-calendar and the seeded table: 2004–2026
LAST_START = dt.date(2026, 9, 30)  # + at most 40 working days stays within 2026
days = st.dates(min_value=FIRST_DAY, max_value=LAST_START)
counts = st.integers(min_value=1, max_value=40)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # The module caches the table for five minutes; start from this database's rows.
    clear_cache()
    yield
    clear_cache()


@CALENDAR
@given(day=st.dates(min_value=FIRST_DAY, max_value=dt.date(2026, 12, 31)))
def test_working_day_agrees_with_chinese_calendar(day):
    assert is_working_day(day) is chinese_calendar.is_workday(day)


@CALENDAR
@given(day=days, n=counts)
def test_adding_n_working_days_lands_n_working_days_later_on_a_working_day(day, n):
    deadline = add_working_days(day, n)

    assert deadline.date > day
    assert is_working_day(deadline.date)
    assert chinese_calendar.is_workday(deadline.date)
    assert not deadline.provisional  # every year on the way is entered
    # Exactly n working days after the start, and the n-th is the last day counted:
    assert working_days_between(day, deadline.date) == n
    assert working_days_between(day, deadline.date - dt.timedelta(days=1)) == n - 1


@CALENDAR
@given(day=days, a=counts, b=counts)
def test_adding_working_days_is_monotonic_and_additive(day, a, b):
    low, high = sorted((a, b))
    assert add_working_days(day, low).date <= add_working_days(day, high).date
    # Adding a then b is adding a + b (the result of adding is a working day).
    first = add_working_days(day, a).date
    assert add_working_days(first, b).date == add_working_days(day, a + b).date
    # A later start never gives an earlier deadline.
    later = day + dt.timedelta(days=b)
    assert add_working_days(later, a).date >= add_working_days(day, a).date


@CALENDAR
@given(day=days, n=counts)
def test_subtracting_back_with_working_days_between(day, n):
    # working_days_between inverts add_working_days from a working day.
    start = next_working_day(day).date
    end = add_working_days(start, n).date
    assert working_days_between(start, end) == n
    assert working_days_between(end, start) == 0


@CALENDAR
@given(day=days)
def test_zero_working_days_is_the_next_working_day_and_skips_only_days_off(day):
    moved = add_working_days(day, 0).date
    assert moved == next_working_day(day).date >= day
    assert is_working_day(moved)
    skipped = [day + dt.timedelta(days=i) for i in range((moved - day).days)]
    assert not any(chinese_calendar.is_workday(d) for d in skipped)


@CALENDAR
@given(day=st.dates(min_value=dt.date(2030, 1, 1), max_value=dt.date(2035, 12, 31)))
def test_years_not_entered_skip_weekends_and_statutory_holidays_and_are_provisional(day):
    assert is_working_day(day) is (day.weekday() < 5 and not is_statutory_holiday(day))
    assert add_working_days(day, 5).provisional is True
    assert len(statutory_holidays(day.year)) in (12, 13)  # 13 days; Mid-Autumn may meet 1–3 Oct


# --- Scoring ---------------------------------------------------------------------------------

ON = dt.date(2026, 6, 1)
COUNTING_STATES = [RecordState.ACTIVE, RecordState.UNDER_OBJECTION]
NOT_COUNTING_STATES = [RecordState.EXPIRED, RecordState.REPAIRED, RecordState.REVOKED]
SCORED_NEGATIVE_KINDS = sorted(k for k in NEGATIVE_KINDS if KINDS[k].indicator)
_document_numbers = itertools.count(1)

SCORED_KINDS = sorted(k for k, info in KINDS.items() if info.indicator)


def _mostly(usual: st.SearchStrategy[Any], anything: st.SearchStrategy[Any]) -> Any:
    # Half the time a value that makes the record count, so scores really move.
    return st.one_of(usual, anything)


records = st.fixed_dictionaries(
    {
        "kind": _mostly(
            st.sampled_from([*SCORED_KINDS, RecordKind.TAX_CREDIT_RATING]),
            st.sampled_from(sorted(RecordKind.values)),
        ),
        "severity": st.sampled_from(["", *Severity.values]),
        # Up to nine years back (past every max_years) and a few days ahead (not yet decided).
        "decided_days_ago": _mostly(
            st.integers(min_value=0, max_value=3 * 365),
            st.integers(min_value=-10, max_value=9 * 366),
        ),
        # Publicity ends relative to ON (None: no end), some already over.
        "publicity_days": st.one_of(
            st.none(),
            st.integers(min_value=0, max_value=5 * 366),
            st.integers(min_value=-400, max_value=5 * 366),
        ),
        "state": _mostly(st.just(RecordState.ACTIVE), st.sampled_from(RecordState.values)),
        "disclosure": _mostly(st.just(Disclosure.PUBLIC), st.sampled_from(Disclosure.values)),
        "tax_credit_level": st.sampled_from(["", *TaxCreditLevel.values]),
    }
)
counting_negative = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(SCORED_NEGATIVE_KINDS),
        "severity": st.sampled_from(Severity.values),
        "decided_days_ago": st.integers(min_value=0, max_value=3 * 365),
        "publicity_days": st.one_of(st.none(), st.integers(min_value=0, max_value=5 * 366)),
        "state": st.sampled_from(COUNTING_STATES),
        "disclosure": st.just(Disclosure.PUBLIC),
        "tax_credit_level": st.just(""),
    }
)


def _not_counting() -> st.SearchStrategy[dict[str, Any]]:
    """A record of any kind that must not count on ON, for one of five reasons."""
    anything = records
    return st.one_of(
        anything.map(lambda r: {**r, "state": RecordState.EXPIRED}),
        st.tuples(anything, st.sampled_from(NOT_COUNTING_STATES)).map(
            lambda p: {**p[0], "state": p[1]}
        ),
        st.tuples(anything, st.sampled_from([Disclosure.PARTIAL, Disclosure.GOVERNMENT])).map(
            lambda p: {**p[0], "disclosure": p[1]}
        ),
        st.tuples(anything, st.integers(min_value=1, max_value=400)).map(
            # Publicity ended before ON; decided no later than that end, or _record's
            # "never before the decision" would move the end to a decision made on ON.
            lambda p: {
                **p[0],
                "publicity_days": -p[1],
                "decided_days_ago": max(p[0]["decided_days_ago"], p[1]),
            }
        ),
        st.tuples(anything, st.integers(min_value=1, max_value=400)).map(
            lambda p: {**p[0], "decided_days_ago": -p[1]}  # decided after ON
        ),
    )


@pytest.fixture
def catalogue() -> Catalogue:
    return catalogue_load()


@pytest.fixture
def department() -> Department:
    return Department.objects.order_by("code").first() or Department.objects.create(
        code="prop-dept", name_zh="属性测试局", name_en="Property test bureau"
    )


def _record(subject: Subject, department: Department, spec: dict[str, Any]) -> CreditRecord:
    """A row the database accepts: severity only on negative kinds (and always there), a
    tax credit level only on tax ratings, publicity never ending before the decision."""
    decided = ON - dt.timedelta(days=spec["decided_days_ago"])
    ends = None
    if spec["publicity_days"] is not None:
        ends = max(ON + dt.timedelta(days=spec["publicity_days"]), decided)
    negative = spec["kind"] in NEGATIVE_KINDS
    return CreditRecord(
        subject=subject,
        department=department,
        kind=spec["kind"],
        severity=(spec["severity"] or Severity.GENERAL) if negative else "",
        decision_date=decided,
        publicity_end=ends,
        state=spec["state"],
        disclosure=spec["disclosure"],
        tax_credit_level=(
            spec["tax_credit_level"] if spec["kind"] == RecordKind.TAX_CREDIT_RATING else ""
        ),
        document_number=f"PROP-{next(_document_numbers)}",
        title="property test record",
    )


def _add(subject: Subject, department: Department, specs: list[dict[str, Any]]) -> None:
    CreditRecord.objects.bulk_create([_record(subject, department, spec) for spec in specs])


def _both(subject: Subject, catalogue: Catalogue) -> tuple[Any, Any]:
    explained = evaluate_subject(subject, on=ON, catalogue=catalogue)
    bulk = scores_bulk([subject.pk], on=ON, catalogue=catalogue)[subject.pk]
    return explained, bulk


def _assert_agree(explained: Any, bulk: Any, catalogue: Catalogue) -> None:
    assert (explained.score, explained.grade) == (bulk.score, bulk.grade)
    assert explained.compact() == bulk.breakdown
    assert 0 <= explained.score <= catalogue.edition.total
    assert explained.grade == catalogue.grade_for(explained.score)


@SCORING
@given(specs=st.lists(records, max_size=8))
def test_explaining_and_bulk_paths_agree_and_stay_in_range(catalogue, department, specs):
    subject = SubjectFactory()
    _add(subject, department, specs)

    explained, bulk = _both(subject, catalogue)

    _assert_agree(explained, bulk, catalogue)
    event("score moved" if explained.compact() else "nothing counted")


@SCORING
@given(specs=st.lists(records, max_size=6), negative=counting_negative)
def test_a_counting_negative_record_never_raises_the_score(catalogue, department, specs, negative):
    subject = SubjectFactory()
    _add(subject, department, specs)
    before, _ = _both(subject, catalogue)

    _add(subject, department, [negative])
    after, bulk_after = _both(subject, catalogue)

    assert after.score <= before.score
    _assert_agree(after, bulk_after, catalogue)


@SCORING
@given(specs=st.lists(records, max_size=6), extra=st.lists(_not_counting(), min_size=1, max_size=3))
def test_records_that_do_not_count_never_change_the_score(catalogue, department, specs, extra):
    subject = SubjectFactory()
    _add(subject, department, specs)
    before, bulk_before = _both(subject, catalogue)

    _add(subject, department, extra)
    after, bulk_after = _both(subject, catalogue)

    assert (after.score, after.grade, after.compact()) == (
        before.score,
        before.grade,
        before.compact(),
    )
    assert bulk_after == bulk_before
