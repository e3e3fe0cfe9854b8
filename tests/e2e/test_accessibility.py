"""Every public page in both languages at desktop (1280 px) and phone (375 px) width:
axe-core finds no violation of serious or critical impact, and a phone never scrolls
sideways. Screenshots of the main pages go to ``E2E_SCREENSHOTS`` (default
``artifacts/screenshots``, git-ignored), which CI keeps.

axe-core comes from npm (``npm ci`` installs package-lock.json's version into
node_modules/); it is injected from disk, nothing is fetched while the tests run.
"""

from __future__ import annotations

import contextlib
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from demo.subjects import SHOWCASE_USCC
from lists.models import CreditList
from lists.queries import active_entries
from news.models import Article

from .conftest import _unavailable

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": 1280, "phone": 375}
LANGUAGES = ("zh-hans", "en")
# Pages whose screenshots are kept (name → path); every page is checked.
MAIN_PAGES = {
    "home": "/",
    "search": "/search/?q=sfxy",
    "file": f"/enterprises/{SHOWCASE_USCC}/",
    "file-negative": f"/enterprises/{SHOWCASE_USCC}/?tab=negative",
    "lists": "/lists/",
    "list": "/lists/cn-abnormal-operations/",
    "news": "/news/",
    "commitments": "/commitments/",
    "inspections": "/inspections/",
    "repair": "/repair/",
}


def screenshots_dir() -> Path:
    directory = Path(os.environ.get("E2E_SCREENSHOTS") or ROOT / "artifacts" / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        call_command("seed_demo", enterprises=40, seed=1, stdout=StringIO(), stderr=StringIO())


def public_pages() -> list[str]:
    pages = [
        *MAIN_PAGES.values(),
        "/search/?q=91330106MA2CXD015X",
        "/policies/",
        "/lists/check/",
        "/objections/new/",
        "/repair/new/",
        "/verify/",
        "/track/",
        "/repair/statistics/",
        "/reports/verify/NOSUCHCODE/",
    ]
    pages += [
        f"/lists/{slug}/"
        for slug in CreditList.objects.values_list("slug", flat=True)
        if f"/lists/{slug}/" not in pages
    ]
    pages += [f"/news/{pk}/" for pk in Article.objects.values_list("pk", flat=True)[:2]]
    with contextlib.suppress(NoReverseMatch):
        pages.append(reverse("statistics"))
    return pages


def test_axe_is_loaded_and_finds_violations(live_server, browser):
    """The check can fail: a page with an unlabelled image is a critical violation."""
    if not AXE.exists():
        _unavailable(f"{AXE} is missing (npm ci)")
    context = browser.new_context(bypass_csp=True)
    try:
        tab = context.new_page()
        tab.goto(live_server.url + "/")
        tab.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')"
        )
        tab.add_script_tag(path=str(AXE))
        assert any(v.startswith("image-alt (critical)") for v in serious_violations(tab))
    finally:
        context.close()


def serious_violations(tab) -> list[str]:
    result = tab.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes']}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_pass_axe_and_fit_the_width(live_server, browser, demo, language, width):
    if not AXE.exists():
        _unavailable(f"{AXE} is missing (npm ci)")
    # bypass_csp: axe is injected as an inline script, which the site's policy forbids.
    context = browser.new_context(
        viewport={"width": WIDTHS[width], "height": 900}, locale="zh-CN", bypass_csp=True
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    shots = screenshots_dir()
    names = {path: name for name, path in MAIN_PAGES.items()}
    problems: dict[str, list[str]] = {}
    try:
        tab = context.new_page()
        for path in public_pages():
            response = tab.goto(live_server.url + path)
            assert response is not None and response.status in (200, 400, 404), path
            assert tab.get_attribute("html", "lang") == language, path
            tab.add_script_tag(path=str(AXE))
            found = serious_violations(tab)
            overflow = tab.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                found.append(f"scrolls sideways by {overflow}px")
            if found:
                problems[path] = found
            if path in names:
                tab.screenshot(
                    path=str(shots / f"{names[path]}-{language}-{width}.png"), full_page=True
                )
    finally:
        context.close()
    assert problems == {}


def test_phone_menu_opens_without_javascript_and_desktop_shows_the_links(live_server, browser):
    for width, javascript in ((375, False), (1280, False)):
        context = browser.new_context(
            viewport={"width": width, "height": 800}, java_script_enabled=javascript
        )
        try:
            tab = context.new_page()
            tab.goto(live_server.url + "/")
            link = tab.locator(".site-nav a[href='/lists/']")
            if width == 375:
                assert not link.is_visible()
                tab.locator(".nav-menu > summary").click()
                assert link.is_visible()
                height = tab.evaluate("document.querySelector('.site-nav').offsetHeight")
                assert height > 100  # one link a line
            else:
                assert link.is_visible()
                assert not tab.locator(".nav-menu > summary").is_visible()
                height = tab.evaluate("document.querySelector('.site-nav').offsetHeight")
                assert height < 80, height  # one row of links
        finally:
            context.close()


def test_dates_never_break_on_a_phone(live_server, browser, demo):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        tab = context.new_page()
        busiest = (
            active_entries().values_list("credit_list__slug").annotate(n=Count("id")).order_by("-n")
        )[0][0]
        for path in ("/", f"/lists/{busiest}/", "/lists/", "/news/", "/commitments/"):
            tab.goto(live_server.url + path)
            # Lines the date's own text takes (a label above it in a card is not counted).
            lines = tab.evaluate(
                "Array.from(document.querySelectorAll('time, .date'))"
                ".filter(e => e.textContent.trim().length >= 10 && e.offsetParent)"
                ".map(e => { const r = document.createRange(); r.selectNodeContents(e);"
                " const tops = new Set(Array.from(r.getClientRects())"
                ".filter(x => x.width > 0).map(x => Math.round(x.top)));"
                " return [e.textContent.trim(), tops.size]; })"
            )
            assert lines, path
            for text, count in lines:
                assert count == 1, (path, text, count)
    finally:
        context.close()
