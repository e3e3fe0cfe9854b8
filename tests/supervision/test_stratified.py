"""Non-targeted draws stratified by credit grade, targeted draws uniform (rules.md §9.2):
every subject of a stratum has the same chance, each stratum gives its share, old
weighted draws still replay, and the shares are validated and published."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.actors import Actor
from enterprises.models import Evaluation
from enterprises.scoring import subject_rescore
from supervision.models import (
    DEFAULT_GRADE_SHARES,
    Draw,
    GradeShare,
    InspectionPlan,
    Inspector,
)
from supervision.services import (
    draw_create,
    draw_publish,
    draw_replay,
    draw_select,
    grade_shares,
    plan_publish,
    stratum_quotas,
)
from tests.factories import DepartmentFactory, SubjectFactory

D = dt.date
SYSTEM = Actor.for_system("tests")
INSPECTORS = [90, 91, 92, 93]


def _stratified_pool(strata: dict[str, int], shares: dict[str, str], total=None) -> dict:
    subjects, next_id = [], 1
    for grade in "ABCDE":
        for _ in range(strata.get(grade, 0)):
            subjects.append([next_id, grade])
            next_id += 1
    return {
        "method": "stratified",
        "subjects": subjects,
        "shares": shares,
        "strata": {g: strata.get(g, 0) for g in "ABCDE"},
        "total": total,
        "inspectors": INSPECTORS,
        "conflicts": [],
        "previous": {},
        "per_object": 2,
    }


# --- The pure draw -------------------------------------------------------------------------


def test_every_subject_of_a_stratum_has_the_same_chance_the_share_over_2000_replays():
    # 2,000 seeds; A 10 subjects at 0.2 (2 drawn), C 10 at 0.3 (3), E 5 at 0.6 (3): each
    # subject's chance is its stratum's share. Binomial(2000, p): the widest band below
    # (±15 % at p = 0.2) is 3.4 standard deviations.
    shares = {"A": "0.2", "B": "0.05", "C": "0.3", "D": "0.2", "E": "0.6"}
    pool = _stratified_pool({"A": 10, "C": 10, "E": 5}, shares)
    grade_of = {pk: grade for pk, grade in pool["subjects"]}
    started = time.perf_counter()
    hits: Counter[int] = Counter()
    replays = 2000
    for n in range(replays):
        result = draw_select(seed=f"fair-{n}", pool=pool)
        assert result["strata"] == {"A": 2, "B": 0, "C": 3, "D": 0, "E": 3}
        hits.update(item["subject"] for item in result["objects"])
    assert time.perf_counter() - started < 3
    for pk, grade in grade_of.items():
        expected = replays * float(shares[grade])
        assert abs(hits[pk] - expected) <= 0.15 * expected, (pk, grade, hits[pk], expected)


def test_a_targeted_uniform_draw_gives_every_subject_the_same_chance():
    pool = {
        "method": "uniform",
        "subjects": [[pk, "AE"[pk % 2]] for pk in range(1, 13)],  # grades play no part
        "size": 4,
        "inspectors": INSPECTORS,
        "conflicts": [],
        "previous": {},
        "per_object": 2,
    }
    hits: Counter[int] = Counter()
    for n in range(1500):
        objects = draw_select(seed=f"uniform-{n}", pool=pool)["objects"]
        assert len({item["subject"] for item in objects}) == 4
        hits.update(item["subject"] for item in objects)
    expected = 1500 * 4 / 12
    assert all(abs(hits[pk] - expected) <= 0.15 * expected for pk in range(1, 13)), hits


def test_the_same_seed_gives_the_same_draw_and_another_seed_another():
    pool = _stratified_pool({"A": 30, "B": 20, "C": 20, "D": 10, "E": 10}, {"C": "0.5", "E": "1"})
    first = draw_select(seed="same", pool=pool)
    assert draw_select(seed="same", pool=pool) == first
    assert draw_select(seed="other", pool=pool) != first
    assert first["strata"] == {"A": 0, "B": 0, "C": 10, "D": 0, "E": 10}


@pytest.mark.parametrize(
    "sizes, shares, total, quotas",
    [
        # Defaults, no total: share × stratum, rounded half up.
        (
            {"A": 100, "B": 40, "C": 30, "D": 10, "E": 7},
            DEFAULT_GRADE_SHARES,
            None,
            (3, 2, 3, 2, 2),
        ),
        ({"A": 10, "B": 10, "C": 5, "D": 0, "E": 5}, DEFAULT_GRADE_SHARES, None, (0, 1, 1, 0, 2)),
        ({"A": 1, "E": 1}, DEFAULT_GRADE_SHARES, None, (0, 0, 0, 0, 0)),
        ({"E": 4}, {"E": "1"}, None, (0, 0, 0, 0, 4)),
        # A total spread in proportion to share × stratum, largest remainders.
        ({g: 100 for g in "ABCDE"}, DEFAULT_GRADE_SHARES, 10, (0, 1, 2, 3, 4)),
        # A stratum whose part reaches its size gives everybody; the rest goes elsewhere.
        ({"A": 10, "E": 2}, {"A": "0.03", "E": "0.3"}, 5, (3, 0, 0, 0, 2)),
        ({"C": 2}, DEFAULT_GRADE_SHARES, 2, (0, 0, 2, 0, 0)),
        # Share 0: never drawn, even when the total cannot be met.
        ({"A": 10, "C": 2}, {"A": "0", "C": "0.1"}, 5, (0, 0, 2, 0, 0)),
        # A tie of remainders goes to the lower grade.
        ({"A": 1, "E": 1}, {"A": "0.5", "E": "0.5"}, 1, (0, 0, 0, 0, 1)),
    ],
)
def test_stratum_quotas(sizes, shares, total, quotas):
    assert tuple(stratum_quotas(sizes, shares, total).values()) == quotas


def test_an_old_weighted_draw_without_a_method_still_replays_to_its_stored_result():
    # Pool and result as stored by the weighted draw (subjects [id, grade weight], no
    # method); the result was computed by that code and must never change.
    pool = {
        "subjects": [
            [1, 1],
            [2, 2],
            [3, 3],
            [4, 3],
            [5, 4],
            [6, 6],
            [7, 6],
            [8, 1],
            [9, 3],
            [10, 4],
        ],
        "inspectors": [21, 22, 23, 24],
        "conflicts": [[21, 6], [22, 3]],
        "previous": {"5": [21, 22]},
        "size": 4,
        "per_object": 2,
        "weights": {"A": 1, "B": 2, "C": 3, "D": 4, "E": 6},
        "year": 2026,
    }
    stored = {
        "objects": [
            {"subject": 7, "inspectors": [21, 24]},
            {"subject": 4, "inspectors": [21, 24]},
            {"subject": 3, "inspectors": [21, 24]},
            {"subject": 10, "inspectors": [21, 24]},
        ]
    }
    assert draw_select(seed="golden-weighted-2026", pool=pool) == stored


# --- With the database ---------------------------------------------------------------------


@pytest.fixture
def department(db):
    department = DepartmentFactory(code="strata-dept")
    for n in range(4):
        Inspector.objects.create(name=f"分层检查员{n}", department=department)
    return department


def _graded(grade: str, n: int) -> list:
    subjects = SubjectFactory.create_batch(n)
    for subject in subjects:
        subject_rescore(subject_id=subject.pk)
    Evaluation.objects.filter(subject__in=subjects).update(grade=grade)
    return subjects


def _plan(department, **extra) -> InspectionPlan:
    plan = InspectionPlan.objects.create(
        department=department,
        title="分层抽查",
        period_start=D(2026, 3, 1),
        period_end=D(2026, 12, 31),
        **extra,
    )
    return plan_publish(actor=SYSTEM, plan=plan)


def test_a_non_targeted_plan_draws_each_grade_its_share_and_stores_method_and_strata(
    department,
):
    by_grade = {"A": _graded("A", 10), "D": _graded("D", 10), "E": _graded("E", 5)}
    unrated = SubjectFactory.create_batch(10)  # count as C
    plan = _plan(department, grade_shares={"A": "0.1", "D": 0.2, "E": "0.4"})

    draw = draw_create(actor=SYSTEM, plan=plan)

    assert draw.method == "stratified" and draw.pool["total"] is None
    assert draw.pool["shares"] == {"A": "0.1", "B": "0.05", "C": "0.1", "D": "0.2", "E": "0.4"}
    assert draw.pool["strata"] == {"A": 10, "B": 0, "C": 10, "D": 10, "E": 5}
    assert draw.result["strata"] == {"A": 1, "B": 0, "C": 1, "D": 2, "E": 2}
    drawn = {item["subject"] for item in draw.result["objects"]}
    for grade, count in draw.result["strata"].items():
        members = {s.pk for s in by_grade.get(grade, unrated if grade == "C" else [])}
        assert len(drawn & members) == count
    assert draw_replay(Draw.objects.get(pk=draw.pk)) == draw.result


def test_the_grade_share_table_sets_the_defaults_and_a_plan_overrides_them(department):
    assert grade_shares() == DEFAULT_GRADE_SHARES  # seeded by the migration
    GradeShare.objects.filter(grade="C").update(share=Decimal("0.5"))
    SubjectFactory.create_batch(6)  # unrated: grade C
    draw = draw_create(actor=SYSTEM, plan=_plan(department))
    assert draw.pool["shares"]["C"] == "0.5" and draw.result["strata"]["C"] == 3
    draw = draw_create(actor=SYSTEM, plan=_plan(department, grade_shares={"C": "1"}))
    assert draw.result["strata"]["C"] == 6


def test_a_sample_size_on_a_non_targeted_plan_is_spread_over_the_strata(department):
    _graded("A", 10)
    _graded("E", 2)
    draw = draw_create(actor=SYSTEM, plan=_plan(department, sample_size=5))
    assert draw.pool["total"] == 5
    assert draw.result["strata"] == {"A": 3, "B": 0, "C": 0, "D": 0, "E": 2}


def test_a_targeted_plan_draws_its_sample_uniformly_from_the_filtered_pool(department):
    inside = SubjectFactory.create_batch(5, region_id="330106")
    SubjectFactory.create_batch(3, region_id="330212")
    draw = draw_create(
        actor=SYSTEM, plan=_plan(department, targeted=True, region_prefix="3301", sample_size=3)
    )
    assert draw.method == "uniform" and draw.pool["size"] == 3 and "strata" not in draw.result
    assert {item["subject"] for item in draw.result["objects"]} <= {s.pk for s in inside}
    assert len(draw.result["objects"]) == 3
    assert draw_replay(draw) == draw.result


def test_a_stored_weighted_draw_replays_from_the_database(department):
    SubjectFactory.create_batch(3)
    draw = draw_create(actor=SYSTEM, plan=_plan(department, sample_size=2))
    ids = sorted(pk for pk, _grade in draw.pool["subjects"])
    old_pool = {
        "subjects": [[pk, w] for pk, w in zip(ids, [1, 6, 3], strict=True)],
        "inspectors": draw.pool["inspectors"],
        "conflicts": [],
        "previous": {},
        "size": 2,
        "per_object": 2,
        "weights": {"A": 1, "B": 2, "C": 3, "D": 4, "E": 6},
        "year": 2026,
    }
    old_result = draw_select(seed=draw.seed, pool=old_pool)
    Draw.objects.filter(pk=draw.pk).update(pool=old_pool, result=old_result)
    draw.refresh_from_db()
    assert draw.method == "weighted" and draw_replay(draw) == draw.result


@pytest.mark.parametrize(
    "extra, field, fragment",
    [
        ({"grade_shares": {"F": 0.1}}, "grade_shares", "“F” is not a grade"),
        ({"grade_shares": {"A": 1.5}}, "grade_shares", "grade A must be a number from 0 to 1"),
        ({"grade_shares": {"B": "much"}}, "grade_shares", "grade B must be a number"),
        ({"grade_shares": {"C": True}}, "grade_shares", "grade C must be a number"),
        ({"grade_shares": {"D": "NaN"}}, "grade_shares", "grade D must be a number"),
        ({"grade_shares": [0.1]}, "grade_shares", "as an object"),
        (
            {"grade_shares": {"A": 0.1}, "targeted": True, "industry_id": "C", "sample_size": 1},
            "grade_shares",
            "non-targeted plans",
        ),
        ({"targeted": True, "industry_id": "C"}, "sample_size", "sample size or a sample ratio"),
    ],
)
def test_plan_validation_names_the_field(department, extra, field, fragment):
    plan = InspectionPlan(
        department=department,
        title="校验",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        **extra,
    )
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            plan.full_clean()
        assert fragment in " ".join(error.value.message_dict[field])


def test_plan_validation_is_translated_and_a_valid_plan_needs_no_sample_size(department):
    plan = InspectionPlan(
        department=department,
        title="校验",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        grade_shares={"A": "0", "E": 1},
    )
    plan.full_clean()  # non-targeted: the shares decide, no sample size needed
    plan.grade_shares = {"Z": 0.1, "E": 2}
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        plan.full_clean()
    messages = error.value.message_dict["grade_shares"]
    assert len(messages) == 2 and all("等级" in message for message in messages), messages


def test_the_public_page_and_api_show_the_shares_and_counts_per_stratum(client, department):
    _graded("E", 10)
    SubjectFactory.create_batch(10)
    plan = _plan(department)
    draw = draw_publish(actor=SYSTEM, draw=draw_create(actor=SYSTEM, plan=plan))
    assert draw.result["strata"] == {"A": 0, "B": 0, "C": 1, "D": 0, "E": 3}

    client.cookies["django_language"] = "en"
    page = client.get("/inspections/").content.decode()
    table = page.split('class="strata"', 1)[1].split("</table>", 1)[0]
    assert "Share drawn per credit grade" in table
    for grade, percent, size, drawn in [("A", "3", 0, 0), ("C", "10", 10, 1), ("E", "30", 10, 3)]:
        row = table.split(f'<th scope="row">{grade}</th>', 1)[1].split("</tr>", 1)[0]
        assert f"<td>{percent} %</td><td>{size}</td><td>{drawn}</td>" in row, row
    assert "Stratified by credit grade" in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/inspections/").content.decode()
    assert "各信用等级抽取比例" in page and "按信用等级分层抽取" in page

    (published,) = client.get("/api/v1/draws/").json()["results"]
    assert published["method"] == "stratified"
    assert {
        row["grade"]: (row["share"], row["size"], row["drawn"]) for row in published["strata"]
    } == {
        "A": ("0.03", 0, 0),
        "B": ("0.05", 0, 0),
        "C": ("0.1", 10, 1),
        "D": ("0.2", 0, 0),
        "E": ("0.3", 10, 3),
    }


def test_the_plan_admin_form_shows_the_share_error_at_its_field(client, department):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("strata", "s@example.com", "pw")
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    form = {
        "department": department.pk,
        "title": "后台分层抽查",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "inspectors_per_object": 2,
        "grade_shares": '{"F": 0.1, "E": 0.3}',
    }
    response = client.post("/admin/supervision/inspectionplan/add/", form)
    assert response.status_code == 200
    assert "“F” is not a grade" in response.content.decode()
    assert not InspectionPlan.objects.filter(title="后台分层抽查").exists()

    response = client.post(
        "/admin/supervision/inspectionplan/add/", {**form, "grade_shares": '{"E": 0.3}'}
    )
    assert response.status_code == 302
    assert InspectionPlan.objects.get(title="后台分层抽查").grade_shares == {"E": 0.3}
