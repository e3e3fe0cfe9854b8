"""Results (“one public”): recorded, published within 20 working days, shown on
/inspections/ in both languages and in the API — never before they are published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.actors import Actor
from core.exceptions import DepartmentNotAllowed
from enterprises.models import CreditRecord
from supervision.models import Inspection, InspectionPlan, Inspector
from supervision.services import (
    DrawError,
    draw_create,
    draw_publish,
    inspection_publish,
    inspection_result_record,
    plan_publish,
)
from tests.factories import DepartmentFactory, SubjectFactory, make_officer

pytestmark = pytest.mark.django_db

D = dt.date
SYSTEM = Actor.for_system("tests")


@pytest.fixture
def drawn():
    department = DepartmentFactory(code="sup-results", name_en="Market supervision")
    for n in range(3):
        Inspector.objects.create(name=f"王检查{n}", department=department)
    SubjectFactory(name="公开结果有限公司")
    SubjectFactory(name="未公开结果有限公司")
    plan = InspectionPlan.objects.create(
        department=department,
        title="2026年度双随机抽查",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        sample_size=2,
    )
    plan = plan_publish(actor=SYSTEM, plan=plan)
    draw = draw_publish(actor=SYSTEM, draw=draw_create(actor=SYSTEM, plan=plan))
    published = draw.inspections.get(subject__name="公开结果有限公司")
    hidden = draw.inspections.get(subject__name="未公开结果有限公司")
    return department, draw, published, hidden


def test_a_penalty_referral_creates_the_negative_record_for_the_plans_department(drawn):
    department, draw, inspection, _hidden = drawn
    today = timezone.localdate(draw.created_at) + dt.timedelta(days=1)
    with pytest.raises(DepartmentNotAllowed):
        inspection_result_record(
            actor=Actor.for_user(make_officer(DepartmentFactory(code="elsewhere"))),
            inspection=inspection,
            inspected_on=today,
            outcome="no_problem",
        )
    with pytest.raises(ValidationError):
        inspection_result_record(
            actor=SYSTEM, inspection=inspection, inspected_on=today, outcome="maybe"
        )

    inspection = inspection_result_record(
        actor=Actor.for_user(make_officer(department)),
        inspection=inspection,
        inspected_on=today,
        outcome="referred_for_penalty",
        findings="无证经营",
    )

    record = inspection.penalty_record
    assert record.kind == "other_bad_conduct" and record.department == department
    assert record.subject == inspection.subject and record.info.is_negative
    # Recording again does not make a second record.
    inspection_result_record(
        actor=SYSTEM,
        inspection=inspection,
        inspected_on=today,
        outcome="referred_for_penalty",
        findings="无证经营",
    )
    assert CreditRecord.objects.filter(subject=inspection.subject).count() == 1


def test_publish_deadline_is_20_working_days_and_overdue_is_flagged(drawn):
    _department, _draw, inspection, _hidden = drawn
    inspection.inspected_on = D(2026, 9, 24)  # National Day week follows
    deadline = inspection.publish_deadline
    assert deadline.date == D(2026, 10, 29)
    assert not inspection.is_overdue(on=D(2026, 10, 29))
    assert inspection.is_overdue(on=D(2026, 10, 30))


@pytest.mark.parametrize(
    ("language", "outcome_label", "overdue_text"),
    [("en", "Problems found", "Publication overdue"), ("zh-hans", None, None)],
)
def test_inspections_page_shows_published_results_only(
    client, drawn, language, outcome_label, overdue_text
):
    _department, draw, published, hidden = drawn
    day = timezone.localdate(draw.created_at)
    inspection_result_record(
        actor=SYSTEM,
        inspection=published,
        inspected_on=day,
        outcome="problems_found",
        findings="PUBLISHED-FINDING",
    )
    inspection_publish(actor=SYSTEM, inspection=published, on=day)
    Inspection.objects.filter(pk=hidden.pk).update(
        inspected_on=day - dt.timedelta(days=60),
        outcome="referred_for_penalty",
        findings="SECRET-FINDING",
    )
    # A draft plan and an unpublished draw never show.
    draft = InspectionPlan.objects.create(
        department=draw.plan.department,
        title="DRAFT-PLAN",
        period_start=day,
        period_end=day,
        sample_size=1,
    )
    assert draft.status == "draft"

    client.cookies["django_language"] = language
    response = client.get("/inspections/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "2026年度双随机抽查" in body and "公开结果有限公司" in body
    assert "PUBLISHED-FINDING" in body
    assert "SECRET-FINDING" not in body and "DRAFT-PLAN" not in body
    assert f'lang="{language}"' in body
    if outcome_label:  # Chinese strings arrive with the lead's translation pass
        assert outcome_label in body and overdue_text in body
        assert "Referred for penalty" not in body
    api = client.get("/api/v1/inspections/").json()
    assert [row["findings"] for row in api["results"]] == ["PUBLISHED-FINDING"]


def test_a_result_cannot_be_published_before_its_draw(drawn):
    department, draw, _published, _hidden = drawn
    plan = InspectionPlan.objects.create(
        department=department,
        title="第二计划",
        period_start=D(2026, 6, 1),
        period_end=D(2026, 12, 31),
        sample_size=1,
    )
    plan = plan_publish(actor=SYSTEM, plan=plan)
    unpublished_draw = draw_create(actor=SYSTEM, plan=plan)
    inspection = unpublished_draw.inspections.get()
    inspection_result_record(
        actor=SYSTEM,
        inspection=inspection,
        inspected_on=timezone.localdate(draw.created_at),
        outcome="no_problem",
    )
    with pytest.raises(DrawError):
        inspection_publish(actor=SYSTEM, inspection=inspection)


def test_api_reads_and_the_officials_draw_endpoint(client, drawn):
    department, draw, _published, _hidden = drawn
    plans = client.get("/api/v1/inspection-plans/").json()["results"]
    assert [p["title"] for p in plans] == ["2026年度双随机抽查"]
    draws = client.get("/api/v1/draws/").json()["results"]
    assert draws[0]["seed"] == draw.seed and draws[0]["result"] == draw.result

    url = f"/api/v1/inspection-plans/{draw.plan_id}/draw/"
    assert client.post(url, {}, content_type="application/json").status_code in (401, 403)
    client.force_login(make_officer(department))
    refused = client.post(url, {}, content_type="application/json")
    assert refused.status_code == 400  # a draw exists: a redraw must name it and say why
    redraw = client.post(
        url, {"supersedes": draw.pk, "reason": "回避"}, content_type="application/json"
    )
    assert redraw.status_code == 201, redraw.json()
    assert redraw.json()["supersedes"] == draw.pk


def test_admin_pages_and_draw_action(client, drawn):
    from django.contrib.auth import get_user_model

    department, draw, _published, _hidden = drawn
    admin_user = get_user_model().objects.create_superuser("root", "r@example.com", "pw")
    client.force_login(admin_user)
    for url in [
        "/admin/supervision/inspectionplan/",
        "/admin/supervision/draw/",
        f"/admin/supervision/draw/{draw.pk}/change/",
        "/admin/supervision/inspection/",
        "/admin/supervision/inspector/",
        "/admin/supervision/gradeshare/",
        "/admin/enterprises/creditcommitment/",
    ]:
        assert client.get(url).status_code == 200, url
    plan = InspectionPlan.objects.create(
        department=department,
        title="管理后台抽查",
        period_start=D(2026, 5, 1),
        period_end=D(2026, 12, 31),
        sample_size=1,
    )
    for action in ("publish", "draw"):
        client.post(
            "/admin/supervision/inspectionplan/",
            {"action": action, "_selected_action": [plan.pk]},
        )
    plan.refresh_from_db()
    assert plan.status == "published" and plan.draws.count() == 1


def test_inspections_page_query_count_does_not_grow_with_objects(
    client, drawn, django_assert_max_num_queries
):
    client.get("/inspections/")  # warm the working-day calendar cache
    with django_assert_max_num_queries(8):
        assert client.get("/inspections/").status_code == 200
