"""Every public page in each language shows no text of the other language outside names,
quotes and codes (tests/language_leaks.py says what counts as either)."""

from __future__ import annotations

import contextlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from demo.subjects import SHOWCASE_USCC
from enterprises.models import Subject
from lists.models import CreditList
from news.models import Article
from tests.language_leaks import other_language_text

pytestmark = pytest.mark.django_db
LANGUAGES = ("zh-hans", "en")


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        call_command("seed_demo", enterprises=60, seed=1, stdout=StringIO(), stderr=StringIO())


def public_pages() -> list[str]:
    pages = [
        "/",
        "/search/?q=%E7%A4%BA%E8%8C%83%E4%BF%A1%E7%94%A8",
        "/search/?q=sfxy",
        "/search/?q=91330106MA2CXD015X",  # a broken code: the problem says why
        "/commitments/",
        "/policies/",
        "/lists/",
        "/lists/check/",
        "/inspections/",
        "/objections/new/",
        "/repair/",
        "/repair/new/",
        "/repair/statistics/",
        "/repair/agencies/",
        "/news/",
        "/reports/verify/NOSUCHCODE/",
        "/enterprises/123/",
    ]
    pages += [f"/lists/{slug}/" for slug in CreditList.objects.values_list("slug", flat=True)]
    pages += [f"/news/{pk}/" for pk in Article.objects.values_list("pk", flat=True)]
    with contextlib.suppress(NoReverseMatch):
        pages.append(reverse("statistics"))
    return pages


def leaks(client, paths: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for language in LANGUAGES:
        client.cookies["django_language"] = language
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 400, 404), (path, response.status_code)
            text = other_language_text(response.content.decode(), language=language)
            if text:
                found[f"{language} {path}"] = text[:5]
    return found


def test_every_public_page_speaks_one_language(client, demo):
    assert leaks(client, public_pages()) == {}


def test_credit_files_speak_one_language(client, demo):
    subjects = dict(Subject.objects.values_list("uscc", "name")[:5])
    subjects[SHOWCASE_USCC] = Subject.objects.get(uscc=SHOWCASE_USCC).name
    paths = [f"/enterprises/{code}/?tab={tab}" for code in subjects for tab in ("", "negative")]
    # The page title starts with the subject's name (a <title> holds no markup).
    titles = {f"{name} · Credit file" for name in subjects.values()}
    found = {
        page: rest
        for page, texts in leaks(client, paths).items()
        if (rest := [text for text in texts if text not in titles])
    }
    assert found == {}


def test_the_checker_finds_text_of_the_other_language():
    page = (
        "<html lang='en'><head><title>Credit file</title></head><body>"
        "<p>Listed on 2026-01-01</p><p>未按规定公示</p>"
        "<p lang='zh-hans'>杭州某某有限公司</p><span class='name'>王五</span></body></html>"
    )
    assert other_language_text(page, language="en") == ["未按规定公示"]
    page = "<html lang='zh-hans'><body><p>信用 PDF 报告</p><p>Search</p><code>uscc</code></body>"
    assert other_language_text(page, language="zh-hans") == ["Search"]
