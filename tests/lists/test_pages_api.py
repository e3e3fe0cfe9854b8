"""Public list pages, feeds, exports, the check page and API (only fully public data)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enterprises.models import Disclosure, Subject
from lists.models import ListEntry
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def listed(make_listed):
    day = TODAY() - dt.timedelta(days=40)
    public = make_listed("zj-eco-serious", listed_on=day, reason="篡改监测数据")
    hidden = make_listed("zj-eco-serious", listed_on=day, reason="政府内部")
    ListEntry.objects.filter(pk=hidden.pk).update(disclosure=Disclosure.GOVERNMENT)
    red = make_listed("zj-class-a-taxpayers", listed_on=day)
    return public, hidden, red


def test_index_shows_lists_by_scope_and_colour_with_counts(client, listed):
    response = client.get("/lists/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "生态环境领域严重失信名单" in body and "失信被执行人名单" in body
    overview = {x.slug: x for x in response.context["groups"][3][1]}
    assert overview["zj-eco-serious"].active_count == 1  # the government-only one not counted


def test_list_page_shows_public_entries_and_measures_only(
    client, listed, django_assert_max_num_queries
):
    public, hidden, _red = listed
    with django_assert_max_num_queries(8):
        response = client.get("/lists/zj-eco-serious/")
    body = response.content.decode()
    assert public.subject.name in body and f"/enterprises/{public.subject.uscc}/" in body
    assert hidden.subject.name not in body and "政府内部" not in body
    assert "不予高新技术企业认定" in body  # Zhejiang supplement to item 8
    filtered = client.get("/lists/zj-eco-serious/", {"q": "no such name"})
    assert public.subject.name not in filtered.content.decode()
    assert client.get("/lists/zj-eco-serious/", {"year": "abc"}).status_code == 200
    assert client.get("/lists/no-such-list/").status_code == 404


def test_feed_and_export_hold_only_public_entries(client, listed):
    public, hidden, _red = listed
    feed = client.get("/lists/zj-eco-serious/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    text = feed.content.decode()
    assert public.subject.name in text and hidden.subject.name not in text
    export = client.get("/lists/zj-eco-serious/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == public.subject.uscc


def test_enterprise_feed_lists_public_records_and_entries(client, listed):
    public, _hidden, _red = listed
    response = client.get(f"/enterprises/{public.subject.uscc}/feed/")
    assert response.status_code == 200
    assert "生态环境领域严重失信名单" in response.content.decode()
    assert client.get("/enterprises/91330100MA0000000X/feed/").status_code == 404


def test_check_api_reports_each_item(client, listed):
    public, hidden, red = listed
    plain = SubjectFactory(name="普通测试有限公司")
    response = client.post(
        "/api/v1/check/",
        {
            "subjects": [
                public.subject.uscc,
                hidden.subject.uscc,
                red.subject.name,
                plain.uscc,
                "91330100MA0000000X",
                "91330100799655058B",
                "没有这家公司",
                "",
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    results = response.json()["results"]
    first = results[0]
    assert first["found"] and first["label"] == "punished"
    assert first["black_lists"][0]["list"] == "zj-eco-serious"
    assert "8-ZJ-1" in {m["code"] for m in first["black_lists"][0]["measures"]}
    assert results[1]["found"] and results[1]["black_lists"] == [] and results[1]["label"] is None
    assert results[2]["label"] == "encouraged" and results[2]["red_lists"][0]["list"]
    assert results[3]["found"] and results[3]["label"] is None
    assert (results[4]["reason"], results[4]["error_code"]) == ("invalid_code", "checksum")
    assert "C" in results[4]["message"]  # the validator's message names the right character
    assert results[5]["reason"] == "unknown"
    assert results[6]["reason"] == "unknown"
    assert results[7]["reason"] == "empty"


def test_check_api_limits_and_bad_input(client):
    too_many = client.post(
        "/api/v1/check/", {"subjects": ["x"] * 1001}, content_type="application/json"
    )
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["field"] == "subjects"
    assert client.post("/api/v1/check/", {}, content_type="application/json").status_code == 400


def test_check_api_never_finds_natural_persons(client):
    person = Subject.objects.create(subject_type="natural_person", name="张三", id_number="x")
    response = client.post(
        "/api/v1/check/", {"subjects": [person.name]}, content_type="application/json"
    )
    assert response.json()["results"][0]["found"] is False


def test_check_page_round_trip(client, listed):
    public, _hidden, _red = listed
    upload = SimpleUploadedFile(
        "codes.csv", f"uscc\n{public.subject.uscc}\n12345\n".encode(), content_type="text/csv"
    )
    response = client.post("/lists/check/", {"file": upload})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "yes" and "生态环境领域严重失信名单" in rows[1][9]
    assert rows[2][2] == "invalid_code"
    assert client.get("/lists/check/").status_code == 200
    assert client.post("/lists/check/", {}).status_code == 400


def test_lists_api_and_changed_since(client, listed, system):
    from lists.services import list_entry_remove

    public, _hidden, _red = listed
    lists = client.get("/api/v1/lists/").json()["results"]
    eco = next(x for x in lists if x["slug"] == "zj-eco-serious")
    assert eco["entries_in_force"] == 1 and eco["color"] == "black"
    entries = client.get("/api/v1/lists/zj-eco-serious/entries/").json()
    assert [e["subject"]["uscc"] for e in entries["results"]] == [public.subject.uscc]
    mark = timezone.now()
    list_entry_remove(actor=system, entry=public, reason="revoked_after_objection")
    assert client.get("/api/v1/lists/zj-eco-serious/entries/").json()["count"] == 0
    changed = client.get(
        "/api/v1/lists/zj-eco-serious/entries/", {"changed_since": mark.isoformat()}
    ).json()
    assert [(e["id"], e["status"]) for e in changed["results"]] == [(public.pk, "removed")]
    bad = client.get("/api/v1/lists/zj-eco-serious/entries/", {"changed_since": "yesterday"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "changed_since"
    assert client.get("/api/v1/lists/nope/entries/").status_code == 404
