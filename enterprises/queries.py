"""Reads shared by pages and the API. Only fully public information leaves here
for the public (DOMAIN §3: disclosure levels)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import CreditRecord, Department


def home_figures() -> dict[str, int]:
    from .models import Subject

    return {
        "subjects": Subject.objects.exclude(
            subject_type=Subject.SubjectType.NATURAL_PERSON
        ).count(),
        "public_records": CreditRecord.objects.public().count(),
        "departments": Department.objects.count(),
    }


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("level", "code")
