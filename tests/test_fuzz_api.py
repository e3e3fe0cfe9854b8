"""Schemathesis fuzzes every operation of /api/schema/ against the in-process WSGI app.

Each operation becomes one test; the checks are: no 5xx, and every response (status
code, content type, body) conforms to the schema. Token-authenticated operations get a
real department token, so their handlers run rather than stopping at 401.

Bounded and deterministic for CI: few examples per operation, derandomized, no deadline
(the first request of an operation pays for URL resolution and template loading).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from core.tokens import token_issue
from tests.factories import DepartmentFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def department_key(db) -> str:
    # Reference data is created here, not relied upon from migrations, so the test
    # works whatever state an earlier (possibly transactional) test left behind.
    department = DepartmentFactory(code="fuzz-dept", name_en="Fuzz department")
    _token, key = token_issue(department=department, label="fuzz")
    return key


@pytest.fixture
def keep_test_connection():
    """The real WSGI handler closes "old" connections around every request, which Django's
    test client avoids: inside the test's transaction on PostgreSQL that would close the
    connection the test is using. Do what the test client does and leave it open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Loaded at collection (one parametrized test per operation). Generating the schema
# reads no database; schemathesis' lazy fixture loader does not work with pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api_conforms(case, department_key, keep_test_connection):
    case.call_and_validate(headers={"Authorization": f"Bearer {department_key}"}, checks=CHECKS)


# --- Regressions for what the fuzzing found ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/objections/", "/api/v1/repair-applications/"])
def test_submission_that_is_not_an_object_is_refused_with_400(client, path):
    from tests.factories import SubjectFactory
    from tests.repair.verified import api_headers

    verified = api_headers(SubjectFactory())
    response = client.post(path, data="[1, 2]", content_type="application/json", **verified)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "non_field_errors"


@pytest.mark.django_db
def test_api_path_the_patterns_reject_gets_a_json_404(client):
    response = client.get("/api/v1/inspection-plans/not-a-number/draw/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.django_db
def test_page_path_the_patterns_reject_still_gets_the_html_404(client):
    response = client.get("/no-such-page-for-fuzz/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_api_body_with_too_many_fields_gets_a_json_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client.post("/api/v1/check/", data={"subjects": [str(n) for n in range(10)]})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "bad_request"


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["industry", "region"])
def test_code_with_a_null_character_is_refused_with_400(client, department_key, field):
    # On PostgreSQL the lookup itself failed (text cannot hold NUL): a 500.
    response = client.post(
        "/api/v1/enterprises/",
        data={"uscc": "91330106MA2KXXXX0X", "name": "Fuzz Ltd", field: "C\x00"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {department_key}"},
    )
    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}


@pytest.mark.django_db
def test_case_reference_with_a_null_character_is_not_found(client):
    response = client.get("/api/v1/objections/OBJ%00X/", {"access_code": "x"})
    assert response.status_code == 404
