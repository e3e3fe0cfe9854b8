"""Department API tokens: issue, authenticate, revoke, and the issue_token command."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from rest_framework.test import APIClient

from core.tokens import token_authenticate, token_issue, token_revoke
from enterprises.models import Department, DepartmentToken
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def amr() -> Department:
    return Department.objects.get(code="zj-amr")


def test_issue_stores_only_prefix_and_hash(amr):
    token, key = token_issue(department=amr, label="ERP export")

    stored = DepartmentToken.objects.get(pk=token.pk)
    assert key.startswith("cs_") and len(key) >= 40
    assert stored.prefix == key[:8]
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert stored.label == "ERP export"
    assert key not in {stored.prefix, stored.key_hash, stored.label}


def test_issued_keys_differ(amr):
    keys = {token_issue(department=amr)[1] for _ in range(5)}
    assert len(keys) == 5


def test_authenticate_accepts_the_key_and_nothing_else(amr):
    token, key = token_issue(department=amr)

    assert token_authenticate(key) == token
    assert token_authenticate(key[:-1]) is None
    assert token_authenticate(key + "x") is None
    assert token_authenticate("") is None
    assert token_authenticate("cs_" + "a" * 10_000) is None


def test_revoked_token_is_refused_and_revoking_again_keeps_the_date(amr):
    token, key = token_issue(department=amr)
    token_revoke(token=token)
    first = DepartmentToken.objects.get(pk=token.pk).revoked_at

    assert first is not None
    assert token_authenticate(key) is None
    token_revoke(token=token)
    assert DepartmentToken.objects.get(pk=token.pk).revoked_at == first


def test_last_used_is_written_at_most_once_a_minute(amr):
    token, key = token_issue(department=amr)
    assert token.last_used_at is None

    token_authenticate(key)
    first = DepartmentToken.objects.get(pk=token.pk).last_used_at
    token_authenticate(key)
    assert first is not None
    assert DepartmentToken.objects.get(pk=token.pk).last_used_at == first

    earlier = timezone.now() - dt.timedelta(minutes=2)
    DepartmentToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    token_authenticate(key)
    assert DepartmentToken.objects.get(pk=token.pk).last_used_at > earlier


def test_issue_token_prints_only_a_key_that_works(amr):
    stdout, stderr = StringIO(), StringIO()
    with translation.override("en"):
        call_command("issue_token", "zj-amr", "--label", "ERP", stdout=stdout, stderr=stderr)

    key = stdout.getvalue().strip()
    assert stdout.getvalue().count("\n") == 1 and " " not in key
    assert "shown only once" in stderr.getvalue()
    assert key not in stderr.getvalue()
    token = DepartmentToken.objects.get(prefix=key[:8])
    assert token.department == amr and token.label == "ERP"

    subject = SubjectFactory()
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.post(
        "/api/v1/enterprises/", {"uscc": subject.uscc, "name": subject.name}, format="json"
    )
    assert response.status_code == 200, response.json()


def test_issue_token_for_unknown_department_names_it_and_lists_codes():
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("issue_token", "zj-amrr", stdout=StringIO(), stderr=StringIO())

    message = str(raised.value)
    assert "zj-amrr" in message
    assert "zj-amr," in message and "zj-tax" in message
    assert not DepartmentToken.objects.exists()


def test_issue_token_refuses_an_overlong_label():
    with pytest.raises(CommandError, match="100"):
        call_command("issue_token", "zj-amr", "--label", "x" * 101, stdout=StringIO())
    assert not DepartmentToken.objects.exists()


def test_issue_and_revoke_are_in_the_audit_trail():
    from core.actors import Actor
    from core.audit import audit_verify
    from enterprises.models import AuditEvent

    token, _key = token_issue(department=Department.objects.get(code="zj-tax"), label="batch")
    token_revoke(token=token, actor=Actor.for_system("tests"))
    token_revoke(token=token)  # idempotent: no second row
    events = list(AuditEvent.objects.filter(object_type="enterprises.departmenttoken"))
    assert [e.action for e in events] == ["create", "state"]
    assert events[0].after["prefix"] == token.prefix and "key_hash" not in events[0].after
    assert events[1].after["revoked_at"] is not None
    assert audit_verify().ok
