"""Demo data for “two randoms, one public”, written by ``seed_demo``.

Everything goes through ``supervision.services`` — plans are published, drawn (seed,
pool snapshot), draws published, results recorded (a referral creates its negative
record) and published — so seeds replay, snapshots are real and every step is in the
audit chain. Deterministic for a seed, a fresh database and an as-of date: randomness
comes from one ``random.Random`` stream, and the services run under a clock pinned to
moments before the as-of date (they stamp publication and draw times with
``timezone.now``), so a run on any day gives the same history.

Three plans: a non-targeted one of the market regulator, all results published (a
stratified draw, docs/rules.md §9.2: its sample size is spread over the grade strata by the
default shares per grade); a targeted one (manufacturing) with one recent result still to
publish; and a targeted one (medium-sized manufacturers) with results whose publication is
overdue, so the public page shows the flag. Grade-targeted plans are not seeded: grades
exist only after ``manage.py rescore``, which runs after the seed, so every subject of the
stratified draw counts as grade C.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock
from zoneinfo import ZoneInfo

from core.actors import Actor
from enterprises.models import Department, Subject
from supervision.models import Conflict, Draw, Inspection, InspectionPlan, Inspector, Outcome, Scale
from supervision.services import (
    draw_create,
    draw_publish,
    inspection_publish,
    inspection_result_record,
    plan_publish,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SAMPLE_SIZE = 10

# department: [(name, competences)]
INSPECTORS: dict[str, list[tuple[str, list[str]]]] = {
    "zj-amr": [
        ("陈建国", ["food", "licensing"]),
        ("王丽华", ["food", "advertising"]),
        ("张志强", ["product_quality", "licensing"]),
        ("李晓燕", ["advertising", "pricing"]),
        ("刘伟东", ["product_quality", "food"]),
    ],
    "zj-eco": [
        ("杨海峰", ["environment"]),
        ("周静怡", ["environment"]),
        ("吴国平", ["environment"]),
        ("徐文涛", ["environment"]),
    ],
    "zj-emergency": [
        ("孙明辉", ["production_safety"]),
        ("胡晓军", ["production_safety"]),
        ("朱丽萍", ["production_safety"]),
    ],
}

# Findings per department and outcome (what an inspection record says).
FINDINGS: dict[str, dict[str, list[str]]] = {
    "zj-amr": {
        Outcome.NO_PROBLEM: [
            "检查营业执照、经营场所及年度报告公示信息，未发现违法违规行为。",
            "登记事项与实际经营情况一致，未发现问题。",
        ],
        Outcome.PROBLEMS_FOUND: [
            "进货查验记录不完整，已当场指出并督促完善。",
            "年度报告中从业人数等信息填报不准确，已告知更正。",
        ],
        Outcome.RECTIFICATION_ORDERED: [
            "经营场所与登记住所不一致，责令限期办理变更登记。",
            "部分商品未明码标价，责令限期改正。",
        ],
        Outcome.REFERRED_FOR_PENALTY: [
            "涉嫌销售不符合强制性标准的产品，已移交执法机构立案查处。",
        ],
    },
    "zj-eco": {
        Outcome.NO_PROBLEM: [
            "污染防治设施正常运行，排污许可执行报告按时提交，未发现问题。",
            "现场监测数据达标，环境管理台账齐全。",
        ],
        Outcome.PROBLEMS_FOUND: [
            "危险废物贮存场所标识不规范，已当场指出。",
            "环境管理台账记录不连续，已督促完善。",
        ],
        Outcome.RECTIFICATION_ORDERED: [
            "废气收集设施破损，责令限期修复。",
            "未按规定开展自行监测，责令限期改正。",
        ],
        Outcome.REFERRED_FOR_PENALTY: [
            "涉嫌超过排放标准排放水污染物，已移交立案查处。",
        ],
    },
    "zj-emergency": {
        Outcome.NO_PROBLEM: [
            "安全生产责任制落实到位，隐患排查治理台账齐全，未发现问题。",
            "特种作业人员持证上岗，应急预案按期演练。",
        ],
        Outcome.PROBLEMS_FOUND: [
            "部分消防通道堆放杂物，已当场督促清理。",
            "安全教育培训记录不完整，已告知完善。",
        ],
        Outcome.RECTIFICATION_ORDERED: [
            "危险化学品储存场所安全警示标志缺失，责令限期整改。",
            "部分设备防护装置缺失，责令限期整改。",
        ],
        Outcome.REFERRED_FOR_PENALTY: [
            "涉嫌未按规定对重大危险源进行辨识评估，已移交立案查处。",
        ],
    },
}

# Share of each outcome (a realistic mix: most inspections find nothing).
OUTCOME_WEIGHTS = {
    Outcome.NO_PROBLEM: 55,
    Outcome.PROBLEMS_FOUND: 20,
    Outcome.RECTIFICATION_ORDERED: 18,
    Outcome.REFERRED_FOR_PENALTY: 7,
}


@dataclass(frozen=True)
class DemoPlan:
    department: str
    title: str  # {year} is the year the period starts
    competence: str
    industry: str = ""
    region_prefix: str = ""
    scale: str = ""
    published: int = 0  # days before the as-of date
    inspected: tuple[int, int] = (0, 0)  # window, days before the as-of date
    unrecorded: int = 0  # drawn objects not inspected yet
    unpublished: int = 0  # results recorded but not published yet
    late: bool = False  # unpublished results are past their 20-working-day deadline


PLANS = (
    DemoPlan(
        "zj-amr",
        "{year}年度浙江省市场监管领域“双随机、一公开”抽查（第一批）",
        competence="",
        published=140,
        inspected=(130, 95),
    ),
    DemoPlan(
        "zj-eco",
        "{year}年度制造业企业生态环境定向随机抽查",
        competence="environment",
        industry="C",
        published=90,
        inspected=(80, 50),
        unpublished=1,
    ),
    DemoPlan(
        "zj-emergency",
        "{year}年度中型制造业企业安全生产定向随机抽查",
        competence="production_safety",
        industry="C",
        scale=Scale.MEDIUM,
        published=75,
        inspected=(65, 45),
        unrecorded=2,
        unpublished=2,
        late=True,
    ),
)


def _moment(day: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@contextmanager
def _clock(moment: dt.datetime) -> Iterator[None]:
    """Run services as if it were ``moment`` (they stamp times with ``timezone.now``)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def demo_inspections(*, seed: int, as_of: dt.date) -> dict[str, int]:
    """Create the demo inspectors, plans, draws and results (see the module docstring)."""
    rng = random.Random(f"supervision-{seed}")
    actor = Actor.for_system("seed_demo")
    departments = {d.code: d for d in Department.objects.filter(code__in=INSPECTORS)}
    counts = {"inspectors": 0, "plans": 0, "inspections": 0, "results": 0, "published": 0}
    for code, people in INSPECTORS.items():
        if code not in departments:
            continue
        for name, competences in people:
            Inspector.objects.create(
                name=name, department=departments[code], competences=competences
            )
            counts["inspectors"] += 1
    _declare_conflicts(rng, as_of)
    for spec in PLANS:
        department = departments.get(spec.department)
        if department is None:
            continue
        counts["plans"] += 1
        drawn = _plan_run(rng, actor, department, spec, as_of)
        for key, value in drawn.items():
            counts[key] += value
    return counts


def _declare_conflicts(rng: random.Random, as_of: dt.date) -> None:
    """Two declared conflicts of environment inspectors with manufacturers (the pool of
    the environment plan): a spouse is a shareholder, a former employer."""
    manufacturers = list(
        Subject.objects.filter(subject_type=Subject.SubjectType.ENTERPRISE, industry_id="C")
        .order_by("id")
        .values_list("id", flat=True)[:20]
    )
    eco = list(Inspector.objects.filter(department__code="zj-eco").order_by("id"))
    reasons = ["配偶系该企业股东", "曾在该企业任职（2019年离职）"]
    for inspector, reason in zip(eco[:2], reasons, strict=False):
        if not manufacturers:
            return
        Conflict.objects.create(
            inspector=inspector,
            subject_id=manufacturers.pop(rng.randrange(len(manufacturers))),
            reason=reason,
            declared_on=as_of - dt.timedelta(days=rng.randint(200, 400)),
        )


def _plan_run(
    rng: random.Random, actor: Actor, department: Department, spec: DemoPlan, as_of: dt.date
) -> dict[str, int]:
    published_on = as_of - dt.timedelta(days=spec.published)
    start = published_on  # the plan is published on the first day of its period
    plan = InspectionPlan.objects.create(
        department=department,
        title=spec.title.format(year=start.year),
        period_start=start,
        period_end=start + dt.timedelta(days=180),
        competence=spec.competence,
        targeted=bool(spec.industry or spec.region_prefix or spec.scale),
        industry_id=spec.industry or None,
        region_prefix=spec.region_prefix,
        scale=spec.scale,
        sample_size=SAMPLE_SIZE,
        created_at=_moment(published_on - dt.timedelta(days=5), 15, 0),
    )
    with _clock(_moment(published_on)):
        plan = plan_publish(actor=actor, plan=plan)
    drawn_at = _moment(published_on + dt.timedelta(days=2), 10, 0)
    with _clock(drawn_at):
        draw = draw_create(actor=actor, plan=plan, on=drawn_at.date())
    # The model default stamps created_at, which the pinned clock does not reach.
    Draw.objects.filter(pk=draw.pk).update(created_at=drawn_at)
    with _clock(drawn_at + dt.timedelta(minutes=5)):
        draw = draw_publish(actor=actor, draw=draw)
    counts = {"inspections": 0, "results": 0, "published": 0}
    inspections = list(Inspection.objects.filter(draw=draw).order_by("id"))
    counts["inspections"] = len(inspections)
    recorded = inspections[: max(0, len(inspections) - spec.unrecorded)]
    first, last = spec.inspected
    for position, inspection in enumerate(recorded):
        unpublished = position >= len(recorded) - spec.unpublished
        if unpublished and not spec.late:
            # Inspected days ago: publication is still within its deadline.
            day = as_of - dt.timedelta(days=rng.randint(3, 8))
        else:
            day = as_of - dt.timedelta(days=rng.randint(last, first))
        outcome = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
        findings = rng.choice(FINDINGS[spec.department][outcome])
        with _clock(_moment(day, 17, 0)):
            inspection = inspection_result_record(
                actor=actor,
                inspection=inspection,
                inspected_on=day,
                outcome=outcome,
                findings=findings,
            )
        counts["results"] += 1
        if unpublished:
            continue
        # Published well within the 20 working days.
        publish_day = min(day + dt.timedelta(days=rng.randint(3, 14)), as_of)
        with _clock(_moment(publish_day, 11, 0)):
            inspection_publish(actor=actor, inspection=inspection, on=publish_day)
        counts["published"] += 1
    return counts
