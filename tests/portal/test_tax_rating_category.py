"""Tax credit ratings of level A or B are trust-keeping information, other levels other
information (docs/rules.md §3.1, §3.2): one rule, the same on the file page's tabs, the
API's counts and category filter, and the PDF report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from enterprises.models import CreditRecord
from rules.kinds import record_category
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db

D = dt.date


def _rating(subject, level: str, year: int, title: str):
    return CreditRecordFactory(
        subject=subject,
        kind="tax_credit_rating",
        decision_date=D(year + 1, 4, 20),
        severity="",
        penalty_type="",
        fine_amount=None,
        publicity_end=None,
        tax_credit_level=level,
        tax_year=year,
        title=title,
    )


@pytest.fixture
def rated():
    subject = SubjectFactory(name="杭州纳税信用示范有限公司")
    _rating(subject, "A", 2025, "RATING-A-2025")  # decided 2026-04-20
    _rating(subject, "B", 2024, "RATING-B-2024")  # decided 2025-04-20
    _rating(subject, "M", 2023, "RATING-M-2023")  # decided 2024-04-20
    _rating(subject, "D", 2022, "RATING-D-2022")  # decided 2023-04-20
    CreditRecordFactory(
        subject=subject,
        kind="honour",
        decision_date=D(2026, 1, 15),
        severity="",
        penalty_type="",
        fine_amount=None,
        publicity_end=None,
        title="HONOUR-2026",
    )
    return subject


def test_the_rule_a_and_b_trust_keeping_other_levels_other():
    assert record_category("tax_credit_rating", "A") == "trust"
    assert record_category("tax_credit_rating", "B") == "trust"
    for level in ("M", "C", "D", ""):
        assert record_category("tax_credit_rating", level) == "other"
    assert record_category("honour") == "trust"
    assert record_category("penalty") == "negative"


def test_queryset_category_agrees_with_the_record_category(rated):
    records = CreditRecord.objects.filter(subject=rated)
    for category in ("basic", "negative", "trust", "other"):
        by_query = set(records.in_category(category).values_list("pk", flat=True))
        by_record = {r.pk for r in records if r.category == category}
        assert by_query == by_record, category
    trust = records.in_category("trust")
    assert {r.title for r in trust} == {"RATING-A-2025", "RATING-B-2024", "HONOUR-2026"}


def test_file_page_tabs_file_a_and_b_ratings_under_trust_keeping(client, rated):
    response = client.get(f"/enterprises/{rated.uscc}/", {"tab": "trust"})
    assert response.status_code == 200
    counts = {t.category: t.count for t in response.context["file"].tabs}
    assert counts == {"basic": 0, "negative": 0, "trust": 3, "other": 2}
    titles = [r.title for r in response.context["active_tab"].records]
    assert titles == ["RATING-A-2025", "HONOUR-2026", "RATING-B-2024"]  # newest first
    other = client.get(f"/enterprises/{rated.uscc}/", {"view": "zhejiang", "tab": "other"})
    assert [r.title for r in other.context["active_tab"].records] == [
        "RATING-M-2023",
        "RATING-D-2022",
    ]


def test_api_counts_category_field_and_filter_follow_the_level(client, rated):
    base = f"/api/v1/enterprises/{rated.uscc}/"
    body = client.get(base, HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["record_counts"] == {"basic": 0, "negative": 0, "trust": 3, "other": 2}
    records = client.get(f"{base}records/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert {r["title"]: r["category"] for r in records} == {
        "RATING-A-2025": "trust",
        "RATING-B-2024": "trust",
        "RATING-M-2023": "other",
        "RATING-D-2022": "other",
        "HONOUR-2026": "trust",
    }
    trust = client.get(f"{base}records/", {"category": "trust"}, HTTP_ACCEPT_LANGUAGE="en")
    assert [r["title"] for r in trust.json()["results"]] == [
        "RATING-A-2025",
        "HONOUR-2026",
        "RATING-B-2024",
    ]
    other = client.get(f"{base}records/", {"category": "other"}, HTTP_ACCEPT_LANGUAGE="en")
    assert [r["title"] for r in other.json()["results"]] == ["RATING-M-2023", "RATING-D-2022"]


def test_pdf_report_lists_a_and_b_ratings_under_trust_keeping(client, rated):
    response = client.get(f"/enterprises/{rated.uscc}/report.pdf")
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "\n".join(page.extract_text() for page in pages)
    trust_at = text.index("守信信息 (3)")  # trust-keeping information
    other_at = text.index("其他信息 (2)")  # other information
    assert trust_at < other_at
    for title in ("RATING-A-2025", "RATING-B-2024", "HONOUR-2026"):
        assert trust_at < text.index(title) < other_at, title
    for title in ("RATING-M-2023", "RATING-D-2022"):
        assert text.index(title) > other_at, title
