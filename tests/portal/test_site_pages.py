"""Home, commitments, policies and guidance pages, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest

from enterprises.models import CreditCommitment, Policy
from tests.factories import DepartmentFactory, SubjectFactory
from tests.portal.test_site import listed

pytestmark = pytest.mark.django_db

PAGES = ["/", "/search/?q=公司", "/commitments/", "/policies/", "/repair/", "/objections/new/"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("url", PAGES)
def test_pages_answer_in_both_languages(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_language_switch_keeps_the_current_page(client):
    page = client.get("/policies/?level=national").content.decode()
    assert 'name="next" type="hidden" value="/policies/?level=national"' in page
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/policies/?level=national"}
    )
    assert response.status_code == 302 and response["Location"] == "/policies/?level=national"


def test_home_shows_red_and_black_publications_side_by_side(client):
    listed(SubjectFactory(), "zj-class-a-taxpayers")
    listed(SubjectFactory(), "zj-dishonest-judgment-debtors")
    response = client.get("/")
    body = response.content.decode()
    assert response.context["list_figures"] == {"red": 1, "black": 1}
    red, black = body.index("publications-red"), body.index("publications-black")
    assert "/lists/zj-class-a-taxpayers/" in body[red:black]
    assert "/lists/zj-dishonest-judgment-debtors/" in body[black:]
    assert 'action="/search/"' in body
    for link in ("/policies/", "/objections/new/", "/repair/"):
        assert f'href="{link}"' in body


def test_policies_are_seeded_with_the_documents_the_thesis_cites(client):
    titles = set(Policy.objects.values_list("title_zh", flat=True))
    assert "社会信用体系建设规划纲要（2014—2020年）" in titles
    assert "全国失信惩戒措施基础清单（2021年版）" in titles
    assert "浙江省公共信用信息管理条例" in titles
    body = client.get("/policies/?level=provincial").content.decode()
    assert "浙江省公共信用信息管理条例" in body and "社会信用体系建设规划纲要" not in body


def commitment(**values):
    defaults = {
        "subject": SubjectFactory(),
        "commitment_type": "approval_substitute",
        "reason": "审批替代型, 申请办理会计代理记账机构执业资格审批",
        "committed_on": dt.date(2022, 8, 24),
        "accepting_unit": DepartmentFactory(code="huzhou-finance", name_zh="湖州市财政局"),
        "content": "一、所提交的申请材料真实、合法、有效",
    }
    return CreditCommitment.objects.create(**{**defaults, **values})


def test_commitments_show_figure_10_fields_and_filter(client):
    shown = commitment(subject=SubjectFactory(name="湖州星瑞财务咨询有限公司"))
    other_unit = DepartmentFactory(code="zj-tax-test", name_zh="税务测试局")
    commitment(commitment_type="tax_declaration", accepting_unit=other_unit, reason="涉税申报")
    commitment(disclosure="government", reason="GOV-ONLY-COMMITMENT")
    body = client.get("/commitments/").content.decode()
    for text in ("湖州星瑞财务咨询有限公司", shown.subject.uscc, "2022-08-24", "湖州市财政局"):
        assert text in body
    assert "GOV-ONLY-COMMITMENT" not in body

    def reasons(**params):
        return [c.reason for c in client.get("/commitments/", params).context["commitments"]]

    assert reasons(unit="zj-tax-test") == ["涉税申报"]
    assert reasons(type="tax_declaration") == ["涉税申报"]
    assert reasons(date_from="2022-08-25") == []
    assert len(reasons(date_from="2022-08-24", date_to="2022-08-24")) == 2
    bad = client.get("/commitments/", {"date_from": "2022-13-45"})
    assert bad.status_code == 400 and "date_from" in bad.context["form"].errors


def test_guidance_pages_explain_the_online_applications(client):
    client.cookies["django_language"] = "en"
    assert "5 working days" in client.get("/objections/new/").content.decode()
    repair = client.get("/repair/").content.decode()
    assert "15 working days" in repair and "/repair/new/" in repair
