"""The evaluation API, the credit-file partial and the two scoring paths agreeing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from enterprises import queries, scoring
from enterprises.models import CreditRecord, Department, Evaluation, ScoreHistory, Subject
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def test_evaluation_api_gives_score_grade_edition_and_breakdown(client):
    subject = SubjectFactory()
    record = CreditRecordFactory(subject=subject, severity="serious")
    scoring.subject_rescore(subject_id=subject.pk)

    response = client.get(f"/api/v1/enterprises/{subject.uscc}/evaluation/")

    assert response.status_code == 200
    body = response.json()
    assert (body["score"], body["grade"], body["base"]) == (770, "C", 815)
    assert body["edition"]["code"] == "zj-corporate-2020"
    [row] = body["breakdown"]
    assert (row["code"], row["weight"], row["points"]) == ("4.1.1", 90, -45)
    [item] = row["items"]
    assert item["id"] == record.pk
    assert item["stops_on"] == str(record.publicity_end + dt.timedelta(days=1))
    assert item["gain_when_stops"] == 45


def test_evaluation_api_errors_name_the_field(client):
    response = client.get("/api/v1/enterprises/91330100799655058X/evaluation/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "uscc"

    response = client.get("/api/v1/enterprises/91330100799655058B/evaluation/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["reason"] == "No credit subject with this code."

    SubjectFactory(uscc="91330100799655058B")
    response = client.get("/api/v1/enterprises/91330100799655058B/evaluation/")
    assert response.status_code == 404
    assert "not been evaluated" in response.json()["detail"]


def test_catalogue_api_gives_the_active_tree(client):
    response = client.get("/api/v1/catalogue/")
    assert response.status_code == 200
    body = response.json()
    assert body["edition"]["code"] == "zj-corporate-2020"
    assert [p["weight"] for p in body["indicators"]] == [80, 195, 90, 450, 185]
    tertiary = body["indicators"][3]["children"][0]["children"][0]
    assert tertiary["code"] == "4.1.1"
    assert tertiary["rule"]["points_serious"] == 45
    assert body["grades"] == {"A": 850, "B": 800, "C": 750, "D": 700}
    assert client.get("/api/v1/catalogue/?jurisdiction=mars").status_code == 404


def test_schema_documents_the_evaluation_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/enterprises/{uscc}/evaluation/" in paths
    assert "/api/v1/catalogue/" in paths


def _subject_with_history(n_records: int) -> Subject:
    subject = SubjectFactory()
    scoring.subject_rescore(subject_id=subject.pk)
    for n in range(n_records):
        CreditRecordFactory(subject=subject, document_number=f"q{subject.pk}-{n}")
        scoring.subject_rescore(subject_id=subject.pk)
    return subject


def test_evaluation_context_takes_a_constant_number_of_queries():
    counts = []
    for n in (1, 4):
        subject = _subject_with_history(n)
        with CaptureQueriesContext(connection) as queries_made:
            context = queries.evaluation_context(subject)
            html = render_to_string("enterprises/_evaluation.html", context)
        counts.append(len(queries_made))
        assert "<svg" in html and "<polyline" in html
        assert context["evaluation"].score == 815 - 18 * n
        assert len(context["history"]) == n + 1
    assert counts[0] == counts[1] <= 6


def test_partial_renders_with_only_the_evaluation():
    subject = SubjectFactory()
    end = TODAY + dt.timedelta(days=30)
    CreditRecordFactory(subject=subject, severity="serious", publicity_end=end)
    scoring.subject_rescore(subject_id=subject.pk)
    evaluation = Evaluation.objects.select_related("subject", "edition").get(subject=subject)

    with translation.override("en"):
        html = render_to_string("enterprises/_evaluation.html", {"evaluation": evaluation})

    assert "770" in html
    assert "<svg" in html
    assert f"+45 on {(end + dt.timedelta(days=1)):%Y-%m-%d}" in html


def test_no_evaluation_for_natural_persons():
    person = SubjectFactory(
        subject_type="natural_person", uscc=None, id_number="330106199001011234"
    )
    assert queries.evaluation_context(person)["evaluation"] is None


# --- Property: the single and the bulk path agree -------------------------------------------------

KINDS = [
    ("penalty", "fine"),
    ("enforcement", ""),
    ("abnormal_operation", ""),
    ("tax_arrears", ""),
    ("criminal", ""),
    ("honour", ""),
    ("donation", ""),
    ("volunteering", ""),
    ("tax_credit_rating", ""),
    ("licence", ""),
]
NEGATIVE = {"penalty", "enforcement", "abnormal_operation", "tax_arrears", "criminal"}

record_strategy = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(KINDS),
        "severity": st.sampled_from(["minor", "general", "serious"]),
        "age_days": st.integers(min_value=-30, max_value=8 * 366),
        "publicity_days": st.one_of(st.none(), st.integers(min_value=-400, max_value=2000)),
        "state": st.sampled_from(["active", "under_objection", "expired", "repaired", "revoked"]),
        "disclosure": st.sampled_from(["public", "public", "partial"]),
        "level": st.sampled_from(["A", "A", "B", "M"]),
    }
)


LIST_SLUGS = ["zj-eco-serious", "cn-samr-serious-violation", "cn-abnormal-operations",
              "zj-class-a-taxpayers", "zj-contract-abiding"]  # fmt: skip
entry_strategy = st.fixed_dictionaries(
    {
        "age_days": st.integers(min_value=-30, max_value=7 * 366),
        "term_days": st.one_of(st.none(), st.integers(min_value=-100, max_value=1500)),
        "public": st.booleans(),
    }
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    subjects=st.lists(st.lists(record_strategy, max_size=8), min_size=1, max_size=4),
    entries=st.lists(
        st.dictionaries(st.sampled_from(LIST_SLUGS), entry_strategy, max_size=3), max_size=4
    ),
    offset=st.integers(min_value=-800, max_value=800),
)
def test_single_and_bulk_paths_agree(subjects, entries, offset):
    department = Department.objects.get(code="zj-amr")
    on = TODAY + dt.timedelta(days=offset)
    created: list[Subject] = []
    rows: list[CreditRecord] = []
    for records in subjects:
        subject = SubjectFactory()
        created.append(subject)
        for n, spec in enumerate(records):
            kind, penalty_type = spec["kind"]
            decided = on - dt.timedelta(days=spec["age_days"])
            negative = kind in NEGATIVE
            end = None
            if spec["publicity_days"] is not None:
                end = max(decided, on + dt.timedelta(days=spec["publicity_days"]))
            elif negative:
                penalty_type = "licence_revoked" if kind == "penalty" else penalty_type
            rows.append(
                CreditRecord(
                    subject=subject,
                    department=department,
                    kind=kind,
                    decision_date=decided,
                    document_number=f"p{subject.pk}-{n}",
                    title=kind,
                    severity=spec["severity"] if negative else "",
                    penalty_type=penalty_type,
                    fine_amount=1000 if penalty_type == "fine" else None,
                    publicity_end=end,
                    state=spec["state"],
                    disclosure=spec["disclosure"],
                    tax_credit_level=spec["level"] if kind == "tax_credit_rating" else "",
                    tax_year=2020 if kind == "tax_credit_rating" else None,
                )
            )
    CreditRecord.objects.bulk_create(rows)
    _list_entries(created, entries, on)
    catalogue = scoring.catalogue_load()

    bulk = scoring.scores_bulk([s.pk for s in created], on=on, catalogue=catalogue)

    for subject in created:
        single = scoring.evaluate_subject(subject, on=on, catalogue=catalogue)
        assert (bulk[subject.pk].score, bulk[subject.pk].grade) == (single.score, single.grade)
        assert bulk[subject.pk].breakdown == single.compact()
    # The set-based writer of the nightly job (one SQL statement per id range on
    # PostgreSQL) stores the same results.
    ids = [s.pk for s in created]
    with transaction.atomic():
        scoring._score_range(
            low=min(ids), high=max(ids), on=on, catalogue=catalogue, now=timezone.now()
        )
    stored = {e.subject_id: e for e in Evaluation.objects.filter(subject_id__in=ids)}
    assert set(stored) == set(ids)
    for subject_id, scored in bulk.items():
        evaluation = stored[subject_id]
        assert (evaluation.score, evaluation.grade, evaluation.breakdown) == (
            scored.score, scored.grade, scored.breakdown,
        )  # fmt: skip
    assert ScoreHistory.objects.filter(subject_id__in=ids).count() == len(ids)
    CreditRecord.objects.filter(subject__in=created).delete()
    from lists.models import ListEntry

    ListEntry.objects.filter(subject__in=created).delete()
    Subject.objects.filter(pk__in=[s.pk for s in created]).delete()


def _list_entries(subjects: list[Subject], entries: list[dict], on: dt.date) -> None:
    from lists.models import CreditList, ListEntry

    lists = {c.slug: c for c in CreditList.objects.filter(slug__in=LIST_SLUGS)}
    rows = []
    for subject, by_list in zip(subjects, entries, strict=False):
        for slug, spec in by_list.items():
            listed = on - dt.timedelta(days=spec["age_days"])
            term_end = None
            if spec["term_days"] is not None:
                term_end = max(listed, on + dt.timedelta(days=spec["term_days"]))
            rows.append(
                ListEntry(
                    credit_list=lists[slug],
                    subject=subject,
                    department=lists[slug].authority,
                    status="listed",
                    reason="test",
                    disclosure="public" if spec["public"] else "partial",
                    proposed_on=listed,
                    listed_on=listed,
                    term_end=term_end,
                )
            )
    ListEntry.objects.bulk_create(rows)
