"""/statistics/: figures of public information only, computed into a stored snapshot by a
job, served from it, drawn as SVG with tables."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from core.models import JobRun
from enterprises import scoring
from enterprises.models import Department, Disclosure, RecordState
from lists.models import CreditList, ListEntry
from portal.models import StatisticsSnapshot
from portal.statistics import compute as compute_module
from portal.statistics import statistics_compute, statistics_job, statistics_latest
from repair.models import Case, CaseKind
from rules.workdays import working_days_between
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
RECENT = TODAY - dt.timedelta(days=40)


def _entry(subject, slug: str, **fields) -> ListEntry:
    credit_list = CreditList.objects.get(slug=slug)
    values = {
        "status": ListEntry.Status.LISTED,
        "reason": "理由",
        "proposed_on": TODAY - dt.timedelta(days=400),
        "listed_on": TODAY - dt.timedelta(days=300),
        **fields,
    }
    return ListEntry.objects.create(
        credit_list=credit_list, subject=subject, department=credit_list.authority, **values
    )


@pytest.fixture
def world():
    """Hangzhou (330106, industry I) and Ningbo (330203, industry C) organisations with
    public and non-public information."""
    hz = SubjectFactory(region_id="330106", industry_id="I")
    nb = SubjectFactory(region_id="330203", industry_id="C")
    person = SubjectFactory(
        subject_type="natural_person", uscc=None, id_number="330106199001011234"
    )
    end = TODAY + dt.timedelta(days=365)
    # Counted: public negative records in publicity.
    CreditRecordFactory(subject=hz, decision_date=RECENT, publicity_end=end)
    CreditRecordFactory(subject=hz, decision_date=RECENT, publicity_end=end, severity="serious")
    CreditRecordFactory(subject=nb, decision_date=RECENT, publicity_end=end)
    # Not counted: partly public, expired, repaired, a natural person's, trust-keeping.
    CreditRecordFactory(subject=nb, disclosure=Disclosure.PARTIAL, publicity_end=end)
    CreditRecordFactory(subject=nb, state=RecordState.EXPIRED)
    CreditRecordFactory(subject=nb, state=RecordState.REPAIRED, publicity_end=end)
    CreditRecordFactory(subject=person, decision_date=RECENT, publicity_end=end)
    CreditRecordFactory(subject=hz, kind="honour", severity="", penalty_type="", fine_amount=None)
    for subject in (hz, nb):
        scoring.subject_rescore(subject_id=subject.pk)
    # List entries: one black in force, one black removed 100 days ago, one red in force,
    # one black revoked after an objection (never counted), one partly public.
    _entry(hz, "cn-dishonest-judgment-debtors")
    _entry(
        nb,
        "cn-samr-serious-violation",
        status=ListEntry.Status.REMOVED,
        removed_on=TODAY - dt.timedelta(days=100),
        removal_reason=ListEntry.RemovalReason.TERM_OVER,
    )
    _entry(nb, "cn-class-a-taxpayers")
    _entry(
        hz,
        "cn-samr-serious-violation",
        status=ListEntry.Status.REMOVED,
        removed_on=TODAY - dt.timedelta(days=10),
        removal_reason=ListEntry.RemovalReason.REVOKED_AFTER_OBJECTION,
    )
    _entry(nb, "cn-abnormal-operations", disclosure=Disclosure.PARTIAL)
    return hz, nb


def _by_code(rows: list[dict]) -> dict[str, dict]:
    return {row["code"]: row for row in rows}


def test_figures_count_public_information_only(world):
    data = statistics_compute()

    assert data["negative_records"] == 3
    assert data["black_entries"] == 1
    regions = _by_code(data["by_region"])
    assert (regions["330100"]["records"], regions["330100"]["black"]) == (2, 1)
    assert (regions["330200"]["records"], regions["330200"]["black"]) == (1, 0)
    assert regions["330100"]["name_zh"] == "杭州市"
    industries = _by_code(data["by_industry"])
    assert (industries["I"]["records"], industries["C"]["records"]) == (2, 1)
    months = {row["month"]: row["records"] for row in data["by_month"]}
    assert len(months) == 24 and months[f"{RECENT:%Y-%m}"] == 3
    assert [g["grade"] for g in data["grades"]] == ["A", "B", "C", "D", "E"]
    assert data["evaluated"] == 2
    # Entries over time: today one black (the removed one ended, the revoked one never
    # counts) and one red; 200 days ago both black entries were in force.
    last = data["entries_over_time"][-1]
    assert last["day"] == TODAY.isoformat() and (last["black"], last["red"]) == (1, 1)
    earlier = [
        row
        for row in data["entries_over_time"]
        if TODAY - dt.timedelta(days=290)
        < dt.date.fromisoformat(row["day"])
        < TODAY - dt.timedelta(days=110)
    ]
    assert earlier and all(row["black"] == 2 for row in earlier)


def test_handling_times_against_deadlines(world):
    hz, _nb = world
    department = Department.objects.first()
    common = {"subject": hz, "department": department, "contact_name": "王",
              "contact_email": "w@example.com", "access_code_hash": "x"}  # fmt: skip
    received = TODAY - dt.timedelta(days=60)
    Case.objects.create(
        kind=CaseKind.OBJECTION, reference="O1", received_on=received,
        decided_on=received + dt.timedelta(days=7), decision_due=received + dt.timedelta(days=14),
        decision_due_days=10, state="decided", **common,
    )  # fmt: skip
    Case.objects.create(
        kind=CaseKind.OBJECTION, reference="O2", received_on=received,
        decision_due=received + dt.timedelta(days=14), decision_due_days=10, **common,
    )  # fmt: skip

    data = statistics_compute()

    objection = next(row for row in data["handling"] if row["kind"] == CaseKind.OBJECTION)
    assert (objection["received"], objection["decided"], objection["open"]) == (2, 1, 1)
    assert objection["overdue"] == 1
    assert objection["within_share"] == 1.0
    assert objection["deadline_days"] == 10.0
    expected = working_days_between(received, received + dt.timedelta(days=7))
    assert objection["median_days"] == float(expected) <= 5  # working days, not calendar


def test_page_serves_the_stored_snapshot(world, django_assert_max_num_queries):
    client = Client()
    client.cookies["django_language"] = "en"
    assert not StatisticsSnapshot.objects.exists()

    first = client.get("/statistics/")  # computes the missing snapshot

    assert first.status_code == 200
    assert StatisticsSnapshot.objects.count() == 1
    with django_assert_max_num_queries(3):
        second = client.get("/statistics/")
    assert StatisticsSnapshot.objects.count() == 1
    html = second.content.decode()
    # Charts with titles and descriptions, and the tables beside them.
    for chart_id in ("grades", "regions", "industries", "months", "entries", "handling"):
        assert f'id="chart-{chart_id}-title"' in html
        assert f'id="table-{chart_id}"' in html
    assert html.count('role="img"') == 6
    assert re.search(r"<th scope=\"row\">Hangzhou[^<]*</th><td>2</td><td>1</td>", html)
    assert "/repair/statistics/" in html
    # A snapshot is what the page shows: new information appears after the next run.
    CreditRecordFactory(subject=world[0], decision_date=RECENT)
    assert "<td>2</td><td>1</td>" in client.get("/statistics/").content.decode()


def test_page_in_chinese_and_linked_from_the_navigation(world):
    client = Client()
    html = client.get("/statistics/").content.decode()
    assert "统计" in html and "杭州市" in html
    assert 'href="/statistics/"' in client.get("/").content.decode()


def test_job_stores_a_snapshot_and_leaves_a_run_row(world):
    pk = statistics_job()

    snapshot = StatisticsSnapshot.objects.get(pk=pk)
    assert snapshot.data["negative_records"] == 3 and snapshot.as_of == TODAY
    run = JobRun.objects.get(name="compute_statistics")
    assert run.status == JobRun.Status.SUCCEEDED and run.counts["snapshot"] == pk
    assert statistics_latest().pk == pk


def test_only_the_last_snapshots_are_kept(world, monkeypatch):
    monkeypatch.setattr(compute_module, "KEEP", 2)
    pks = [statistics_job() for _ in range(3)]
    assert sorted(StatisticsSnapshot.objects.values_list("pk", flat=True)) == pks[1:]


def test_empty_database_gives_a_page_not_an_error():
    response = Client().get("/statistics/")
    assert response.status_code == 200
    assert "None." in response.content.decode() or "无" in response.content.decode()


def test_the_command_stores_a_snapshot(world):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("compute_statistics", stdout=out)
    pk = StatisticsSnapshot.objects.latest("pk").pk
    assert f"Stored statistics snapshot {pk}." in out.getvalue()
