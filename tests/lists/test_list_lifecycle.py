"""Each list's own lifecycle (rules.md §5.2, §5.3): notice before listing only where the
list's basis gives it (SAMR serious-violation list: 10 working days; court lists: none),
and the abnormal-operations list without a term, whose entries move onto the SAMR
serious-violation list after 3 years without the obligation performed."""

from __future__ import annotations

import datetime as dt

import pytest

from enterprises.models import AuditEvent, JobRun
from lists.exceptions import ListingNotAllowed
from lists.models import CreditList, Label, ListEntry
from lists.queries import active_entries, subject_labels
from lists.services import (
    list_entries_expire,
    list_entry_list,
    list_entry_notify,
    list_entry_obligation_fulfilled,
    list_entry_propose,
    list_entry_remove,
)
from repair.services import records_expire
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db

D = dt.date
ABNORMAL = "cn-abnormal-operations"
SAMR = "cn-samr-serious-violation"


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _moved(entry: ListEntry) -> list[ListEntry]:
    return list(ListEntry.objects.filter(moved_from=entry))


def test_only_the_samr_serious_violation_list_gives_notice_before_listing():
    notice = dict(CreditList.objects.values_list("slug", "objection_working_days"))
    assert notice.pop(SAMR) == 10
    assert set(notice.values()) == {0}
    abnormal = CreditList.objects.get(slug=ABNORMAL)
    assert abnormal.term_months is None
    assert (abnormal.moves_to.slug, abnormal.moves_after_months) == (SAMR, 36)


@pytest.mark.parametrize("slug", ["cn-dishonest-judgment-debtors", "zj-dishonest-judgment-debtors"])
def test_court_list_entry_is_listed_the_day_it_is_proposed(system, slug):
    entry = list_entry_propose(
        actor=system,
        credit_list=CreditList.objects.get(slug=slug),
        subject=SubjectFactory(),
        reason="有履行能力而拒不履行",
        proposed_on=D(2026, 6, 1),
    )
    entry = list_entry_list(actor=system, entry=entry, listed_on=D(2026, 6, 1))
    assert (entry.status, entry.listed_on, entry.term_end) == (
        "listed",
        D(2026, 6, 1),
        D(2028, 5, 31),
    )
    assert entry.notified_on is None and entry.objection_deadline is None
    assert subject_labels([entry.subject_id], on=D(2026, 6, 1)) == {
        entry.subject_id: Label.PUNISHED
    }


def test_a_notice_on_a_list_without_notice_sets_no_deadline(system):
    entry = list_entry_propose(
        actor=system,
        credit_list=CreditList.objects.get(slug="zj-eco-serious"),
        subject=SubjectFactory(),
        reason="篡改监测数据",
        proposed_on=D(2026, 6, 1),
    )
    entry = list_entry_notify(actor=system, entry=entry, notified_on=D(2026, 6, 1))
    assert (entry.status, entry.objection_deadline) == ("notified", None)
    entry = list_entry_list(actor=system, entry=entry, listed_on=D(2026, 6, 1))
    assert entry.status == "listed"


def test_abnormal_operations_entry_has_no_term_and_moves_after_three_years(system, make_listed):
    entry = make_listed(ABNORMAL, listed_on=D(2023, 6, 1), reason="未依照规定的期限公示年度报告")
    assert entry.term_end is None  # no fixed term: it stays until the obligation is performed

    # 2023-06-01 + 3 years = 2026-06-01: the day before nothing happens.
    counts = list_entries_expire(on=D(2026, 5, 31), actor=system)
    assert counts["entries_moved_on"] == 0 and counts["entries_term_over"] == 0
    assert _moved(entry) == []

    counts = list_entries_expire(on=D(2026, 6, 1), actor=system)
    assert counts["entries_moved_on"] == 1
    [serious] = _moved(entry)
    assert serious.credit_list.slug == SAMR
    assert (serious.status, serious.proposed_on) == ("proposed", D(2026, 6, 1))
    assert serious.subject_id == entry.subject_id
    assert serious.department_id == entry.department_id
    assert "2023-06-01" in serious.reason and "未依照规定的期限公示年度报告" in serious.reason
    assert f"entry {entry.pk}" in serious.reason
    [created] = AuditEvent.objects.filter(
        object_type="lists.listentry", object_id=str(serious.pk), action="create"
    )
    assert created.actor_label == "system:tests" and created.reason == serious.reason

    # The abnormal-operations entry stays listed and in force.
    entry.refresh_from_db()
    assert entry.status == "listed"
    assert active_entries(on=D(2026, 6, 1)).filter(pk=entry.pk).exists()

    # Never twice: the next nights leave it alone.
    assert list_entries_expire(on=D(2026, 6, 2), actor=system)["entries_moved_on"] == 0
    assert len(_moved(entry)) == 1

    # The new entry has the SAMR list's own notice: 10 working days after 1 June 2026.
    serious = list_entry_notify(actor=system, entry=serious, notified_on=D(2026, 6, 1))
    assert serious.objection_deadline == D(2026, 6, 15)
    with pytest.raises(ListingNotAllowed):
        list_entry_list(actor=system, entry=serious, listed_on=D(2026, 6, 15))
    serious = list_entry_list(actor=system, entry=serious, listed_on=D(2026, 6, 16))
    assert serious.term_end == D(2029, 6, 15)
    assert subject_labels([entry.subject_id], on=D(2026, 6, 16)) == {
        entry.subject_id: Label.PUNISHED
    }
    entry.refresh_from_db()
    assert entry.status == "listed"  # both in force until the obligation is performed


def test_a_move_revoked_after_objection_is_not_proposed_again(system, make_listed):
    entry = make_listed(ABNORMAL, listed_on=D(2023, 6, 1))
    list_entries_expire(on=D(2026, 6, 1), actor=system)
    [serious] = _moved(entry)
    list_entry_remove(
        actor=system, entry=serious, reason="revoked_after_objection", removed_on=D(2026, 6, 5)
    )
    assert list_entries_expire(on=D(2026, 6, 8), actor=system)["entries_moved_on"] == 0
    assert len(_moved(entry)) == 1


def test_an_obligation_performed_before_three_years_ends_the_entry_without_a_move(
    system, make_listed
):
    entry = make_listed(ABNORMAL, listed_on=D(2023, 6, 1))
    list_entry_obligation_fulfilled(actor=system, entry=entry, fulfilled_on=D(2026, 5, 29))
    counts = list_entries_expire(on=D(2026, 6, 1), actor=system)
    assert (counts["entries_fulfilled"], counts["entries_moved_on"]) == (1, 0)
    entry.refresh_from_db()
    assert (entry.status, entry.removal_reason) == ("removed", "obligation_fulfilled")
    assert _moved(entry) == []


def test_a_29_february_listing_moves_on_28_february_three_years_later(system, make_listed):
    entry = make_listed(ABNORMAL, listed_on=D(2024, 2, 29))
    assert list_entries_expire(on=D(2027, 2, 27), actor=system)["entries_moved_on"] == 0
    assert list_entries_expire(on=D(2027, 2, 28), actor=system)["entries_moved_on"] == 1
    assert _moved(entry)[0].proposed_on == D(2027, 2, 28)


def test_the_move_waits_while_the_subject_has_an_open_samr_entry(system, make_listed):
    entry = make_listed(ABNORMAL, listed_on=D(2023, 6, 1))
    other = make_listed(SAMR, subject=entry.subject, listed_on=D(2023, 1, 3))
    counts = list_entries_expire(on=D(2026, 1, 2), actor=system)
    assert counts["entries_move_waiting"] == 0  # not yet 3 years
    counts = list_entries_expire(on=D(2026, 6, 1), actor=system)
    # The SAMR term ended on 2026-01-02; the run removes it first, then moves.
    assert counts["entries_moved_on"] == 1
    other.refresh_from_db()
    assert other.status == "removed"

    waiting = make_listed(ABNORMAL, listed_on=D(2023, 6, 1))
    make_listed(SAMR, subject=waiting.subject, listed_on=D(2026, 3, 2))
    counts = list_entries_expire(on=D(2026, 6, 1), actor=system)
    assert (counts["entries_moved_on"], counts["entries_move_waiting"]) == (0, 1)
    assert _moved(waiting) == []


def test_the_nightly_expiry_job_moves_entries_and_counts_them(make_listed):
    entry = make_listed(ABNORMAL, listed_on=D(2023, 6, 1))
    result = records_expire(on=D(2026, 6, 1))
    assert result.counts["entries_moved_on"] == 1
    assert JobRun.objects.get(pk=result.job_id).counts["entries_moved_on"] == 1
    assert records_expire(on=D(2026, 6, 1)).counts["entries_moved_on"] == 0
    [serious] = _moved(entry)
    assert serious.credit_list.slug == SAMR


def test_the_list_page_and_the_admin_show_the_notice_and_the_move(client, system, make_listed):
    from django.contrib.auth import get_user_model

    client.cookies["django_language"] = "en"
    samr = client.get("/lists/cn-samr-serious-violation/").content.decode()
    assert "may object for 10 working days before listing" in samr
    court = client.get("/lists/cn-dishonest-judgment-debtors/").content.decode()
    assert "None: listed without prior notice" in court
    client.cookies["django_language"] = "zh-hans"
    assert (
        "10 个工作日内提出异议" in client.get("/lists/cn-samr-serious-violation/").content.decode()
    )

    entry = make_listed(ABNORMAL, listed_on=D(2023, 6, 1))
    list_entries_expire(on=D(2026, 6, 1), actor=system)
    [serious] = _moved(entry)
    client.force_login(get_user_model().objects.create_superuser("lists", "l@example.com", "pw"))
    client.cookies["django_language"] = "en"
    abnormal_list = CreditList.objects.get(slug=ABNORMAL)
    page = client.get(f"/admin/lists/creditlist/{abnormal_list.pk}/change/")
    assert page.status_code == 200
    assert "unperformed entries move onto" in page.content.decode().lower()
    assert client.get(f"/admin/lists/listentry/{serious.pk}/change/").status_code == 200


def test_the_migration_drops_the_term_of_listed_abnormal_operations_entries(make_listed):
    import importlib

    from django.apps import apps

    entry = make_listed(ABNORMAL, listed_on=D(2023, 6, 1))
    ListEntry.objects.filter(pk=entry.pk).update(term_end=D(2026, 5, 31))  # the old 36 months
    CreditList.objects.filter(slug=ABNORMAL).update(term_months=36, moves_to=None)
    CreditList.objects.filter(slug="cn-dishonest-judgment-debtors").update(
        objection_working_days=10
    )
    migration = importlib.import_module("lists.migrations.0004_list_notice_and_moves_data")
    migration.forwards(apps, None)
    entry.refresh_from_db()
    assert entry.term_end is None
    abnormal = CreditList.objects.get(slug=ABNORMAL)
    assert (abnormal.term_months, abnormal.moves_to.slug, abnormal.moves_after_months) == (
        None,
        SAMR,
        36,
    )
    court = CreditList.objects.get(slug="cn-dishonest-judgment-debtors")
    assert court.objection_working_days == 0
