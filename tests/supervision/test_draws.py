"""Two randoms, one public (rules.md §9): stratified by grade, capped, conflict-free,
reproducible draws."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from enterprises.models import AuditEvent, Evaluation, Industry
from enterprises.scoring import subject_rescore
from supervision.models import (
    Conflict,
    Draw,
    InspectionPlan,
    Inspector,
    KeyIndustry,
)
from supervision.services import (
    YEARLY_CAP,
    DrawError,
    draw_create,
    draw_publish,
    draw_replay,
    draw_select,
    plan_publish,
)
from tests.factories import DepartmentFactory, SubjectFactory

D = dt.date


def test_pure_draw_never_gives_an_inspector_with_a_conflict_nor_the_previous_pair():
    pool = {
        "method": "uniform",
        "subjects": [[s, "C"] for s in range(1, 31)],
        "inspectors": [10, 11, 12, 13],
        "conflicts": [[10, s] for s in range(1, 31)] + [[11, 5]],
        "previous": {"7": [11, 12]},
        "size": 30,
        "per_object": 2,
    }
    for n in range(300):
        result = draw_select(seed=f"s{n}", pool=pool)
        for item in result["objects"]:
            assert 10 not in item["inspectors"]
            if item["subject"] == 5:
                assert 11 not in item["inspectors"]
            if item["subject"] == 7:
                assert item["inspectors"] != [11, 12]


# --- With the database -------------------------------------------------------------------


@pytest.fixture
def department(db):
    return DepartmentFactory(code="sup-dept")


@pytest.fixture
def inspectors(department):
    return [
        Inspector.objects.create(name=f"检查员{n}", department=department, competences=["food"])
        for n in range(4)
    ]


def _plan(department, *, size=3, year=2026, **extra) -> InspectionPlan:
    plan = InspectionPlan.objects.create(
        department=department,
        title=f"{year} 食品抽查",
        period_start=D(year, 3, 1),
        period_end=D(year, 12, 31),
        sample_size=size,
        competence="food",
        **extra,
    )
    return plan_publish(actor=_actor(), plan=plan)


def _actor():
    from core.actors import Actor

    return Actor.for_system("tests")


def test_a_draw_replays_to_the_same_result_and_is_audited(department, inspectors):
    subjects = SubjectFactory.create_batch(8)
    Conflict.objects.create(inspector=inspectors[0], subject=subjects[0], reason="亲属")
    plan = _plan(department, size=5)

    draw = draw_create(actor=_actor(), plan=plan)

    assert len(draw.result["objects"]) == 5
    assert draw_replay(Draw.objects.get(pk=draw.pk)) == draw.result
    assert {i.subject_id for i in draw.inspections.all()} == {
        o["subject"] for o in draw.result["objects"]
    }
    assert AuditEvent.objects.filter(object_type="supervision.draw", object_id=str(draw.pk))
    # The seed is recomputable from public plan data.
    assert str(plan.pk) in draw.seed_source and plan.published_at.isoformat() in draw.seed_source


def test_an_inspector_with_a_conflict_is_never_drawn(department, inspectors):
    subjects = SubjectFactory.create_batch(6)
    for subject in subjects:
        Conflict.objects.create(inspector=inspectors[0], subject=subject, reason="曾任职")
    for year in range(2030, 2036):
        draw = draw_create(actor=_actor(), plan=_plan(department, size=6, year=year))
        for inspection in draw.inspections.all():
            assert inspectors[0] not in inspection.inspectors.all()
            assert inspection.inspectors.count() == 2


def test_nobody_exceeds_the_yearly_cap_except_key_industry_and_black_listed(department, inspectors):
    ordinary = SubjectFactory.create_batch(3, industry_id="I")
    key = SubjectFactory(industry_id="C")
    KeyIndustry.objects.create(industry=Industry.objects.get(code="C"))
    all_ids = {s.pk for s in ordinary} | {key.pk}
    seen: Counter[int] = Counter()
    for n in range(5):
        draw = draw_create(actor=_actor(), plan=_plan(department, size=4, year=2026))
        seen.update(i.subject_id for i in draw.inspections.all())
        assert n or {i.subject_id for i in draw.inspections.all()} == all_ids
    assert all(seen[s.pk] == YEARLY_CAP for s in ordinary), seen
    assert seen[key.pk] == 5  # key industry: drawn every time
    # A new year starts a new count.
    draw = draw_create(actor=_actor(), plan=_plan(department, size=4, year=2027))
    assert draw.inspections.count() == 4


def test_grade_from_the_evaluation_sets_the_stratum_and_unrated_counts_as_c(department, inspectors):
    rated = SubjectFactory()
    unrated = SubjectFactory()
    subject_rescore(subject_id=rated.pk)
    grade = Evaluation.objects.get(subject=rated).grade
    draw = draw_create(actor=_actor(), plan=_plan(department, size=1))
    grades = dict(map(tuple, draw.pool["subjects"]))
    assert grades[rated.pk] == grade
    assert grades[unrated.pk] == "C"


def test_a_redraw_is_a_new_audited_draw_with_a_reason(department, inspectors):
    SubjectFactory.create_batch(5)
    plan = _plan(department, size=2)
    first = draw_create(actor=_actor(), plan=plan)
    draw_publish(actor=_actor(), draw=first)

    with pytest.raises(DrawError):
        draw_create(actor=_actor(), plan=plan)  # silently drawing again is refused
    with pytest.raises(ValidationError):
        draw_create(actor=_actor(), plan=plan, supersedes=first, reason=" ")

    second = draw_create(actor=_actor(), plan=plan, supersedes=first, reason="检查员回避")
    first.refresh_from_db()
    assert first.published and first.result == draw_replay(first)  # unchanged
    assert second.supersedes == first and second.seed != first.seed
    assert list(Draw.objects.current().filter(plan=plan)) == [second]
    assert AuditEvent.objects.filter(
        object_type="supervision.draw", object_id=str(second.pk), reason="检查员回避"
    ).exists()


def test_a_draft_plan_cannot_be_drawn(department, inspectors):
    plan = InspectionPlan.objects.create(
        department=department,
        title="草稿",
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
        sample_size=1,
    )
    with pytest.raises(DrawError):
        draw_create(actor=_actor(), plan=plan)


def test_a_region_targeted_plan_draws_only_from_that_region(department, inspectors):
    inside = SubjectFactory.create_batch(4, region_id="330106")  # 西湖区, 杭州市
    SubjectFactory.create_batch(4, region_id="330212")  # 鄞州区, 宁波市
    plan = _plan(department, size=4, targeted=True, region_prefix="3301")

    draw = draw_create(actor=_actor(), plan=plan)

    assert {o["subject"] for o in draw.result["objects"]} == {s.pk for s in inside}
