from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enterprises.models import Department
from tests.factories import CreditRecordFactory, DepartmentFactory, SubjectFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.REPAIR_UPLOAD_DIR = tmp_path / "uploads"
    return settings.REPAIR_UPLOAD_DIR


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def department(db):
    return DepartmentFactory(code="hz-amr-test", name_zh="杭州测试局", name_en="Test bureau")


@pytest.fixture
def subject(db):
    return SubjectFactory(name="杭州修复测试有限公司", legal_representative="张三")


@pytest.fixture
def record(subject, department, today):
    """A general penalty decided two years ago, in publicity for three more years:
    eligible for repair now under any edition."""
    return CreditRecordFactory(
        subject=subject,
        department=department,
        title="REPAIR-MARKER 违反广告法",
        decision_date=today - dt.timedelta(days=730),
        publicity_end=today + dt.timedelta(days=1100),
    )


@pytest.fixture
def reviewer(db):
    """A credit-centre reviewer: handles cases of every department."""
    from core.roles import ensure_roles
    from enterprises.models import OfficialProfile

    ensure_roles()
    centre = Department.objects.get(code="zj-credit-centre")
    user = UserFactory(
        username="reviewer", email="reviewer@example.org", groups=["credit_centre_reviewer"]
    )
    OfficialProfile.objects.update_or_create(user=user, defaults={"department": centre})
    return user


@pytest.fixture
def officer(department):
    from tests.factories import make_officer

    user = make_officer(department)
    user.email = "officer@example.org"
    user.save()
    return user


@pytest.fixture
def official_client(client, reviewer):
    client.force_login(reviewer)
    return client


_capture = {}


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    """Helpers run their request inside ``committing()`` so that on-commit work (emails,
    rescoring) happens as it would after a real commit."""
    _capture["fn"] = django_capture_on_commit_callbacks
    yield
    _capture.clear()


def committing():
    return _capture["fn"](execute=True)
