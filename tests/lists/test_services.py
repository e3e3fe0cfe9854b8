"""The listing procedure: proposed → notified → listed → removed (rules.md §5.2)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.actors import Actor
from core.exceptions import DepartmentNotAllowed
from enterprises.models import AuditEvent, Department, Subject
from lists.exceptions import ListingNotAllowed, RepairNotEligible
from lists.models import CreditList, Label, ListEntry
from lists.queries import active_entries, subject_labels
from lists.services import (
    list_entry_list,
    list_entry_notify,
    list_entry_obligation_fulfilled,
    list_entry_propose,
    list_entry_remove,
)
from tests.factories import SubjectFactory, make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The assertions read the rules' messages in English; the site default is Chinese.
    from django.utils import translation

    with translation.override("en"):
        yield


D = dt.date


def _audit(entry: ListEntry) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="lists.listentry", object_id=str(entry.pk)))


def test_samr_listing_waits_ten_working_days_across_national_day(system):
    samr_list = CreditList.objects.get(slug="cn-samr-serious-violation")
    subject = SubjectFactory()
    entry = list_entry_propose(
        actor=system,
        credit_list=samr_list,
        subject=subject,
        reason="提供虚假材料骗取登记",
        proposed_on=D(2026, 9, 25),
    )
    assert entry.status == "proposed" and entry.times_listed == 1
    entry = list_entry_notify(actor=system, entry=entry, notified_on=D(2026, 9, 28))
    # 29, 30 Sep; 1–7 Oct holiday; 8, 9, 10 (make-up Saturday), 12–16 Oct.
    assert entry.objection_deadline == D(2026, 10, 16)
    assert entry.objection_deadline_provisional is False
    with pytest.raises(ListingNotAllowed) as excinfo:
        list_entry_list(actor=system, entry=entry, listed_on=D(2026, 10, 16))
    assert excinfo.value.field == "listed_on"
    entry = list_entry_list(actor=system, entry=entry, listed_on=D(2026, 10, 19))
    assert entry.status == "listed"
    assert entry.term_end == D(2029, 10, 18)  # three years, last day in force
    assert [e.action for e in _audit(entry)] == ["create", "state", "state"]
    assert Subject.objects.get(pk=subject.pk).rescore_requested_at is not None
    assert subject_labels([subject.pk], on=D(2026, 10, 19)) == {subject.pk: Label.PUNISHED}
    assert subject_labels([subject.pk], on=D(2026, 10, 18)) == {}


def test_samr_list_cannot_skip_the_notice(system):
    entry = list_entry_propose(
        actor=system,
        credit_list=CreditList.objects.get(slug="cn-samr-serious-violation"),
        subject=SubjectFactory(),
        reason="篡改监测数据",
    )
    with pytest.raises(ListingNotAllowed):
        list_entry_list(actor=system, entry=entry)


def test_red_list_listed_directly_gives_encouraged_label_unless_black(system, make_listed):
    entry = make_listed("cn-class-a-taxpayers", listed_on=D(2026, 4, 20))
    assert entry.term_end == D(2027, 4, 19)
    subject_id = entry.subject_id
    assert subject_labels([subject_id], on=D(2026, 11, 1)) == {subject_id: Label.ENCOURAGED}
    make_listed("zj-wage-arrears", subject=entry.subject, listed_on=D(2026, 10, 30))
    assert subject_labels([subject_id], on=D(2026, 11, 1)) == {subject_id: Label.PUNISHED}


def test_abnormal_operations_is_black_but_not_a_punished_label(make_listed):
    entry = make_listed("cn-abnormal-operations", listed_on=D(2026, 10, 20))
    assert active_entries(on=D(2026, 11, 1)).filter(pk=entry.pk).exists()
    assert subject_labels([entry.subject_id], on=D(2026, 11, 1)) == {}


def test_court_list_removal_due_three_working_days_after_fulfilment(system, make_listed):
    entry = make_listed("cn-dishonest-judgment-debtors", listed_on=D(2026, 6, 1))
    assert entry.term_end == D(2028, 5, 31)
    entry = list_entry_obligation_fulfilled(actor=system, entry=entry, fulfilled_on=D(2026, 9, 30))
    # 8, 9 and Saturday 10 October (a make-up working day).
    assert entry.removal_due == D(2026, 10, 10)
    entry = list_entry_remove(
        actor=system, entry=entry, reason="obligation_fulfilled", removed_on=D(2026, 10, 8)
    )
    assert (entry.status, entry.removal_reason, entry.obligation_fulfilled_on) == (
        "removed",
        "obligation_fulfilled",
        D(2026, 9, 30),
    )
    assert not active_entries(on=D(2026, 10, 9)).filter(pk=entry.pk).exists()
    assert ListEntry.objects.filter(pk=entry.pk).exists()  # nothing deleted


def test_term_over_only_after_the_term(system, make_listed):
    entry = make_listed("cn-samr-serious-violation", listed_on=D(2023, 1, 3))
    with pytest.raises(ListingNotAllowed):
        list_entry_remove(actor=system, entry=entry, reason="term_over", removed_on=D(2026, 1, 2))
    entry = list_entry_remove(
        actor=system, entry=entry, reason="term_over", removed_on=D(2026, 1, 3)
    )
    assert entry.removed_on == D(2026, 1, 3)


def test_repair_refused_for_second_listing_and_before_one_year(system, make_listed):
    first = make_listed("cn-samr-serious-violation", listed_on=D(2020, 1, 6))
    subject = first.subject
    list_entry_remove(actor=system, entry=first, reason="term_over", removed_on=D(2023, 1, 6))
    second = make_listed("cn-samr-serious-violation", subject=subject, listed_on=D(2025, 1, 6))
    assert second.times_listed == 2
    with pytest.raises(RepairNotEligible) as excinfo:
        list_entry_remove(actor=system, entry=second, reason="repaired", removed_on=D(2026, 6, 1))
    assert "2 times" in str(excinfo.value)
    once = make_listed("cn-samr-serious-violation", listed_on=D(2026, 3, 2))
    with pytest.raises(RepairNotEligible) as excinfo:
        list_entry_remove(actor=system, entry=once, reason="repaired", removed_on=D(2026, 11, 1))
    assert "2027-03-02" in str(excinfo.value)
    done = list_entry_remove(actor=system, entry=once, reason="repaired", removed_on=D(2027, 3, 2))
    assert done.removal_reason == "repaired"


def test_repair_refused_where_the_list_has_none(system, make_listed):
    entry = make_listed("cn-dishonest-judgment-debtors", listed_on=D(2025, 1, 6))
    with pytest.raises(RepairNotEligible):
        list_entry_remove(actor=system, entry=entry, reason="repaired", removed_on=D(2026, 6, 1))


def test_revoked_after_objection_before_listing(system):
    entry = list_entry_propose(
        actor=system,
        credit_list=CreditList.objects.get(slug="cn-samr-serious-violation"),
        subject=SubjectFactory(),
        reason="x",
        proposed_on=D(2026, 11, 2),
    )
    entry = list_entry_notify(actor=system, entry=entry, notified_on=D(2026, 11, 2))
    entry = list_entry_remove(
        actor=system,
        entry=entry,
        reason="revoked_after_objection",
        removed_on=D(2026, 11, 10),
        note="异议成立",
    )
    assert entry.status == "removed" and entry.listed_on is None
    assert _audit(entry)[-1].reason == "异议成立"


def test_only_the_identifying_department_acts():
    samr_list = CreditList.objects.get(slug="cn-samr-serious-violation")
    officer = Actor.for_user(make_officer(Department.objects.get(code="zj-eco")))
    with pytest.raises(DepartmentNotAllowed):
        list_entry_propose(
            actor=officer, credit_list=samr_list, subject=SubjectFactory(), reason="x"
        )
    own = make_officer(Department.objects.get(code="samr"), username="samr-officer")
    entry = list_entry_propose(
        actor=Actor.for_user(own), credit_list=samr_list, subject=SubjectFactory(), reason="x"
    )
    assert _audit(entry)[0].actor_label == "user:samr-officer"


def test_one_open_entry_per_subject_and_list(system, make_listed):
    entry = make_listed("zj-eco-serious")
    with pytest.raises(Exception) as excinfo:
        list_entry_propose(
            actor=system, credit_list=entry.credit_list, subject=entry.subject, reason="again"
        )
    assert "open entry" in str(excinfo.value)
