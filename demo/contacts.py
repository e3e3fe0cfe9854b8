"""Demo contact e-mails for verified access (docs/rules.md §8.8): every demo enterprise
gets one, so that a newcomer running ``make run`` can ask for a one-time code (the e-mail
is printed on the console) and file for any demo enterprise."""

from __future__ import annotations

from enterprises.models import Subject
from repair.models import SubjectContact


def demo_contact_email(uscc: str) -> str:
    return f"xinyong-{uscc.lower()}@example.com"


def demo_contacts(*, batch_size: int = 2000) -> int:
    """A contact e-mail for every enterprise without one; returns how many were added."""
    have = SubjectContact.objects.values("subject_id")
    missing = (
        Subject.objects.filter(subject_type=Subject.SubjectType.ENTERPRISE, uscc__isnull=False)
        .exclude(pk__in=have)
        .values_list("pk", "uscc")
    )
    rows = [
        SubjectContact(subject_id=pk, email=demo_contact_email(uscc))
        for pk, uscc in missing
        if uscc is not None  # an organisation always has one (rules.md §2.1); mypy knows not
    ]
    SubjectContact.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
