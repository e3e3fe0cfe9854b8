"""The credit file shows a tab's records 50 to a page (a 200-record file stays fast)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.queries import FILE_RECORDS_PER_PAGE
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db


def _records(subject, n):
    for i in range(n):
        CreditRecordFactory(
            subject=subject, document_number=f"PAGED-{i:03d}", title=f"PAGED-{i:03d}"
        )


def test_a_tab_is_paged_and_every_record_is_on_one_page(client):
    subject = SubjectFactory()
    _records(subject, FILE_RECORDS_PER_PAGE + 7)
    url = f"/enterprises/{subject.uscc}/"
    first = client.get(url, {"tab": "negative"}, HTTP_COOKIE="django_language=en")
    second = client.get(url, {"tab": "negative", "page": 2}, HTTP_COOKIE="django_language=en")
    assert first.status_code == second.status_code == 200
    one, two = first.content.decode(), second.content.decode()
    shown_first = {
        f"PAGED-{i:03d}" for i in range(FILE_RECORDS_PER_PAGE + 7) if f">PAGED-{i:03d}<" in one
    }
    shown_second = {
        f"PAGED-{i:03d}" for i in range(FILE_RECORDS_PER_PAGE + 7) if f">PAGED-{i:03d}<" in two
    }
    assert len(shown_first) == FILE_RECORDS_PER_PAGE
    assert len(shown_second) == 7
    assert not shown_first & shown_second
    assert "Page 1 of 2" in one and 'rel="next"' in one
    assert "Page 2 of 2" in two and 'rel="prev"' in two
    assert f"{FILE_RECORDS_PER_PAGE + 7}</span>" in one  # the tab counts all records


@pytest.mark.parametrize("page", ["0", "-3", "abc", "99"])
def test_a_bad_page_number_shows_a_page_not_an_error(client, page):
    subject = SubjectFactory()
    _records(subject, 3)
    response = client.get(f"/enterprises/{subject.uscc}/", {"tab": "negative", "page": page})
    assert response.status_code == 200
    assert "PAGED-000" in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_records(client):
    small, big = SubjectFactory(), SubjectFactory()
    _records(small, 5)
    _records(big, 120)
    counts = []
    for subject in (small, big):
        client.get(f"/enterprises/{subject.uscc}/")  # warm caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/enterprises/{subject.uscc}/").status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
