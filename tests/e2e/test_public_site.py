"""The public site in a real browser (marked ``browser``)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.actors import Actor
from enterprises.services import subject_upsert
from tests.factories import CreditRecordFactory, DepartmentFactory, next_uscc

# serialized_rollback: the live server needs a transactional database, whose flush would
# otherwise also remove the reference data the migrations seed (regions, departments, lists).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def company():
    subject, _ = subject_upsert(
        actor=Actor.for_system("e2e"),
        uscc=next_uscc(),
        data={"name": "杭州浏览器测试科技有限公司", "legal_representative": "王五"},
    )
    department = DepartmentFactory(name_zh="杭州市市场监督管理局", name_en="Hangzhou AMR")
    CreditRecordFactory(
        subject=subject,
        department=department,
        title="未按规定公示年度报告",
        decision_date=dt.date(2025, 5, 6),
    )
    CreditRecordFactory(
        subject=subject,
        department=department,
        kind="licence",
        severity="",
        penalty_type="",
        fine_amount=None,
        publicity_end=None,
        title="食品经营许可证",
    )
    return subject


def test_search_by_name_open_file_english_negative_tab_and_pdf(live_server, page, company):
    page.goto(live_server.url + "/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    page.fill("#search-q", "浏览器测试")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.get_by_role("link", name="杭州浏览器测试科技有限公司").click()
    page.wait_for_url(f"**/enterprises/{company.uscc}/")
    assert page.locator("h1").inner_text() == "杭州浏览器测试科技有限公司"

    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"**/enterprises/{company.uscc}/")
    assert page.get_attribute("html", "lang") == "en"

    page.locator('a[href="?tab=negative#records"]').click()
    page.wait_for_url("**?tab=negative#records")
    assert page.get_attribute("html", "lang") == "en"  # still English
    assert page.get_by_text("未按规定公示年度报告").is_visible()
    assert page.get_by_text("食品经营许可证").count() == 0
    assert page.locator(".repair a[href='/repair/']").count() == 1

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the credit report (PDF)").click()
    path = download_info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_search_by_uscc_goes_to_the_file(live_server, page, company):
    page.goto(live_server.url + "/")
    page.fill("#search-q", company.uscc)
    page.get_by_role("button", name="搜索").or_(
        page.locator("form.search-box button")
    ).first.click()
    page.wait_for_url(f"**/enterprises/{company.uscc}/")
    assert "杭州浏览器测试科技有限公司" in page.locator("h1").inner_text()


def test_broken_uscc_says_why(live_server, page, company):
    broken = company.uscc[:17] + ("X" if company.uscc[17] != "X" else "Y")
    page.goto(live_server.url + "/search/?q=" + broken)
    alert = page.get_by_role("alert").first
    assert alert.is_visible()
    assert "18" in alert.inner_text()  # names the check character (the 18th)


@pytest.mark.parametrize(
    "path", ["/", "/search/?q=%E6%9D%AD%E5%B7%9E", "/commitments/", "/policies/", "/repair/"]
)
def test_phone_width_has_no_horizontal_scroll(live_server, browser, company, path):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        tab = context.new_page()
        for url in (path, f"/enterprises/{company.uscc}/?tab=negative"):
            tab.goto(live_server.url + url)
            overflow = tab.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 375px"
    finally:
        context.close()


def test_keyboard_reaches_the_search_box_with_visible_focus(live_server, page):
    page.goto(live_server.url + "/")
    for _ in range(20):  # skip link, brand, language, the menu's links, then the box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-q":
            break
    assert page.evaluate("document.activeElement.id") == "search-q"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
