"""Rate limits per client on search, check, report and the public forms."""

from __future__ import annotations

import uuid

import pytest

from core.tokens import token_issue
from enterprises.models import ReportIssue
from tests.factories import DepartmentFactory, SubjectFactory


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    """Counters of this test's own: a fresh key prefix rather than ``cache.clear()``, which
    on Redis empties the database the other xdist worker counts in (CI's second pass)."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def throttled(settings):
    """Throttling on (it is off under the test runner) with small rates."""
    settings.THROTTLE_ENABLED = True
    settings.THROTTLE_RATES = {
        "search": "2/min",
        "check": "1/min",
        "report": "1/min",
        "forms": "1/hour",
        "department": "5/min",
    }
    return settings


def _retry_after(response, most: int) -> int:
    seconds = int(response["Retry-After"])
    assert 1 <= seconds <= most
    return seconds


def test_off_in_the_test_suite_unless_a_test_turns_it_on(client, db, settings):
    assert settings.THROTTLE_ENABLED is False
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "search": "1/min"}
    for _n in range(5):
        assert client.get("/api/v1/enterprises/", {"q": "x"}).status_code == 200


def test_api_search_is_limited_per_client_with_the_standard_error_body(client, db, throttled):
    for _n in range(2):
        assert client.get("/api/v1/enterprises/", {"q": "x"}).status_code == 200
    response = client.get("/api/v1/enterprises/", {"q": "x"})
    assert response.status_code == 429
    _retry_after(response, 60)
    body = response.json()
    assert body["detail"]
    assert body["errors"][0]["field"] == "non_field_errors"
    assert body["errors"][0]["code"] == "throttled"
    # Another client is counted on its own.
    other = client.get("/api/v1/enterprises/", {"q": "x"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200


def test_forged_forwarded_for_does_not_escape_the_limit(client, db, throttled):
    for n in range(2):
        client.get("/api/v1/enterprises/", {"q": "x"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = client.get("/api/v1/enterprises/", {"q": "x"}, HTTP_X_FORWARDED_FOR="10.0.0.7")
    assert response.status_code == 429


def test_api_check_is_limited(client, db, throttled):
    payload = {"subjects": ["nobody"]}
    assert (
        client.post("/api/v1/check/", payload, content_type="application/json").status_code == 200
    )
    response = client.post("/api/v1/check/", payload, content_type="application/json")
    assert response.status_code == 429
    _retry_after(response, 60)


def test_unlisted_endpoints_are_not_counted(client, db, throttled):
    for _n in range(5):
        assert client.get("/api/v1/departments/").status_code == 200


def test_department_token_gets_the_higher_rate(client, db, throttled):
    _token, key = token_issue(department=DepartmentFactory())
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    for _n in range(5):
        assert client.get("/api/v1/enterprises/", {"q": "x"}, **auth).status_code == 200
    assert client.get("/api/v1/enterprises/", {"q": "x"}, **auth).status_code == 429
    # The token's count is its own: an anonymous client from the same address is not refused.
    assert client.get("/api/v1/enterprises/", {"q": "x"}).status_code == 200
    # On the check API (no authentication of its own) the token counts as well.
    payload = {"subjects": ["nobody"]}
    for _n in range(3):
        response = client.post("/api/v1/check/", payload, content_type="application/json", **auth)
        assert response.status_code == 200


def test_report_pdf_is_limited_with_a_page(client, db, throttled):
    client.get("/enterprises/91110000000000000X/report.pdf")
    response = client.get(
        "/enterprises/91110000000000000X/report.pdf", headers={"Cookie": "django_language=en"}
    )
    assert response.status_code == 429
    _retry_after(response, 60)
    assert response["Content-Type"].startswith("text/html")
    assert b"Too many requests" in response.content
    assert b"try again in" in response.content


@pytest.mark.parametrize("url", ["/objections/new/", "/repair/new/"])
def test_public_forms_limit_submissions_not_reading(client, db, throttled, url):
    for _n in range(3):
        assert client.get(url).status_code == 200  # reading the form is free
    first = client.post(url, {})
    assert first.status_code != 429
    response = client.post(url, {})
    assert response.status_code == 429
    _retry_after(response, 3600)


def test_search_page_is_limited(client, db, throttled):
    for _n in range(2):
        assert client.get("/search/", {"q": "x"}).status_code == 200
    assert client.get("/search/", {"q": "x"}).status_code == 429


# --- HEAD is served by the GET view, so it is counted like GET -------------------------------


def test_head_of_the_report_pdf_counts_and_over_the_limit_renders_nothing(client, db, throttled):
    subject = SubjectFactory()
    url = f"/enterprises/{subject.uscc}/report.pdf"
    assert client.head(url).status_code == 200
    assert ReportIssue.objects.count() == 1  # HEAD renders (and records) a report like GET
    response = client.head(url)
    assert response.status_code == 429
    _retry_after(response, 60)
    assert ReportIssue.objects.count() == 1
    # HEAD and GET share one count.
    assert client.get(url).status_code == 429


def test_head_and_get_share_the_search_count(client, db, throttled):
    assert client.head("/search/", {"q": "x"}).status_code == 200
    assert client.get("/search/", {"q": "x"}).status_code == 200
    assert client.head("/search/", {"q": "x"}).status_code == 429


def test_head_counts_on_the_api_too(client, db, throttled):
    for _n in range(2):
        assert client.head("/api/v1/enterprises/", {"q": "x"}).status_code == 200
    response = client.head("/api/v1/enterprises/", {"q": "x"})
    assert response.status_code == 429
    _retry_after(response, 60)


@pytest.mark.parametrize("url", ["/objections/new/", "/repair/new/"])
def test_head_of_a_form_page_is_free_like_reading_it(client, db, throttled, url):
    for _n in range(3):
        assert client.head(url).status_code == 200
    assert client.post(url, {}).status_code != 429


# --- The API's submissions share the public forms' limit -------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/objections/", "/api/v1/repair-applications/"])
def test_api_submissions_are_limited_like_the_forms(client, db, throttled, url):
    first = client.post(url, {}, content_type="application/json")
    assert first.status_code == 401  # counted, then refused: no verified access
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 429
    _retry_after(response, 3600)
    assert response.json()["errors"][0]["code"] == "throttled"
    # Another address has its own count.
    other = client.post(url, {}, content_type="application/json", REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 401


@pytest.mark.parametrize(
    ("page", "api"),
    [
        ("/objections/new/", "/api/v1/repair-applications/"),
        ("/repair/new/", "/api/v1/objections/"),
    ],
)
def test_pages_and_api_submissions_share_one_count_per_address(client, db, throttled, page, api):
    assert client.post(page, {}).status_code == 403  # unverified (docs/rules.md §8.8)
    assert client.post(api, {}, content_type="application/json").status_code == 429


def test_reading_a_case_back_through_the_api_is_not_counted(client, db, throttled):
    for _n in range(3):
        response = client.get("/api/v1/objections/NOPE/", {"access_code": "x"})
        assert response.status_code != 429


def test_fifteen_api_objections_from_one_address_stop_at_the_default_rate(client, db, settings):
    settings.THROTTLE_ENABLED = True
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "forms": "10/hour"}  # the default
    statuses = [
        client.post("/api/v1/objections/", {}, content_type="application/json").status_code
        for _n in range(15)
    ]
    assert statuses == [401] * 10 + [429] * 5
