"""Demo credit commitments (rules.md §10) for the public site.

Called at the end of ``demo.seeding.demo_seed``, after the list entries: deterministic
for a seed, a few dozen commitments of demo enterprises accepted by the demo source
departments, each made by a subject that may commit on that day under the supervision
app's own rule (``supervision.services.commitment_refusal``: not on a black list in
force, no serious negative information in publicity).
"""

from __future__ import annotations

import datetime as dt
import random

from enterprises.models import (
    CommitmentState,
    CommitmentType,
    CreditCommitment,
    Department,
    Subject,
)
from supervision.services import commitment_refusal

# How many subjects are tried for one commitment before it is left out.
_TRIES = 20

# (type, reason, content, accepting department codes)
TEMPLATES = [
    (
        CommitmentType.APPROVAL_SUBSTITUTE,
        "审批替代型，申请办理会计代理记账机构执业资格审批",
        "一、所提交的申请材料真实、合法、有效；二、已知晓行政审批机关告知的全部内容；"
        "三、已对照法定条件进行了自查，能够满足行政审批机关告知的法定条件、标准和要求；"
        "四、上述陈述是申请人真实意思的表示；五、若违反承诺和作出不实承诺的，愿意承担相应法律责任。",
        ["hz-amr", "nb-amr", "wz-amr", "zj-amr"],
    ),
    (
        CommitmentType.APPROVAL_SUBSTITUTE,
        "审批替代型，申请食品经营许可证（容缺受理）",
        "本单位承诺在承诺期限内补齐缺少的申请材料；逾期未补齐或承诺不实的，"
        "愿意接受撤销许可等处理，并将违诺情况记入信用记录。",
        ["hz-amr", "nb-amr", "wz-amr"],
    ),
    (
        CommitmentType.CREDIT_REPAIR,
        "信用修复型，申请行政处罚信息信用修复",
        "本单位已履行行政处罚决定规定的义务，纠正了失信行为；承诺今后严格遵守法律法规，"
        "如有不实，自愿承担相应法律责任，三年内不再申请信用修复。",
        ["zj-amr", "zj-eco", "zj-emergency"],
    ),
    (
        CommitmentType.INDUSTRY_SELF_DISCIPLINE,
        "行业自律型，加入行业诚信公约",
        "本单位承诺依法诚信经营，遵守行业自律公约，接受社会监督。",
        ["zj-drc", "zj-housing"],
    ),
    (
        CommitmentType.VOLUNTARY,
        "主动型，向社会公开作出信用承诺",
        "本单位承诺所提供的信息真实有效，依法经营、诚实守信，自觉接受政府、行业和社会监督。",
        ["zj-drc", "zj-credit-centre"],
    ),
    (
        CommitmentType.TAX_DECLARATION,
        "涉税申报型，按期如实办理纳税申报",
        "本单位承诺按期如实进行纳税申报，所报送的涉税资料真实、准确、完整。",
        ["zj-tax"],
    ),
]


def demo_commitments(*, seed: int, as_of: dt.date, count: int = 40) -> int:
    rng = random.Random(f"commitments-{seed}")
    departments = dict(Department.objects.values_list("code", "pk"))
    ids = list(
        Subject.objects.filter(subject_type=Subject.SubjectType.ENTERPRISE)
        .order_by("id")
        .values_list("id", flat=True)[:2000]
    )
    if not ids:
        return 0
    rows = []
    subjects: dict[int, Subject] = {}
    for _index in range(count):
        kind, reason, content, units = rng.choice(TEMPLATES)
        unit = rng.choice([code for code in units if code in departments] or list(departments))
        day = as_of - dt.timedelta(days=rng.randint(1, 540))
        promised = day + dt.timedelta(days=rng.choice([30, 60, 90, 180]))
        if promised >= as_of:
            state = CommitmentState.PENDING
        else:
            state = rng.choices(
                [CommitmentState.FULFILLED, CommitmentState.UNFULFILLED], weights=[9, 1]
            )[0]
        subject_id = None
        for _try in range(_TRIES):
            candidate = rng.choice(ids)
            if candidate not in subjects:
                subjects[candidate] = Subject.objects.get(pk=candidate)
            if commitment_refusal(subjects[candidate], on=day) is None:
                subject_id = candidate
                break
        if subject_id is None:
            continue
        rows.append(
            CreditCommitment(
                subject_id=subject_id,
                commitment_type=kind,
                reason=reason,
                committed_on=day,
                accepting_unit_id=departments[unit],
                content=content,
                promised_by=promised,
                state=state,
            )
        )
    CreditCommitment.objects.bulk_create(rows)
    return len(rows)
