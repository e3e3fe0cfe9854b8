"""Two randoms, one public (rules.md §9): weighted, capped, conflict-free, reproducible draws."""

from __future__ import annotations

import datetime as dt
import random
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
    DEFAULT_WEIGHTS,
    YEARLY_CAP,
    DrawError,
    draw_create,
    draw_publish,
    draw_replay,
    draw_select,
    plan_publish,
    weighted_sample,
)
from tests.factories import DepartmentFactory, SubjectFactory

D = dt.date


def test_selection_rate_of_e_to_a_matches_the_weight_ratio_over_10000_draws():
    # One object per draw: an item then wins with probability weight / total exactly, so
    # the per-subject rate ratio E:A estimates the weight ratio without bias.
    pool = [[i, DEFAULT_WEIGHTS["A"]] for i in range(20)]
    pool += [[100 + i, DEFAULT_WEIGHTS["E"]] for i in range(20)]
    rng = random.Random("statistical-test")
    wins: Counter[str] = Counter()
    draws = 10_000
    for _ in range(draws):
        (winner,) = weighted_sample(rng, pool, 1)
        wins["E" if winner >= 100 else "A"] += 1
    ratio = wins["E"] / wins["A"]
    expected = DEFAULT_WEIGHTS["E"] / DEFAULT_WEIGHTS["A"]
    # A-wins ~ Binomial(10000, 1/7): sd ≈ 35 on ≈ 1429, so ±10 % is about 4 sd.
    assert abs(ratio - expected) / expected < 0.10, wins


def test_samples_larger_than_one_still_favour_low_grades_and_never_repeat():
    pool = [[i, 1] for i in range(50)] + [[100 + i, 6] for i in range(50)]
    rng = random.Random(7)
    e_hits = a_hits = 0
    for _ in range(2000):
        sample = weighted_sample(rng, pool, 5)
        assert len(set(sample)) == 5
        e_hits += sum(1 for s in sample if s >= 100)
        a_hits += sum(1 for s in sample if s < 100)
    assert e_hits > 4 * a_hits


def test_pure_draw_never_gives_an_inspector_with_a_conflict_nor_the_previous_pair():
    pool = {
        "subjects": [[s, 1] for s in range(1, 31)],
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


def test_grade_from_the_evaluation_weights_the_pool(department, inspectors):
    rated = SubjectFactory()
    unrated = SubjectFactory()
    subject_rescore(subject_id=rated.pk)
    grade = Evaluation.objects.get(subject=rated).grade
    draw = draw_create(actor=_actor(), plan=_plan(department, size=1))
    weights = dict(map(tuple, draw.pool["subjects"]))
    assert weights[rated.pk] == DEFAULT_WEIGHTS[grade]
    assert weights[unrated.pk] == DEFAULT_WEIGHTS["C"]


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
