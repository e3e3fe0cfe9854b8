"""Demo list entries for ``seed_demo``: deterministic for a seed, a few per cent of the
enterprises on black lists and about 5 % on red lists, with dates that follow the
listing procedure (notice and objection period where the list gives one, publication,
term; rules.md §5.2). Entries whose term is over are already removed, as the expiry job
would have done. Abnormal-operations entries have no term and stay listed; the nightly
job proposes those listed 3 years or more for the SAMR serious-violation list."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]

from enterprises.models import Disclosure, Subject
from lists.models import CreditList, ListEntry
from rules.workdays import add_working_days

BLACK_SHARE = 0.03
RED_SHARE = 0.05

REASONS: dict[str, list[str]] = {
    "cn-dishonest-judgment-debtors": [
        "有履行能力而拒不履行生效法律文书确定义务",
        "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
        "违反财产报告制度",
    ],
    "zj-dishonest-judgment-debtors": [
        "有履行能力而拒不履行生效法律文书确定义务",
        "违反限制消费令",
    ],
    "cn-samr-serious-violation": [
        "提交虚假材料取得公司登记，情节严重",
        "生产销售不符合安全标准的食品，被处以较重行政处罚",
    ],
    "cn-abnormal-operations": [
        "未依照规定的期限公示年度报告",
        "通过登记的住所或者经营场所无法联系",
        "公示企业信息隐瞒真实情况、弄虚作假",
    ],
    "zj-culture-tourism-black": [
        "未经许可经营旅行社业务，情节严重",
        "擅自变更旅游行程，造成恶劣影响",
    ],
    "zj-eco-serious": ["篡改、伪造自动监测数据", "通过暗管逃避监管方式排放水污染物"],
    "zj-production-safety-serious": ["发生较大生产安全事故负有责任", "瞒报生产安全事故"],
    "zj-wage-arrears": ["克扣、无故拖欠农民工工资，数额较大"],
    "cn-class-a-taxpayers": ["年度纳税信用评价为A级"],
    "zj-class-a-taxpayers": ["年度纳税信用评价为A级"],
    "cn-water-transport-red": ["水运工程建设市场信用评价AA级"],
    "zj-contract-abiding": ["公示为“守合同重信用”企业"],
}


def demo_lists(*, seed: int, as_of: dt.date) -> dict[str, int]:
    """Add list entries for the demo enterprises (bulk insert)."""
    rng = random.Random(f"lists-{seed}")
    lists = list(CreditList.objects.all().order_by("slug"))
    black = [x for x in lists if x.is_black]
    red = [x for x in lists if not x.is_black]
    if not lists:
        return {"list_entries": 0}
    ids = list(
        Subject.objects.filter(subject_type=Subject.SubjectType.ENTERPRISE)
        .order_by("id")
        .values_list("id", flat=True)
    )
    entries: list[ListEntry] = []
    for subject_id in ids:
        roll = rng.random()
        if roll < BLACK_SHARE:
            chosen = rng.sample(black, k=1 + (rng.random() < 0.15))
        elif roll < BLACK_SHARE + RED_SHARE:
            chosen = rng.sample(red, k=1 + (rng.random() < 0.2))
        else:
            continue
        for credit_list in chosen:
            entries.append(_entry(rng, credit_list, subject_id, as_of))
    # The seed run's own audit row (demo.seeding) covers these rows too.
    ListEntry.objects.bulk_create(entries, batch_size=2000)
    return {"list_entries": len(entries)}


def _entry(rng: random.Random, credit_list: CreditList, subject_id: int, as_of: dt.date) -> Any:
    months = credit_list.term_months or 36
    listed_on = as_of - dt.timedelta(days=rng.randint(1, 30 * months + 200))
    notified_on = listed_on - dt.timedelta(days=rng.randint(16, 30))
    notice = credit_list.objection_working_days
    deadline = add_working_days(notified_on, notice) if notice else None
    while deadline is not None and deadline.date >= listed_on:  # listed after the deadline
        notified_on -= dt.timedelta(days=7)
        deadline = add_working_days(notified_on, notice)
    term_end = (
        listed_on + relativedelta(months=months, days=-1) if credit_list.term_months else None
    )
    entry = ListEntry(
        credit_list=credit_list,
        subject_id=subject_id,
        department_id=credit_list.authority_id,
        status=ListEntry.Status.LISTED,
        reason=rng.choice(REASONS.get(credit_list.slug, ["依法列入"])),
        document_number=f"DEMO-{credit_list.slug}-{subject_id}",
        disclosure=Disclosure.PUBLIC if rng.random() < 0.97 else Disclosure.GOVERNMENT,
        # Without notice (court lists) an entry is listed the day it is proposed.
        proposed_on=notified_on - dt.timedelta(days=3) if deadline else listed_on,
        notified_on=notified_on if deadline else None,
        objection_deadline=deadline.date if deadline else None,
        objection_deadline_provisional=deadline.provisional if deadline else False,
        listed_on=listed_on,
        term_end=term_end,
    )
    if term_end is not None and term_end < as_of:
        entry.status = ListEntry.Status.REMOVED
        entry.removed_on = term_end + dt.timedelta(days=1)
        entry.removal_reason = ListEntry.RemovalReason.TERM_OVER
    elif (
        credit_list.end_rule
        in (CreditList.EndRule.OBLIGATION, CreditList.EndRule.TERM_OR_OBLIGATION)
        and rng.random() < 0.2
    ):
        fulfilled = listed_on + dt.timedelta(days=rng.randint(30, 300))
        if fulfilled < as_of - dt.timedelta(days=10):
            entry.obligation_fulfilled_on = fulfilled
            entry.removal_due = add_working_days(
                fulfilled, credit_list.removal_working_days or 0
            ).date
            entry.status = ListEntry.Status.REMOVED
            entry.removed_on = entry.removal_due
            entry.removal_reason = ListEntry.RemovalReason.OBLIGATION_FULFILLED
    return entry
