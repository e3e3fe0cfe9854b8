import pytest

from tests.factories import CreditRecordFactory

pytestmark = pytest.mark.django_db


def test_home_counts_only_public_records(client):
    CreditRecordFactory(title="公开处罚")
    CreditRecordFactory(disclosure="government", title="GOV-ONLY-MARKER")
    CreditRecordFactory(disclosure="partial", title="PARTIAL-MARKER")
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["figures"]["public_records"] == 1
    body = response.content.decode()
    assert "GOV-ONLY-MARKER" not in body and "PARTIAL-MARKER" not in body


def test_home_is_chinese_by_default_with_an_english_switch(client):
    response = client.get("/")
    assert response.headers["Content-Language"] == "zh-hans"
    assert 'value="en"' in response.content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.headers["Content-Language"] == "en"
    assert "Source departments" in response.content.decode()


def test_browser_language_does_not_switch_pages_to_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "数据来源部门" in response.content.decode()
    client.cookies["django_language"] = "en"
    assert client.get("/").headers["Content-Language"] == "en"


def test_api_follows_accept_language(client):
    response = client.get("/api/v1/departments/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "en"
    assert client.get("/api/v1/departments/").headers["Content-Language"] == "zh-hans"
