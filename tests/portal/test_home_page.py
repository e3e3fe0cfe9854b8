"""The home page: search examples that find a demo enterprise, special publications with
one row per list and its real count, the site's name from configuration."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from core.actors import Actor
from core.site import site_name
from demo.subjects import SHOWCASE_NAME, SHOWCASE_USCC
from enterprises.pinyin import name_keys
from lists.models import CreditList
from lists.services import list_entry_list, list_entry_propose
from portal.home import list_publications
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db


def test_the_default_examples_name_the_demo_showcase_enterprise():
    examples = settings.SEARCH_EXAMPLES
    pinyin, initials = name_keys(SHOWCASE_NAME)
    assert examples["name"] in SHOWCASE_NAME
    assert examples["pinyin"] in pinyin and examples["initials"] in initials
    assert examples["uscc"] == SHOWCASE_USCC


@pytest.mark.parametrize("seed", [1, 7])
def test_every_search_example_of_the_home_page_finds_the_showcase(client, settings, seed):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        call_command("seed_demo", enterprises=12, seed=seed, as_of="2026-03-02", stdout=StringIO())
    home = client.get("/").content.decode()
    for kind, example in settings.SEARCH_EXAMPLES.items():
        assert f"q={example}" in home or kind == "name"  # each example is a link
        response = client.get("/search/", {"q": example})
        if kind == "uscc":  # a valid code goes straight to the file
            assert response.status_code == 302
            assert response["Location"] == f"/enterprises/{SHOWCASE_USCC}/"
            continue
        assert response.status_code == 200
        found = [s.uscc for s in response.context["result"].subjects]
        assert SHOWCASE_USCC in found, (kind, example, found)
    assert client.get(f"/enterprises/{SHOWCASE_USCC}/").status_code == 200


def _listed(slug: str, listed_on: dt.date) -> None:
    system = Actor.for_system("tests")
    entry = list_entry_propose(
        actor=system,
        credit_list=CreditList.objects.get(slug=slug),
        subject=SubjectFactory(),
        reason="理由",
        proposed_on=listed_on - dt.timedelta(days=30),
    )
    list_entry_list(actor=system, entry=entry, listed_on=listed_on)


def test_special_publications_show_each_list_once_with_its_count(client):
    today = timezone.localdate()
    for days in (40, 20, 5):  # three publications of one list on three days
        _listed("cn-dishonest-judgment-debtors", today - dt.timedelta(days=days))
    _listed("zj-wage-arrears", today - dt.timedelta(days=10))
    _listed("cn-class-a-taxpayers", today - dt.timedelta(days=3))

    black = list_publications("black")
    assert [(row["credit_list__slug"], row["entries"]) for row in black] == [
        ("cn-dishonest-judgment-debtors", 3),
        ("zj-wage-arrears", 1),
    ]
    assert black[0]["latest"] == today - dt.timedelta(days=5)
    body = client.get("/").content.decode()
    assert body.count("/lists/cn-dishonest-judgment-debtors/") == 1
    assert "3 条" in body
    assert [row["credit_list__slug"] for row in list_publications("red")] == [
        "cn-class-a-taxpayers"
    ]


def test_the_site_name_comes_from_the_setting(client, settings):
    settings.SITE_NAME = {"zh-hans": "信用某省", "en": "Credit Someprovince"}
    body = client.get("/").content.decode()
    assert "<title>信用某省 — 公共信用信息</title>" in body
    assert 'class="brand" href="/">信用某省</a>' in body
    assert "信用某省" in client.get("/lists/").content.decode()
    client.cookies["django_language"] = "en"
    body = client.get("/").content.decode()
    assert "<title>Credit Someprovince — public credit information</title>" in body
    assert site_name("en") == "Credit Someprovince" and site_name("zh-hans") == "信用某省"
    with translation.override("en"):
        assert site_name() == "Credit Someprovince"


def test_the_default_site_name_is_bilingual():
    assert site_name("zh-hans") == "信用示范站"
    assert site_name("en") == "CreditSite"
    assert site_name("fr") == "信用示范站"  # the default language's


def test_admin_header_carries_the_site_name(client, settings, admin_user):
    settings.SITE_NAME = {"zh-hans": "信用某省", "en": "Credit Someprovince"}
    client.force_login(admin_user)
    assert "信用某省管理后台" in client.get("/admin/").content.decode()


def test_case_emails_carry_the_site_name(settings, django_capture_on_commit_callbacks):
    from repair.models import Case
    from repair.services.common import _notify

    settings.SITE_NAME = {"zh-hans": "信用某省", "en": "Credit Someprovince"}
    case = Case(reference="XY-2026-000001", state="submitted", contact_email="a@example.org")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        _notify(case, "note")
    assert mail.outbox[-1].subject.startswith("[Credit Someprovince] XY-2026-000001")
