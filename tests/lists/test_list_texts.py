"""A list's criteria, legal basis, end and repair rules in the language of the page, and in
both languages in the API."""

from __future__ import annotations

import pytest

from lists.models import CreditList
from lists.reference import CREDIT_LISTS, LIST_TRANSLATIONS

pytestmark = pytest.mark.django_db
SLUG = "cn-samr-serious-violation"


def test_every_seeded_list_has_its_texts_in_both_languages():
    assert set(LIST_TRANSLATIONS) == {data["slug"] for data in CREDIT_LISTS}
    for credit_list in CreditList.objects.filter(slug__in=LIST_TRANSLATIONS):
        assert credit_list.criteria and credit_list.criteria_zh, credit_list.slug
        assert credit_list.legal_basis and credit_list.legal_basis_en, credit_list.slug
        assert bool(credit_list.end_rule_text) == bool(credit_list.end_rule_text_zh)
        assert bool(credit_list.repair_rule) == bool(credit_list.repair_rule_zh)


def test_the_list_page_shows_the_texts_of_its_language(client):
    credit_list = CreditList.objects.get(slug=SLUG)
    body = client.get(f"/lists/{SLUG}/").content.decode()
    for text in (credit_list.criteria_zh, credit_list.repair_rule_zh, credit_list.legal_basis):
        assert text in body
    assert credit_list.criteria not in body and credit_list.legal_basis_en not in body

    client.cookies["django_language"] = "en"
    body = client.get(f"/lists/{SLUG}/").content.decode()
    for text in (credit_list.criteria, credit_list.repair_rule, credit_list.legal_basis_en):
        assert text.replace("'", "&#x27;") in body
    assert credit_list.criteria_zh not in body and credit_list.legal_basis not in body
    index = client.get("/lists/").content.decode()
    assert credit_list.legal_basis_en.replace("'", "&#x27;") in index


def test_the_api_gives_both_languages(client):
    row = next(r for r in client.get("/api/v1/lists/").json()["results"] if r["slug"] == SLUG)
    credit_list = CreditList.objects.get(slug=SLUG)
    assert row["criteria_zh"] == credit_list.criteria_zh
    assert row["criteria_en"] == row["criteria"] == credit_list.criteria
    assert row["legal_basis_en"] == credit_list.legal_basis_en
    assert row["repair_rule_zh"] == credit_list.repair_rule_zh
