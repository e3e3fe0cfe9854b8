"""The public site: search, credit file, public API search, only public information."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enterprises.models import Subject
from enterprises.services import subject_upsert
from lists.models import CreditList, ListEntry
from tests.factories import CreditRecordFactory, DepartmentFactory, SubjectFactory, next_uscc

pytestmark = pytest.mark.django_db


def listed(subject: Subject, slug: str, *, reason: str = "公开理由") -> ListEntry:
    credit_list = CreditList.objects.get(slug=slug)
    today = timezone.localdate()
    return ListEntry.objects.create(
        credit_list=credit_list,
        subject=subject,
        department=credit_list.authority,
        status=ListEntry.Status.LISTED,
        reason=reason,
        proposed_on=today - dt.timedelta(days=60),
        listed_on=today - dt.timedelta(days=30),
    )


@pytest.fixture
def alibaba(system_actor):
    subject, _ = subject_upsert(
        actor=system_actor,
        uscc=next_uscc(),
        data={"name": "阿里巴巴（中国）网络技术有限公司", "legal_representative": "戴珊"},
        former_names=["杭州阿里巴巴广告有限公司"],
    )
    return subject


# --- Search ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["阿里巴巴", "里巴", "网络技术", "alibaba", "albb", "ALBB"])
def test_search_finds_by_name_substring_pinyin_and_initials(client, alibaba, query):
    SubjectFactory(name="杭州测试科技有限公司")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert [s.pk for s in response.context["result"].subjects] == [alibaba.pk]
    assert alibaba.uscc in response.content.decode()


def test_search_finds_former_names_by_text_and_pinyin(client, alibaba):
    for query in ("广告", "guanggao", "hzalbbgg"):
        result = client.get("/search/", {"q": query}).context["result"]
        assert [s.pk for s in result.subjects] == [alibaba.pk], query


def test_renaming_keeps_the_old_name_searchable(client, system_actor, alibaba):
    subject_upsert(actor=system_actor, uscc=alibaba.uscc, data={"name": "淘天集团有限公司"})
    for query in ("淘天", "ttjt", "阿里巴巴", "albb"):
        result = client.get("/search/", {"q": query}).context["result"]
        assert [s.pk for s in result.subjects] == [alibaba.pk], query


def test_one_character_is_not_searched(client, alibaba):
    response = client.get("/search/", {"q": "阿"})
    result = response.context["result"]
    assert result.subjects == [] and not result.searched
    assert "两个" in response.content.decode() or "two characters" in response.content.decode()


def test_full_uscc_redirects_to_the_file(client, alibaba):
    response = client.get("/search/", {"q": f" {alibaba.uscc.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/enterprises/{alibaba.uscc}/"


def test_broken_uscc_says_why_and_still_searches_names(client, alibaba):
    broken = alibaba.uscc[:17] + ("A" if alibaba.uscc[17] != "A" else "B")
    SubjectFactory(name=f"名称含{broken}的公司")
    response = client.get("/search/", {"q": broken}, HTTP_COOKIE="django_language=en")
    client.cookies["django_language"] = "en"
    response = client.get("/search/", {"q": broken})
    body = response.content.decode()
    assert response.status_code == 200
    assert "check character" in body
    assert len(response.context["result"].subjects) == 1  # the name that contains it


def test_natural_persons_never_appear(client):
    Subject.objects.create(
        subject_type=Subject.SubjectType.NATURAL_PERSON,
        name="王阿里巴巴",
        id_number="330106199001011234",
        search_pinyin="wangalibaba",
        search_initials="walbb",
    )
    for query in ("阿里巴巴", "alibaba", "walbb"):
        assert client.get("/search/", {"q": query}).context["result"].subjects == []
        assert client.get("/api/v1/enterprises/", {"q": query}).json()["results"] == []


def test_black_listed_subjects_are_findable_and_labelled(client):
    subject = SubjectFactory(name="温州失信示范有限公司")
    listed(subject, "zj-dishonest-judgment-debtors")
    response = client.get("/search/", {"q": "失信示范"})
    assert [s.pk for s in response.context["result"].subjects] == [subject.pk]
    assert "label-punished" in response.content.decode()
    only_black = client.get("/search/", {"list": "black"}).context["result"].subjects
    assert [s.pk for s in only_black] == [subject.pk]
    assert client.get("/search/", {"list": "red"}).context["result"].subjects == []


def test_filters_region_status_industry(client):
    xihu = SubjectFactory(name="杭州过滤甲有限公司", region_id="330106", industry_id="I")
    ningbo = SubjectFactory(
        name="宁波过滤乙有限公司",
        region_id="330206",
        industry_id="C",
        registration_status="cancelled",
    )

    def found(**params):
        return {
            s.pk for s in client.get("/search/", {"q": "过滤", **params}).context["result"].subjects
        }

    assert found() == {xihu.pk, ningbo.pk}
    assert found(region="330100") == {xihu.pk}  # a city covers its counties
    assert found(region="330206") == {ningbo.pk}
    assert found(region="330000") == {xihu.pk, ningbo.pk}
    assert found(status="cancelled") == {ningbo.pk}
    assert found(industry="I") == {xihu.pk}


def test_bad_filter_is_a_400_naming_the_field(client):
    response = client.get("/search/", {"q": "公司", "grade": "Z"})
    assert response.status_code == 400
    assert "grade" in response.context["form"].errors
    api = client.get("/api/v1/enterprises/", {"region": "999999"})
    assert api.status_code == 400
    assert api.json()["errors"][0]["field"] == "region"


def test_search_pages_and_caps_the_count(client, monkeypatch):
    from enterprises import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 30)
    SubjectFactory.create_batch(35, name=factory_name("分页"))
    response = client.get("/search/", {"q": "分页"})
    result = response.context["result"]
    assert result.page.capped and len(result.subjects) == 20
    assert "10,000+" in response.content.decode()
    second = client.get("/search/", {"q": "分页", "page": 2}).context["result"]
    assert len(second.subjects) == 10 and second.page.number == 2
    assert not {s.pk for s in second.subjects} & {s.pk for s in result.subjects}


def factory_name(word: str):
    import factory

    return factory.Sequence(lambda n: f"杭州{word}{n}有限公司")


def test_search_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    from django.db import connection

    SubjectFactory.create_batch(3, name=factory_name("计数"))
    # PostgreSQL asks the planner for a row estimate first (one EXPLAIN).
    budget = 8 + (connection.vendor == "postgresql")
    with django_assert_max_num_queries(budget) as few:
        client.get("/search/", {"q": "计数"})
    SubjectFactory.create_batch(25, name=factory_name("计数"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/search/", {"q": "计数"})


# --- API ----------------------------------------------------------------------------------------


def test_api_search_same_results_and_one_result_for_a_code(client, alibaba):
    body = client.get("/api/v1/enterprises/", {"q": "albb"}).json()
    assert body["count"] == 1 and body["results"][0]["uscc"] == alibaba.uscc
    assert body["results"][0]["url"].endswith(f"/enterprises/{alibaba.uscc}/")
    exact = client.get("/api/v1/enterprises/", {"q": alibaba.uscc}).json()
    assert [r["uscc"] for r in exact["results"]] == [alibaba.uscc]
    broken = client.get("/api/v1/enterprises/", {"q": alibaba.uscc[:17] + "Z"}).json()
    assert broken["uscc_error"] and broken["results"] == []


def test_api_search_needs_no_token_and_post_still_does(client):
    assert client.get("/api/v1/enterprises/").status_code == 200
    response = client.post("/api/v1/enterprises/", {}, content_type="application/json")
    assert response.status_code == 401


# --- Credit file --------------------------------------------------------------------------------


def test_file_shows_basic_information_records_by_tab_and_repair(client, alibaba):
    department = DepartmentFactory(name_zh="杭州市市场监督管理局")
    CreditRecordFactory(
        subject=alibaba,
        department=department,
        title="旧处罚",
        decision_date=dt.date(2024, 1, 10),
        document_number="杭市监罚〔2024〕1号",
    )
    CreditRecordFactory(
        subject=alibaba,
        department=department,
        title="新处罚",
        decision_date=dt.date(2025, 3, 1),
        document_number="杭市监罚〔2025〕9号",
        severity="serious",
        state="under_objection",
    )
    CreditRecordFactory(
        subject=alibaba,
        kind="licence",
        severity="",
        penalty_type="",
        fine_amount=None,
        publicity_end=None,
        title="食品经营许可",
    )
    response = client.get(f"/enterprises/{alibaba.uscc}/", {"tab": "negative"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "杭州阿里巴巴广告有限公司" in body  # former name
    assert "戴珊" in body
    counts = {t.category: t.count for t in response.context["file"].tabs}
    assert counts == {"basic": 1, "negative": 2, "trust": 0, "other": 0}
    records = response.context["active_tab"].records
    assert [r.title for r in records] == ["新处罚", "旧处罚"]  # newest first
    # A provincial department: the national edition (Order 58, serious: repair after 12
    # months) sets the dates; Zhejiang's own rules (clean record) apply beside it.
    assert records[0].repair.from_date == dt.date(2026, 3, 1)
    # Zhejiang needs a clean record since the decision (rules.md §8.1): the penalty of
    # 2025-03-01, itself public, blocks repair of the one of 2024-01-10 and is named.
    assert not records[1].repair.possible and records[1].repair.from_date is None
    assert "杭市监罚〔2025〕9号" in " ".join(records[1].repair.reasons)
    assert "失信行为纠正后的信用信息修复管理办法" in records[0].repair.rule
    assert "杭市监罚〔2024〕1号" in body and "杭州市市场监督管理局" in body
    assert "/repair/" in body and "/objections/new/" in body
    assert "2028-06-01" in body  # publicity end
    assert 'class="flag flag-objection"' in body
    basic = client.get(f"/enterprises/{alibaba.uscc}/", {"tab": "basic"}).content.decode()
    assert "食品经营许可" in basic and "新处罚" not in basic


def test_repair_date_follows_the_national_edition_in_force_on_the_decision_date(client, alibaba):
    national = DepartmentFactory(level="national")
    CreditRecordFactory(
        subject=alibaba, department=national, decision_date=dt.date(2024, 1, 10), severity="serious"
    )
    CreditRecordFactory(
        subject=alibaba, department=national, decision_date=dt.date(2022, 1, 10), severity="serious"
    )
    records = client.get(f"/enterprises/{alibaba.uscc}/?tab=negative").context["active_tab"].records
    # NDRC Order 58 (2023-05-01…): serious, 12 months; 2021 measures: serious penalty, 6 months.
    assert [r.repair.from_date for r in records] == [dt.date(2025, 1, 10), dt.date(2022, 7, 10)]


def test_permanent_negative_information_cannot_be_repaired(client, alibaba):
    CreditRecordFactory(
        subject=alibaba, penalty_type="licence_revoked", publicity_end=None, fine_amount=None
    )
    record = (
        client.get(f"/enterprises/{alibaba.uscc}/?tab=negative").context["active_tab"].records[0]
    )
    assert record.repair.possible is False


def test_file_shows_label_and_list_entries(client, alibaba):
    listed(alibaba, "zj-class-a-taxpayers", reason="A级纳税人")
    response = client.get(f"/enterprises/{alibaba.uscc}/")
    body = response.content.decode()
    assert "label-encouraged" in body and "A级纳税人" in body


def test_invalid_code_is_400_and_unknown_is_404(client):
    client.cookies["django_language"] = "en"
    response = client.get("/enterprises/91330100799655058A/")
    assert response.status_code == 400
    assert "check character" in response.content.decode()
    assert client.get("/enterprises/12345/").status_code == 400
    assert client.get("/enterprises/91330100799655058B/").status_code == 404
    assert client.get("/enterprises/91330100799655058B/report.pdf").status_code == 404


def test_lower_case_code_redirects_to_the_canonical_file(client, alibaba):
    typed = f"{alibaba.uscc[:6]}-{alibaba.uscc[6:].lower()}"  # hyphen: differs even if all digits
    response = client.get(f"/enterprises/{typed}/")
    assert response.status_code == 302 and response["Location"] == f"/enterprises/{alibaba.uscc}/"


def test_natural_person_has_no_public_file(client):
    person = Subject.objects.create(
        subject_type=Subject.SubjectType.NATURAL_PERSON, name="李四", id_number="330106199001011234"
    )
    CreditRecordFactory(subject=person, title="个人处罚")
    assert "个人处罚" not in client.get("/search/", {"q": "李四"}).content.decode()


def test_file_query_count_is_constant(client, alibaba, django_assert_num_queries):
    CreditRecordFactory(subject=alibaba)
    listed(alibaba, "zj-class-a-taxpayers")
    url = f"/enterprises/{alibaba.uscc}/?tab=negative"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    CreditRecordFactory.create_batch(30, subject=alibaba)
    CreditRecordFactory.create_batch(
        5, subject=alibaba, kind="honour", severity="", penalty_type="", fine_amount=None
    )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.context["active_tab"].count == 31


# --- Public means public ------------------------------------------------------------------------


def test_nothing_but_fully_public_records_anywhere(client, alibaba):
    for disclosure in ("public", "partial", "government"):
        CreditRecordFactory(
            subject=alibaba,
            disclosure=disclosure,
            title=f"MARKER-{disclosure.upper()}-TITLE",
            content=f"MARKER-{disclosure.upper()}-CONTENT",
        )
    CreditRecordFactory(subject=alibaba, state="expired", title="MARKER-EXPIRED-TITLE")
    pages = [
        client.get(f"/enterprises/{alibaba.uscc}/?tab={tab}").content.decode()
        for tab in ("basic", "negative", "trust", "other")
    ]
    pages.append(client.get("/search/", {"q": "阿里巴巴"}).content.decode())
    pages.append(client.get("/api/v1/enterprises/", {"q": "albb"}).content.decode())
    pages.append(client.get("/").content.decode())
    report = client.get(f"/enterprises/{alibaba.uscc}/report.pdf")
    pages.append(pdf_text(report.content))
    everything = "\n".join(pages)
    assert "MARKER-PUBLIC-TITLE" in everything and "MARKER-PUBLIC-TITLE" in pages[-1]
    for hidden in ("PARTIAL", "GOVERNMENT", "EXPIRED"):
        assert f"MARKER-{hidden}" not in everything


def pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
