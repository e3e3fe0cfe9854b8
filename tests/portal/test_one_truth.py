"""One truth per subject (docs/rules.md §3.7, §3.9, §8.5): the credit file, the search
results, the PDF report, the file API, the batch check and the repair guide say the same
label, the same counts and the same "negative / trust-keeping" answer, in every situation."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from lists.models import CreditList, ListEntry
from repair.models import Case, CaseKind, CaseState
from tests.factories import CreditRecordFactory, DepartmentFactory, SubjectFactory

pytestmark = pytest.mark.django_db

NO_NEGATIVE = "No public negative information."


def _listed(subject, slug: str) -> ListEntry:
    credit_list = CreditList.objects.get(slug=slug)
    today = timezone.localdate()
    return ListEntry.objects.create(
        credit_list=credit_list,
        subject=subject,
        department=credit_list.authority,
        status=ListEntry.Status.LISTED,
        reason="公开理由",
        document_number=f"LIST-{subject.pk}-{slug}",
        proposed_on=today - dt.timedelta(days=60),
        listed_on=today - dt.timedelta(days=30),
    )


def _repaired(subject, *, publication_ends: dt.date) -> None:
    """A record repaired by a repair decided 3 days ago and published until the day given."""
    today = timezone.localdate()
    record = CreditRecordFactory(subject=subject, title="REPAIRED-MARKER", state="repaired")
    case = Case.objects.create(
        kind=CaseKind.REPAIR,
        reference=f"XF{subject.pk:06d}{publication_ends:%m%d}",
        access_code_hash="x" * 64,
        subject=subject,
        department=record.department,
        contact_name="李四",
        contact_email="li@example.org",
        received_on=today - dt.timedelta(days=30),
        state=CaseState.PUBLISHED,
        decided_on=today - dt.timedelta(days=3),
        carried_out_on=today - dt.timedelta(days=2),
        publication_ends=publication_ends,
    )
    case.records.add(record)


@dataclass
class Expected:
    label: str | None
    negative: int
    trust: int
    repaired: int = 0
    black: int = 0


def _black_without_penalties(subject):
    _listed(subject, "zj-eco-serious")
    _listed(subject, "cn-samr-serious-violation")
    return Expected("punished", negative=2, trust=0, black=2)


def _red_listed(subject):
    _listed(subject, "zj-class-a-taxpayers")
    return Expected("encouraged", negative=0, trust=1)


def _repaired_in_publication(subject):
    _repaired(subject, publication_ends=timezone.localdate() + dt.timedelta(days=4))
    return Expected(None, negative=0, trust=0, repaired=1)


def _repaired_publication_over(subject):
    _repaired(subject, publication_ends=timezone.localdate() - dt.timedelta(days=1))
    return Expected(None, negative=0, trust=0)


def _under_objection(subject):
    CreditRecordFactory(subject=subject, state="under_objection")
    return Expected(None, negative=1, trust=0)


def _expired(subject):
    CreditRecordFactory(subject=subject, state="expired")
    return Expected(None, negative=0, trust=0)


def _not_published(subject):
    CreditRecordFactory(subject=subject, state="unpublished", severity="minor")
    CreditRecordFactory(subject=subject, disclosure="partial")
    return Expected(None, negative=0, trust=0)


def _abnormal_operations_only(subject):
    _listed(subject, "cn-abnormal-operations")
    return Expected(None, negative=1, trust=0, black=1)


def _penalty_and_red_list(subject):
    CreditRecordFactory(subject=subject)
    CreditRecordFactory(
        subject=subject,
        kind="tax_credit_rating",
        tax_credit_level="A",
        tax_year=2025,
        severity="",
        penalty_type="",
        fine_amount=None,
    )
    _listed(subject, "zj-contract-abiding")
    return Expected("encouraged", negative=1, trust=2)


SITUATIONS = [
    _black_without_penalties,
    _red_listed,
    _repaired_in_publication,
    _repaired_publication_over,
    _under_objection,
    _expired,
    _not_published,
    _abnormal_operations_only,
    _penalty_and_red_list,
]


@pytest.mark.parametrize("situation", SITUATIONS, ids=lambda f: f.__name__.strip("_"))
def test_every_surface_tells_the_same_story(client, situation):
    DepartmentFactory()
    subject = SubjectFactory()
    want = situation(subject)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        # The credit file: standing, counted tabs of both groupings, the notice box.
        page = client.get(f"/enterprises/{subject.uscc}/")
        assert page.status_code == 200
        standing = page.context["standing"]
        assert standing.label == want.label
        assert standing.counts["negative"] == want.negative
        assert standing.counts["trust"] == want.trust
        assert len(standing.black_entries) == want.black
        assert len(standing.repaired) == want.repaired
        file = page.context["file"]
        zhejiang = {t.key: t.count for t in file.zhejiang_tabs}
        assert zhejiang["negative"] == want.negative and zhejiang["trust"] == want.trust
        assert sum(t.count for t in file.china_tabs) == sum(standing.counts.values())
        body = page.content.decode()
        assert (NO_NEGATIVE in body) is (want.negative == 0)
        assert ("label-punished" in body) is (want.label == "punished")
        assert ("REPAIRED-MARKER" in body) is bool(want.repaired)

        # Search results carry the same standing.
        found = client.get("/search/", {"q": subject.name[:8]}).context["result"].subjects
        (hit,) = [s for s in found if s.pk == subject.pk]
        assert hit.standing.counts == standing.counts and hit.standing.label == want.label

        # The file API.
        api = client.get(f"/api/v1/enterprises/{subject.uscc}/").json()
        assert api["label"] == want.label
        assert api["standing"]["negative"] is (want.negative > 0)
        assert api["standing"]["trust_keeping"] is (want.trust > 0)
        assert api["standing"]["counts"] == standing.counts
        assert api["standing"]["credit_china_tabs"] == standing.credit_china
        assert len(api["standing"]["repaired_in_publication"]) == want.repaired

        # The batch check: the same object.
        check = client.post(
            "/api/v1/check/", {"subjects": [subject.uscc]}, content_type="application/json"
        )
        assert check.status_code == 200
        (item,) = check.json()["results"]
        assert item["label"] == want.label
        assert item["standing"] == api["standing"]
        assert len(item["black_lists"]) == want.black

        # The repair guide never says "no negative information" of a listed subject.
        guide = client.get("/repair/", {"uscc": subject.uscc}).content.decode()
        assert (NO_NEGATIVE in guide) is (want.negative == 0)
        assert ("REPAIRED-MARKER" in guide) is bool(want.repaired)

        # The PDF report.
        pdf = client.get(f"/enterprises/{subject.uscc}/report.pdf")
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        text = " ".join(text.split())
        assert f"Negative information ({want.negative})" in text
        assert f"Trust-keeping information ({want.trust})" in text
        assert (NO_NEGATIVE in text) is (want.negative == 0)
        assert ("[Repaired] " in text) is bool(want.repaired)


def test_the_abnormal_operations_entry_is_explained_everywhere(client):
    subject = SubjectFactory()
    _listed(subject, "cn-abnormal-operations")
    client.cookies["django_language"] = "en"
    phrase = "deducts no points by itself"
    with translation.override("en"):
        assert phrase in client.get(f"/enterprises/{subject.uscc}/").content.decode()
        assert phrase in client.get("/repair/", {"uscc": subject.uscc}).content.decode()
        api = client.get(f"/api/v1/enterprises/{subject.uscc}/").json()
        assert phrase in api["list_entries"][0]["note"]
        check = client.post(
            "/api/v1/check/", {"subjects": [subject.uscc]}, content_type="application/json"
        ).json()
        assert phrase in check["results"][0]["black_lists"][0]["note"]
        # No abnormal-operations record is public, so the score does not reflect it: said.
        assert "does not reflect this entry" in api["list_entries"][0]["note"]


def test_the_file_shows_both_groupings_and_the_notice_box(client):
    subject = SubjectFactory()
    _listed(subject, "zj-eco-serious")
    CreditRecordFactory(subject=subject, title="PENALTY-MARKER")
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = client.get(f"/enterprises/{subject.uscc}/")
        body = page.content.decode()
        assert [t.key for t in page.context["file"].china_tabs] == [
            "administrative",
            "honest",
            "serious_list",
            "abnormal",
            "commitment",
            "evaluation",
            "judicial",
            "other",
        ]
        counts = {t.key: t.count for t in page.context["file"].china_tabs}
        assert counts["serious_list"] == 1 and counts["administrative"] == 1
        assert body.index("Important notice") < body.index("Basic information")
        assert f"/objections/new/?uscc={subject.uscc}" in body
        assert f"/repair/?uscc={subject.uscc}" in body
        assert f"/enterprises/{subject.uscc}/feed/" in body
        grouped = client.get(f"/enterprises/{subject.uscc}/", {"tab": "negative"})
        assert grouped.context["file"].view == "zhejiang"
        assert grouped.context["active_tab"].count == 2
        assert "PENALTY-MARKER" in grouped.content.decode()
        # A made-up view or tab is a page, not an error.
        odd = client.get(f"/enterprises/{subject.uscc}/", {"view": "x", "tab": "<b>"})
        assert odd.status_code == 200
