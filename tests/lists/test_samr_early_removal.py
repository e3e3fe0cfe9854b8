"""Early removal from the SAMR serious-violation list (rules.md §5.3): at least 12 months
listed and no new heavier penalty since listing, i.e. no serious administrative penalty of
market regulation decided after the listing date. Dates written out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from enterprises.models import Department, RecordState
from lists.exceptions import RepairNotEligible
from lists.models import ListEntry
from lists.services import list_entry_remove
from repair.eligibility import NEVER, NOW, entry_eligibility
from tests.factories import CreditRecordFactory

pytestmark = pytest.mark.django_db

SAMR_LIST = "cn-samr-serious-violation"
LISTED = dt.date(2025, 3, 3)  # a Monday
ASKED = dt.date(2026, 3, 3)  # 12 months listed


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def amr():
    return Department.objects.get(code="zj-amr")


@pytest.fixture
def entry(make_listed):
    return make_listed(SAMR_LIST, listed_on=LISTED)


def _penalty(entry, department, decided, number, severity="serious", **extra):
    return CreditRecordFactory(
        subject=entry.subject,
        department=department,
        decision_date=decided,
        document_number=number,
        severity=severity,
        publicity_end=decided + dt.timedelta(days=3 * 365),
        **extra,
    )


def test_removed_early_after_twelve_months_without_a_new_penalty(entry, system):
    assert entry_eligibility(entry, on=dt.date(2026, 3, 2)).status != NOW
    assert entry_eligibility(entry, on=ASKED).status == NOW
    removed = list_entry_remove(
        actor=system, entry=entry, reason=ListEntry.RemovalReason.REPAIRED, removed_on=ASKED
    )
    assert removed.status == ListEntry.Status.REMOVED


def test_serious_penalty_after_listing_blocks_early_removal_naming_it(entry, amr, system):
    """Listed 2025-03-03; a serious penalty of 2025-06-10: refused on 2026-03-03."""
    _penalty(entry, amr, dt.date(2025, 6, 10), "浙市监罚〔2025〕61号")
    answer = entry_eligibility(entry, on=ASKED)
    assert answer.status == NEVER
    text = " ".join(str(r) for r in answer.reasons)
    assert "浙市监罚〔2025〕61号" in text and "2025-06-10" in text and "2025-03-03" in text
    assert "heavier penalty" in text
    with pytest.raises(RepairNotEligible) as refused:
        list_entry_remove(
            actor=system, entry=entry, reason=ListEntry.RemovalReason.REPAIRED, removed_on=ASKED
        )
    assert "浙市监罚〔2025〕61号" in str(refused.value.message)
    entry.refresh_from_db()
    assert entry.status == ListEntry.Status.LISTED


def test_what_does_not_count_as_a_new_heavier_penalty(entry, amr):
    # A general penalty after listing; a serious one decided on the listing day itself or
    # before; a revoked record; a decision revoked; one decided after the day asked;
    # a serious penalty of a department that is not market regulation.
    _penalty(entry, amr, dt.date(2025, 6, 10), "浙市监罚〔2025〕70号", severity="general")
    _penalty(entry, amr, LISTED, "浙市监罚〔2025〕71号")
    _penalty(entry, amr, dt.date(2025, 1, 20), "浙市监罚〔2025〕72号")
    _penalty(entry, amr, dt.date(2025, 7, 1), "浙市监罚〔2025〕73号", state=RecordState.REVOKED)
    _penalty(
        entry,
        amr,
        dt.date(2025, 8, 1),
        "浙市监罚〔2025〕74号",
        decision_revoked_on=dt.date(2025, 9, 1),
        state=RecordState.REVOKED,
    )
    _penalty(entry, amr, dt.date(2026, 3, 4), "浙市监罚〔2026〕75号")
    _penalty(
        entry, Department.objects.get(code="zj-eco"), dt.date(2025, 6, 10), "浙环罚〔2025〕1号"
    )
    assert entry_eligibility(entry, on=ASKED).status == NOW


def test_public_answer_names_only_a_public_penalty(entry, amr):
    _penalty(entry, amr, dt.date(2025, 6, 10), "浙市监罚〔2025〕80号", disclosure="government")
    public = entry_eligibility(entry, on=ASKED)
    assert public.status == NEVER
    public_text = " ".join(str(r) for r in public.reasons)
    assert "浙市监罚〔2025〕80号" not in public_text and "heavier penalty" in public_text
    officials = entry_eligibility(entry, on=ASKED, officials=True)
    assert "浙市监罚〔2025〕80号" in " ".join(str(r) for r in officials.reasons)


def test_other_lists_do_not_apply_the_rule(make_listed, amr):
    """The Zhejiang ecology list (its authority is not market regulation) keeps its own
    conditions: a serious SAMR-side penalty after listing does not block it."""
    entry = make_listed("zj-eco-serious", listed_on=LISTED)
    _penalty(entry, amr, dt.date(2025, 6, 10), "浙市监罚〔2025〕90号")
    assert entry_eligibility(entry, on=ASKED).status == NOW
