"""Demo inspections of ``seed_demo`` (demo.inspections): written through the services, so
plans are published, draws replay, only published results are shown and the audit chain
verifies."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from core.audit import audit_verify
from enterprises.models import AuditEvent, Subject
from supervision.models import Inspection, InspectionPlan, PlanStatus
from supervision.services import draw_replay

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(enterprises: int) -> None:
    with translation.override("en"):
        call_command(
            "seed_demo",
            enterprises=enterprises,
            seed=1,
            as_of=AS_OF.isoformat(),
            stdout=StringIO(),
            stderr=StringIO(),
        )


def test_seed_demo_publishes_drawn_plans_and_results_that_the_page_shows(client):
    seed(300)

    plans = list(InspectionPlan.objects.order_by("id"))
    assert len(plans) == 3
    assert {plan.targeted for plan in plans} == {True, False}
    assert all(plan.status == PlanStatus.PUBLISHED for plan in plans)
    for plan in plans:
        draw = plan.draws.get()
        assert draw.published and draw.inspections.count() > 0
        assert draw_replay(draw) == draw.result  # the seed and snapshot are real
        assert timezone.localdate(draw.created_at) < AS_OF
    inspections = Inspection.objects.select_related("subject")
    assert not inspections.filter(subject__subject_type=Subject.SubjectType.NATURAL_PERSON)
    published = inspections.filter(published_on__isnull=False)
    assert published.count() > inspections.count() // 2
    assert len(set(published.values_list("outcome", flat=True))) >= 3
    # One plan has recorded results whose publication is overdue.
    hidden = list(inspections.filter(published_on__isnull=True).exclude(outcome=""))
    assert hidden and any(inspection.is_overdue(on=AS_OF) for inspection in hidden)
    # Every step went through the services and is in the audit chain.
    assert AuditEvent.objects.filter(object_type="supervision.draw").count() >= 6
    assert audit_verify().ok

    page = client.get("/inspections/").content.decode()
    for plan in plans:
        assert plan.title in page
    some = published.first()
    assert some.subject.name in page and some.findings in page
    for inspection in hidden:
        row = page.split(inspection.subject.uscc, 1)[1].split("</tr>", 1)[0]
        assert str(inspection.published_on) not in row and "<small>" not in row
        assert inspection.findings not in row  # never an unpublished finding
    assert 'class="overdue"' in page  # the "publication overdue" flag
