"""What the repair and objection pages show the public (rules.md §3.5, §3.7, §8.1): only
fully public records and list entries are named, offered or chosen, and only they move
the eligibility answer; the grant still counts every listed entry of the subject."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from core.actors import Actor
from enterprises.models import Disclosure
from lists.models import CreditList, ListEntry
from lists.queries import public_entries_of
from lists.services import list_entry_list, list_entry_notify, list_entry_propose
from repair.eligibility import NEVER, NOW, record_eligibility, records_eligibility_for_officials
from repair.models import Case

from .conftest import committing, pdf
from .verified import api_headers, verify_client

pytestmark = pytest.mark.django_db

SYSTEM = Actor.for_system("tests")


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def _listed(subject, slug, today, *, disclosure=Disclosure.PUBLIC, reason="理由"):
    credit_list = CreditList.objects.get(slug=slug)
    day = today - dt.timedelta(days=500)
    entry = list_entry_propose(
        actor=SYSTEM,
        credit_list=credit_list,
        subject=subject,
        reason=reason,
        proposed_on=day - dt.timedelta(days=40),
        disclosure=disclosure,
    )
    if credit_list.is_black:
        entry = list_entry_notify(
            actor=SYSTEM, entry=entry, notified_on=day - dt.timedelta(days=40)
        )
    return list_entry_list(actor=SYSTEM, entry=entry, listed_on=day)


@pytest.fixture
def entries(subject, today):
    """One public entry and one of each kind the public never sees."""
    public = _listed(subject, "cn-samr-serious-violation", today)
    partial = _listed(subject, "zj-eco-serious", today, disclosure=Disclosure.PARTIAL)
    government = _listed(subject, "zj-class-a-taxpayers", today, disclosure=Disclosure.GOVERNMENT)
    unpublished = _listed(subject, "zj-culture-tourism-black", today)
    CreditList.objects.filter(slug="zj-culture-tourism-black").update(is_published=False)
    return public, [partial, government, unpublished]


def _offered(page: str) -> set[int]:
    return {int(v) for v in re.findall(r'name="list_entries" value="(\d+)"', page)}


def test_public_entries_of_a_subject_are_the_public_ones(subject, entries):
    public, _hidden = entries
    assert list(public_entries_of([subject.pk])) == [public]


def test_guide_and_forms_name_and_accept_only_public_entries(client, subject, record, entries):
    public, hidden = entries
    names = {e.pk: e.credit_list.name_zh for e in [public, *hidden]}

    guide = client.get("/repair/", {"uscc": subject.uscc}).content.decode()
    english = {e.pk: e.credit_list.name_en for e in [public, *hidden]}
    assert names[public.pk] in guide or english[public.pk] in guide
    assert not [e.pk for e in hidden if names[e.pk] in guide or english[e.pk] in guide]
    verify_client(client, subject)
    for url in ["/repair/new/", "/objections/new/"]:
        page = client.get(url, {"uscc": subject.uscc}).content.decode()
        assert _offered(page) == {public.pk}, url

    base = {
        "uscc": subject.uscc,
        "legal_representative": "张三",
        "grounds": "factual_error",
        "explanation": "理由不实",
        "contact_name": "李四",
        "contact_email": "li@example.org",
    }

    def refusal(pk: int) -> tuple[int, str]:
        response = client.post("/objections/new/", {**base, "list_entries": [pk]})
        errors = re.findall(r'class="error" role="alert">([^<]*)<', response.content.decode())
        return response.status_code, " ".join(errors).replace(str(pk), "<id>")

    unknown = refusal(987654321)
    assert unknown[0] == 400 and "not one of the available choices" in unknown[1]
    for entry in hidden:
        assert refusal(entry.pk) == unknown, entry.credit_list.slug
    answer = client.post(
        "/api/v1/objections/",
        {**base, "list_entries": [hidden[1].pk]},
        "application/json",
        **api_headers(subject),
    )
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "list_entries"
    assert not Case.objects.exists()


def test_a_non_public_listing_moves_only_the_officials_answer(
    client, official_client, subject, record, today
):
    """Listed twice on a list that bars repair from two listings, on a partly public entry:
    the public is told the record may be repaired (it never learns of the entry), the
    application is received, and the grant refuses it (rules.md §8.1, §8.2)."""
    entry = _listed(subject, "zj-eco-serious", today, disclosure=Disclosure.PARTIAL)
    ListEntry.objects.filter(pk=entry.pk).update(times_listed=2)

    assert record_eligibility(record).status == NOW
    officials = records_eligibility_for_officials([record])[record.pk]
    assert officials.status == NEVER and "too often" in officials.reasons[0]
    public = client.__class__()  # ``client`` is the logged-in official's
    public.cookies["django_language"] = "en"
    for url in [
        f"/repair/?uscc={subject.uscc}",
        f"/enterprises/{subject.uscc}/?tab=negative",
        f"/api/v1/enterprises/{subject.uscc}/records/{record.pk}/repair-eligibility/",
    ]:
        page = public.get(url).content.decode()
        assert "too often" not in page and "listed 2 times" not in page, url

    verify_client(public, subject)
    with committing():
        response = public.post(
            "/repair/new/",
            {
                "uscc": subject.uscc,
                "legal_representative": "张三",
                "records": [record.pk],
                "contact_name": "李四",
                "contact_email": "li@example.org",
                "opinion": pdf("opinion.pdf"),
                "commitment": pdf("commitment.pdf"),
            },
        )
    assert response.status_code == 200, response.content.decode()[:2000]
    case = Case.objects.get()
    with committing():
        official_client.post(f"/repair/workbench/{case.pk}/accept/")
        refused = official_client.post(
            f"/repair/workbench/{case.pk}/grant/", {"reason": "义务已履行"}
        )
    assert refused.status_code == 400
    assert "too often" in refused.content.decode()
    case.refresh_from_db()
    assert case.state == "accepted"
