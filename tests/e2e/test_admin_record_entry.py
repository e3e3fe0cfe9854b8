"""An officer enters a penalty in a real browser (marked ``browser``): the subject picked
by typing part of its name, the penalty's form only, the dates it will get shown before
saving, and the record on the public file afterwards (docs/rules.md §3.3, §6.1, §8.1)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from core.actors import Actor
from enterprises.models import CreditRecord, Department
from enterprises.services import subject_upsert
from tests.factories import make_officer, next_uscc

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_officer_enters_a_penalty_by_name_sees_its_dates_and_the_public_file(live_server, page):
    company, _ = subject_upsert(
        actor=Actor.for_system("e2e"),
        uscc=next_uscc("330106"),
        data={"name": "杭州西湖龙井茶业有限公司", "region_id": "330106"},
    )
    officer = make_officer(Department.objects.get(code="zj-eco"))
    client = Client()
    client.force_login(officer)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "domain": host, "path": "/"},
        ]
    )

    page.goto(live_server.url + "/admin/enterprises/creditrecord/add/")
    page.get_by_role("link", name="Administrative penalty", exact=True).click()
    page.wait_for_url("**/add/?kind=penalty")

    # The subject: typed, not an id.
    page.locator("[aria-labelledby=select2-id_subject-container]").click()
    page.locator(".select2-search__field").fill("龙井茶")
    option = page.locator(".select2-results__option", has_text="杭州西湖龙井茶业有限公司")
    option.click()
    assert company.uscc in page.locator("#select2-id_subject-container").inner_text()

    # Only the penalty's fields.
    assert page.locator("#id_penalty_type").is_visible()
    assert page.locator("#id_fine_amount").is_visible()
    assert page.locator("#id_tax_credit_level").count() == 0
    assert page.locator("#id_valid_from").count() == 0

    page.fill("#id_title", "未按规定开展环境监测")
    page.fill("#id_decision_date", "2026-04-01")
    page.fill("#id_document_number", "浙环罚〔2026〕7号")
    page.select_option("#id_severity", "general")
    page.select_option("#id_penalty_type", "fine")
    page.fill("#id_fine_amount", "20000")

    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#record-preview")
    preview.wait_for()
    text = preview.inner_text()
    assert "2027-04-01" in text  # public until
    assert "2026-07-01" in text  # repairable from
    assert "国家发展改革委令第36号" in text
    assert not CreditRecord.objects.exists()  # a preview saves nothing

    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/enterprises/creditrecord/")
    record = CreditRecord.objects.get()
    assert (record.subject_id, str(record.publicity_end)) == (company.pk, "2027-04-01")

    page.goto(f"{live_server.url}/enterprises/{company.uscc}/")
    assert "未按规定开展环境监测" in page.content()
