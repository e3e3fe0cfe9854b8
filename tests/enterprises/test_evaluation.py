"""Public credit evaluation: the catalogue as data, the thesis examples built
through the source-department API, what counts, the stored results and the nightly job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from core.actors import Actor
from core.tokens import token_issue
from enterprises import scoring
from enterprises.catalogue import edition_activate, edition_copy, edition_problems
from enterprises.models import (
    Department,
    Edition,
    Evaluation,
    Indicator,
    JobRun,
    ScoreHistory,
    Subject,
)
from enterprises.services import record_state_set
from rules.kinds import INDICATORS_2020
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()

# Annex 2 transcribed independently of the migration: code → weight.
ANNEX_2 = {
    "1": 80, "1.1": 40, "1.1.1": 20, "1.1.2": 20, "1.2": 40, "1.2.1": 20, "1.2.2": 20,
    "2": 195, "2.1": 135, "2.1.1": 50, "2.1.2": 60, "2.1.3": 15, "2.1.4": 10,
    "2.2": 60, "2.2.1": 30, "2.2.2": 30,
    "3": 90, "3.1": 30, "3.1.1": 30, "3.2": 30, "3.2.1": 30, "3.3": 30, "3.3.1": 30,
    "4": 450, "4.1": 200, "4.1.1": 90, "4.1.2": 60, "4.1.3": 20, "4.1.4": 30,
    "4.2": 130, "4.2.1": 50, "4.2.2": 60, "4.2.3": 20, "4.3": 120, "4.3.1": 120,
    "5": 185, "5.1": 65, "5.1.1": 30, "5.1.2": 35, "5.2": 120, "5.2.1": 60, "5.2.2": 60,
}  # fmt: skip
ANNEX_2_NAMES = {
    "1": "基本情况", "2": "金融财税", "3": "管治能力", "4": "遵纪守法", "5": "社会责任",
    "1.1": "主要人员信息", "2.1": "金融信息", "4.3": "严重失信信息", "5.2": "守信激励信息",
}  # fmt: skip


def active_edition() -> Edition:
    return Edition.objects.get(jurisdiction="zhejiang", status="active")


# --- Catalogue ------------------------------------------------------------------------------


def test_catalogue_matches_annex_2_weight_for_weight():
    edition = active_edition()
    indicators = {i.code: i for i in edition.indicators.select_related("parent")}

    assert {code: i.weight for code, i in indicators.items()} == ANNEX_2
    for code, name in ANNEX_2_NAMES.items():
        assert indicators[code].name_zh == name
    for tertiary in INDICATORS_2020:
        row = indicators[tertiary.code]
        assert (row.level, row.name_zh, row.weight, row.adds) == (
            3,
            tertiary.name_zh,
            tertiary.weight,
            tertiary.adds,
        )
        assert row.parent.code == tertiary.code.rpartition(".")[0]
        assert row.data_sources_zh and row.data_sources_en
    assert indicators["4.1.1"].data_sources_zh == "有关部门"
    assert indicators["5.1.2"].data_sources_zh == "省红十字会、民政部门"
    assert sum(i.weight for i in indicators.values() if i.level == 1) == 1000
    assert edition_problems(edition=edition) == []


def test_no_information_at_all_scores_815_grade_b():
    subject = SubjectFactory()
    result = scoring.evaluate_subject(subject)
    assert (result.score, result.grade) == (815, "B")
    assert result.edition.code == "zj-corporate-2020"


def test_an_edition_whose_weights_do_not_add_up_cannot_be_activated(system_actor):
    draft = edition_copy(
        actor=system_actor,
        edition=active_edition(),
        code="zj-corporate-2099",
        name_zh="测试版",
        name_en="Test edition",
    )
    Indicator.objects.filter(edition=draft, code="4.1.1").update(weight=100)

    problems = edition_problems(edition=draft)
    assert any("4.1" in p and "210" in p for p in problems), problems
    with pytest.raises(ValidationError):
        edition_activate(actor=system_actor, edition=draft)
    assert active_edition().code == "zj-corporate-2020"

    Indicator.objects.filter(edition=draft, code="4.1.1").update(weight=90)
    edition_activate(actor=system_actor, edition=draft)
    assert active_edition().code == "zj-corporate-2099"
    assert Edition.objects.get(code="zj-corporate-2020").status == "retired"


# --- The thesis examples, through the source-department API ---------------------------------


def client_for(code: str) -> APIClient:
    _token, key = token_issue(department=Department.objects.get(code=code))
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def post_record(client: APIClient, subject: Subject, number: str, **fields) -> None:
    body = {
        "subject_uscc": subject.uscc,
        "document_number": number,
        "title": fields.pop("title", fields["kind"]),
        "decision_date": fields.pop("decision_date", str(TODAY - dt.timedelta(days=100))),
        **fields,
    }
    response = client.post("/api/v1/records/", body, format="json")
    assert response.status_code == 201, response.json()


def stored(subject: Subject) -> Evaluation:
    return Evaluation.objects.get(subject=subject)


def test_licences_and_three_trust_keeping_records_score_above_900(
    django_capture_on_commit_callbacks,
):
    """Alibaba (rules.md §4.1): licences, Class A taxpayer, a provincial honour → just above
    900, grade A."""
    subject = SubjectFactory(uscc="91330100799655058B", name="阿里巴巴（中国）有限公司")
    amr, tax, drc = client_for("zj-amr"), client_for("zj-tax"), client_for("zj-drc")
    red_cross = client_for("zj-red-cross")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            post_record(amr, subject, f"许可{n}", kind="licence", title="食品经营许可")
        post_record(
            tax,
            subject,
            "A级纳税人2025",
            kind="tax_credit_rating",
            tax_credit_level="A",
            tax_year=TODAY.year - 1,
            title="纳税信用A级",
        )
        post_record(drc, subject, "浙政荣〔2025〕1号", kind="honour", title="省级荣誉")
        post_record(red_cross, subject, "捐赠1", kind="donation", amount="100000.00")

    evaluation = stored(subject)
    assert evaluation.score > 900
    assert evaluation.grade == "A"
    assert evaluation.breakdown == {"5.2.1": 40, "5.2.2": 40, "5.1.2": 18}


def _black_list_entry(subject: Subject, listed_on: dt.date):
    from lists.models import CreditList, ListEntry

    credit_list = CreditList.objects.get(slug="zj-eco-serious")
    return ListEntry.objects.create(
        credit_list=credit_list,
        subject=subject,
        department=credit_list.authority,
        status=ListEntry.Status.LISTED,
        reason="未批先建，环境违法",
        proposed_on=listed_on - dt.timedelta(days=20),
        listed_on=listed_on,
        term_end=listed_on + dt.timedelta(days=3 * 365),
    )


def test_serious_list_two_penalties_and_four_years_of_class_a_score_grade_c(
    django_capture_on_commit_callbacks,
):
    """Tongda (rules.md §4.1): on the ecological-environment serious list for two
    penalties, but Class A taxpayer four years running → around 780, grade C."""
    subject = SubjectFactory(uscc="91330481785659568L", name="浙江通达磁业有限公司")
    eco, tax = client_for("zj-eco"), client_for("zj-tax")
    with django_capture_on_commit_callbacks(execute=True):
        for year in range(4):
            post_record(
                tax,
                subject,
                f"A级{year}",
                kind="tax_credit_rating",
                tax_credit_level="A",
                tax_year=TODAY.year - 1 - year,
                decision_date=str(TODAY - dt.timedelta(days=100 + 365 * year)),
            )
        for n in range(2):
            post_record(
                eco,
                subject,
                f"浙环罚〔2025〕{n}号",
                kind="penalty",
                severity="general",
                penalty_type="fine",
                fine_amount="200000.00",
                publicity_end=str(TODAY + dt.timedelta(days=700)),
            )
    _black_list_entry(subject, TODAY - dt.timedelta(days=30))
    scoring.subject_rescore(subject_id=subject.pk)

    evaluation = stored(subject)
    assert 750 <= evaluation.score <= 799
    assert evaluation.grade == "C"
    assert evaluation.breakdown == {"4.1.1": -36, "4.3.1": -60, "5.2.1": 60}
    assert evaluation.score == 779


def test_a_serious_list_alone_does_not_force_grade_e():
    subject = SubjectFactory()
    _black_list_entry(subject, TODAY - dt.timedelta(days=30))
    result = scoring.evaluate_subject(subject)
    assert (result.score, result.grade) == (755, "C")
    [entry] = next(r for r in result.breakdown if r.code == "4.3.1").items
    assert entry.source == "list_entry"
    assert entry.gain_when_stops == 60


# --- Rescoring on change ----------------------------------------------------------------------


def test_a_penalty_through_the_api_changes_score_and_grade_at_once(
    django_capture_on_commit_callbacks,
):
    subject = SubjectFactory()
    scoring.subject_rescore(subject_id=subject.pk)
    assert (stored(subject).score, stored(subject).grade) == (815, "B")

    with django_capture_on_commit_callbacks(execute=True):
        post_record(
            client_for("zj-amr"),
            subject,
            "杭市监罚〔2026〕9号",
            kind="penalty",
            severity="serious",
            penalty_type="fine",
            fine_amount="2000000.00",
            publicity_end=str(TODAY + dt.timedelta(days=1000)),
        )

    evaluation = stored(subject)
    assert (evaluation.score, evaluation.grade) == (770, "C")
    assert list(ScoreHistory.objects.filter(subject=subject).values_list("score", flat=True)) == [
        815,
        770,
    ]
    subject.refresh_from_db()
    assert subject.rescore_requested_at is None
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(
        f"/api/v1/enterprises/{subject.uscc}/evaluation/"
    )
    assert response.json()["score"] == 770


def test_the_rescoring_task_is_safe_to_run_twice():
    from enterprises.tasks import rescore_subject_task

    subject = SubjectFactory()
    CreditRecordFactory(subject=subject)  # marks nothing: factories bypass services
    Subject.objects.filter(pk=subject.pk).update(rescore_requested_at=timezone.now())

    assert rescore_subject_task(subject.pk) == 815 - 18
    assert rescore_subject_task(subject.pk) is None  # served already
    assert ScoreHistory.objects.filter(subject=subject).count() == 1


# --- What counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "counts"),
    [
        ("active", True),
        ("under_objection", True),
        ("expired", False),
        ("repaired", False),
        ("revoked", False),
    ],
)
def test_only_active_and_under_objection_records_count(state, counts):
    subject = SubjectFactory()
    record = CreditRecordFactory(subject=subject, severity="general")
    actor = Actor.for_system("tests")
    if state != "active":
        record_state_set(actor=actor, record=record, state=state, reason="test")

    result = scoring.evaluate_subject(subject)
    assert result.score == (815 - 18 if counts else 815)
    bulk = scoring.scores_bulk([subject.pk], on=TODAY, catalogue=scoring.catalogue_load())
    assert bulk[subject.pk].score == result.score


def test_records_past_publicity_or_not_public_do_not_count():
    subject = SubjectFactory()
    CreditRecordFactory(
        subject=subject,
        decision_date=TODAY - dt.timedelta(days=400),
        publicity_end=TODAY - dt.timedelta(days=1),
    )
    CreditRecordFactory(subject=subject, disclosure="government")
    assert scoring.evaluate_subject(subject).score == 815


def test_breakdown_says_when_a_penalty_stops_counting():
    subject = SubjectFactory()
    end = TODAY + dt.timedelta(days=200)
    record = CreditRecordFactory(subject=subject, severity="serious", publicity_end=end)

    result = scoring.evaluate_subject(subject)
    penalties = next(r for r in result.breakdown if r.code == "4.1.1")
    [item] = penalties.items
    assert (penalties.points, item.id, item.points) == (45, record.pk, 45)
    assert item.stops_on == end + dt.timedelta(days=1)
    assert item.gain_when_stops == 45


def test_the_cap_and_age_rules():
    subject = SubjectFactory()
    for n in range(3):  # 3 serious penalties: 135 → capped at 90
        CreditRecordFactory(subject=subject, severity="serious", publicity_end=None,
                            penalty_type="licence_revoked", document_number=f"x{n}")  # fmt: skip
    old = TODAY - dt.timedelta(days=4 * 366)
    CreditRecordFactory(
        subject=subject, kind="enforcement", penalty_type="", fine_amount=None,
        severity="serious", decision_date=old, publicity_end=None, document_number="old",
    )  # fmt: skip
    result = scoring.evaluate_subject(subject)
    by_code = {r.code: r.points for r in result.breakdown}
    assert by_code["4.1.1"] == 90
    assert by_code["4.1.2"] == 15  # serious 30, halved after three years
    assert result.score == 815 - 90 - 15


def test_natural_persons_are_not_scored():
    person = SubjectFactory(
        subject_type="natural_person", uscc=None, id_number="330106199001011234"
    )
    with pytest.raises(scoring.SubjectNotScored):
        scoring.evaluate_subject(person)
    scoring.rescore_job()
    assert not Evaluation.objects.filter(subject=person).exists()


# --- The nightly job ----------------------------------------------------------------------------


def test_nightly_job_killed_halfway_resumes_and_scores_everyone_once(monkeypatch):
    subjects = [SubjectFactory() for _ in range(7)]
    for subject in subjects[::2]:
        CreditRecordFactory(subject=subject)
    real = scoring._score_range
    calls = {"n": 0}

    def crash_on_third_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(scoring, "_score_range", crash_on_third_chunk)
    with pytest.raises(RuntimeError):
        scoring.rescore_job(chunk_size=2)
    failed = JobRun.objects.get(name="rescore")
    assert failed.status == "failed"
    assert failed.done == 4
    assert failed.counts["done_chunks"] == [0, 1]
    assert [c[2] for c in failed.counts["chunks"]] == [2, 2, 2, 1]
    assert "worker killed" in failed.error
    first_pass = dict(Evaluation.objects.values_list("subject_id", "evaluated_at"))
    assert set(first_pass) == {s.pk for s in subjects[:4]}

    monkeypatch.setattr(scoring, "_score_range", real)
    result = scoring.rescore_job(chunk_size=2)

    assert result["resumed_chunks"] == 2
    assert result["scored"] == 7
    latest = JobRun.objects.filter(name="rescore").order_by("-pk").first()
    assert latest.pk == failed.pk  # the same run, resumed
    assert (latest.status, latest.done, latest.total, latest.error) == ("succeeded", 7, 7, "")
    # The first four were not scored again; every subject has one history row.
    for subject_id, evaluated_at in first_pass.items():
        assert Evaluation.objects.get(subject_id=subject_id).evaluated_at == evaluated_at
    assert ScoreHistory.objects.count() == 7
    expected = {s.pk: (797 if i % 2 == 0 else 815) for i, s in enumerate(subjects)}
    assert dict(Evaluation.objects.values_list("subject_id", "score")) == expected

    # A run after a success starts over, scores everyone and writes nothing unchanged.
    before = dict(Evaluation.objects.values_list("subject_id", "evaluated_at"))
    again = scoring.rescore_job(chunk_size=2)
    assert (again["resumed_chunks"], again["scored"], again["changed"]) == (0, 7, 0)
    assert ScoreHistory.objects.count() == 7
    assert dict(Evaluation.objects.values_list("subject_id", "evaluated_at")) == before


def test_a_chunk_delivered_twice_is_done_once():
    subjects = [SubjectFactory() for _ in range(3)]
    CreditRecordFactory(subject=subjects[0])
    result = scoring.rescore_job(chunk_size=2)
    assert result["status"] == "succeeded"
    run = JobRun.objects.get(pk=result["run"])
    assert scoring.rescore_chunk(run_id=run.pk, index=0) is None  # already done
    run.refresh_from_db()
    assert (run.counts["scored"], run.done) == (3, 3)
    assert ScoreHistory.objects.count() == 3


def test_rescore_command_prints_a_summary(capsys):
    from django.core.management import call_command
    from django.utils import translation

    SubjectFactory()
    # Commands speak the site's default language (Chinese); read the English text.
    with translation.override("en"):
        call_command("rescore", "--chunk-size", "10")
    assert "Rescored 1 of 1 subjects" in capsys.readouterr().out
    assert Evaluation.objects.count() == 1


def test_nightly_run_rewrites_a_stale_breakdown_even_when_the_score_is_the_same():
    subject = SubjectFactory()
    CreditRecordFactory(subject=subject, severity="serious", publicity_end=None,
                        penalty_type="licence_revoked", fine_amount=None)  # fmt: skip
    CreditRecordFactory(subject=subject, kind="abnormal_operation", severity="general",
                        penalty_type="", fine_amount=None, document_number="ab-1")  # fmt: skip
    scoring.subjects_rescore(on=TODAY)
    stored = Evaluation.objects.get(subject=subject)
    right = dict(stored.breakdown)
    assert len(right) == 2
    # Same score, same grade, same edition, but the points sit on the wrong indicators.
    codes = sorted(right)
    wrong = {codes[0]: right[codes[1]], codes[1]: right[codes[0]]}
    assert wrong != right and sum(wrong.values()) == sum(right.values())
    Evaluation.objects.filter(pk=stored.pk).update(breakdown=wrong)
    history = ScoreHistory.objects.count()

    counts = scoring.subjects_rescore(on=TODAY)

    assert (counts.scored, counts.changed, counts.history) == (1, 1, 0)
    assert Evaluation.objects.get(subject=subject).breakdown == right
    assert ScoreHistory.objects.count() == history
    # And an unchanged one is not written at all.
    assert scoring.subjects_rescore(on=TODAY).changed == 0
