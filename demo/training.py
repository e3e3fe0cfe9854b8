"""Demo credit service agencies, their training courses and a few training certificates
(docs/rules.md §8.2), so that a newcomer can walk the serious-case path of a repair: the
public agencies page, then an application with a certificate that counts.

The agencies are invented and say so in their names. Two of them are not shown on the
public page: one whose approval ended, one never approved. Certificates go to a few demo
enterprises with serious public records, issued after their latest serious decision.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Max

from enterprises.models import CreditRecord, Severity, Subject
from repair.models import CreditServiceAgency, TrainingCertificate, TrainingCourse

Mode = TrainingCourse.Mode

# (name_zh, name_en, USCC, approved, approved days ago, approval ends in days (None: open))
AGENCIES: list[tuple[str, str, str, bool, int, int | None]] = [
    (
        "杭州诚信信用服务有限公司（演示）",
        "Hangzhou Chengxin Credit Services Co., Ltd. (demo)",
        "91330100MA2DEMO01X",
        True,
        900,
        None,
    ),
    (
        "浙江守信信用管理有限公司（演示）",
        "Zhejiang Shouxin Credit Management Co., Ltd. (demo)",
        "91330000MA2DEMO02X",
        True,
        600,
        730,
    ),
    (
        "宁波明信信用评估有限公司（演示）",
        "Ningbo Mingxin Credit Assessment Co., Ltd. (demo)",
        "91330200MA2DEMO03X",
        True,
        1500,
        -30,  # approval ended a month ago: not on the public page
    ),
    (
        "温州立信咨询有限公司（演示）",
        "Wenzhou Lixin Consulting Co., Ltd. (demo)",
        "91330300MA2DEMO04X",
        False,  # never approved: not on the public page
        0,
        None,
    ),
]

# (agency index, title_zh, title_en, hours, mode, active)
COURSES: list[tuple[int, str, str, str, str, bool]] = [
    (0, "信用修复专题培训", "Credit repair training", "3", Mode.IN_PERSON, True),
    (0, "企业信用管理实务", "Corporate credit management in practice", "6", Mode.MIXED, True),
    (0, "信用修复政策解读（旧版）", "Credit repair policy (old edition)", "3", Mode.ONLINE, False),
    (1, "信用修复在线课程", "Credit repair online course", "4", Mode.ONLINE, True),
    (2, "信用修复培训班", "Credit repair class", "3", Mode.IN_PERSON, True),
    (3, "信用修复速成班", "Credit repair crash course", "3", Mode.ONLINE, True),
]

CERTIFICATES = 5


def demo_training(*, as_of: dt.date) -> int:
    """Write the agencies, courses and certificates unless agencies exist; returns the
    number of certificates issued."""
    if CreditServiceAgency.objects.exists():
        return 0
    agencies = [
        CreditServiceAgency.objects.create(
            name=name_zh,
            name_en=name_en,
            uscc=uscc,
            approved=approved,
            approved_on=as_of - dt.timedelta(days=ago) if approved else None,
            approved_until=as_of + dt.timedelta(days=ends) if ends is not None else None,
        )
        for name_zh, name_en, uscc, approved, ago, ends in AGENCIES
    ]
    TrainingCourse.objects.bulk_create(
        TrainingCourse(
            agency=agencies[index],
            title_zh=title_zh,
            title_en=title_en,
            hours=Decimal(hours),
            mode=mode,
            active=active,
        )
        for index, title_zh, title_en, hours, mode, active in COURSES
    )
    serious = (
        CreditRecord.objects.public()
        .filter(severity=Severity.SERIOUS, subject__subject_type=Subject.SubjectType.ENTERPRISE)
        .values("subject_id", "subject__legal_representative")
        .annotate(latest=Max("decision_date"))
        .order_by("subject_id")[:CERTIFICATES]
    )
    rows = []
    for number, row in enumerate(serious, start=1):
        issued = max(row["latest"], as_of - dt.timedelta(days=30))
        if issued > as_of:
            continue
        rows.append(
            TrainingCertificate(
                agency=agencies[0 if number % 2 else 1],
                number=f"DEMO-PX-{as_of:%Y}-{number:04d}",
                hours=Decimal("3"),
                issued_on=issued,
                attendee=row["subject__legal_representative"] or "",
                subject_id=row["subject_id"],
            )
        )
    TrainingCertificate.objects.bulk_create(rows)
    return len(rows)
