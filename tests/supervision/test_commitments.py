"""Credit commitments through to fulfilment (rules.md §10): an unkept one becomes negative
information under indicator 4.1.3 and moves the score; a kept one is shown as such."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from core.actors import Actor
from core.exceptions import DepartmentNotAllowed
from enterprises.models import CreditCommitment, CreditRecord, Evaluation, JobRun
from enterprises.scoring import subject_rescore
from supervision.services import (
    DrawError,
    commitment_fulfil,
    commitments_unfulfilled_process,
)
from tests.factories import DepartmentFactory, SubjectFactory, make_officer

pytestmark = pytest.mark.django_db

D = dt.date


def _commitment(**values):
    defaults = {
        "subject": SubjectFactory(),
        "commitment_type": "approval_substitute",
        "reason": "审批替代型, 申请办理会计代理记账机构执业资格审批",
        "committed_on": D(2026, 8, 24),
        "promised_by": D(2026, 9, 30),
        "accepting_unit": DepartmentFactory(code="huzhou-finance", name_zh="湖州市财政局"),
        "content": "一、所提交的申请材料真实、合法、有效",
    }
    return CreditCommitment.objects.create(**{**defaults, **values})


def test_unfulfilled_commitment_becomes_a_negative_record_and_the_score_drops(
    django_capture_on_commit_callbacks,
):
    item = _commitment()
    kept = _commitment(promised_by=D(2026, 12, 31))
    before = subject_rescore(subject_id=item.subject_id)
    assert before is not None

    with django_capture_on_commit_callbacks(execute=True):
        result = commitments_unfulfilled_process(on=D(2026, 10, 1))

    assert result.counts == {"commitments_unfulfilled": 1}
    item.refresh_from_db()
    kept.refresh_from_db()
    assert item.state == "unfulfilled" and kept.state == "pending"
    record = item.negative_record
    assert record.kind == "commitment_unfulfilled"
    assert record.info.indicator == "4.1.3"
    assert record.department == item.accepting_unit
    assert record.decision_date == D(2026, 10, 1)
    after = Evaluation.objects.get(subject=item.subject)
    assert after.score < before.score
    assert JobRun.objects.get(pk=result.job_id).status == "succeeded"

    # Idempotent: a second run changes nothing.
    again = commitments_unfulfilled_process(on=D(2026, 10, 2))
    assert again.counts == {"commitments_unfulfilled": 0}
    assert CreditRecord.objects.filter(kind="commitment_unfulfilled").count() == 1


def test_the_deadline_day_itself_is_still_in_time():
    item = _commitment(promised_by=D(2026, 9, 30))
    assert commitments_unfulfilled_process(on=D(2026, 9, 30)).counts == {
        "commitments_unfulfilled": 0
    }
    item.refresh_from_db()
    assert item.state == "pending"


def test_the_accepting_unit_records_fulfilment_and_the_page_shows_it(client):
    item = _commitment(subject=SubjectFactory(name="湖州星瑞财务咨询有限公司"))
    officer = make_officer(item.accepting_unit)
    other = make_officer(DepartmentFactory(code="other-unit"))

    with pytest.raises(DepartmentNotAllowed):
        commitment_fulfil(actor=Actor.for_user(other), commitment=item, fulfilled_on=D(2026, 9, 1))
    commitment_fulfil(actor=Actor.for_user(officer), commitment=item, fulfilled_on=D(2026, 9, 1))

    item.refresh_from_db()
    assert (item.state, item.fulfilled_on, item.recorded_by) == (
        "fulfilled",
        D(2026, 9, 1),
        officer,
    )
    with pytest.raises(DrawError):
        commitment_fulfil(
            actor=Actor.for_user(officer), commitment=item, fulfilled_on=D(2026, 9, 2)
        )
    # A fulfilled commitment is never turned into negative information.
    assert commitments_unfulfilled_process(on=D(2026, 12, 1)).counts["commitments_unfulfilled"] == 0

    client.cookies["django_language"] = "en"
    text = client.get("/commitments/").content.decode()
    assert "Fulfilled on" in text and "2026-09-01" in text


def test_command_runs_the_job():
    _commitment()
    out = io.StringIO()
    call_command("process_commitments", "--on", "2026-10-01", stdout=out)
    assert "1 commitments" in out.getvalue()
    assert CreditCommitment.objects.get().state == "unfulfilled"


def test_api_lists_public_commitments_with_their_state(client):
    _commitment(reason="PUBLIC-ONE")
    _commitment(reason="GOV-ONLY", disclosure="government")
    data = client.get("/api/v1/commitments/").json()
    reasons = [row["reason"] for row in data["results"]]
    assert reasons == ["PUBLIC-ONE"]
    assert data["results"][0]["state"] == "pending"
