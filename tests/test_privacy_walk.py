"""The privacy walk (rules.md §3.5, disclosure levels).

One subject carries fully public, partly public and government-only information, an
expired and a repaired record, list entries and commitments at each level, an
objection with its applicant's contact details, and inspections published and not.
Each piece carries a unique marker. The test then walks every URL pattern of the site
(enumerated from the resolver, so a new route is walked without touching this file,
or fails the test until it is walked or listed in ``SKIPPED`` with a reason), in both
languages, plus search, the check API and CSV, exports, feeds and the PDF report
(text through pypdf): no non-public marker may appear anywhere, and every public
marker must appear somewhere, so that the walk is known to reach the data.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from pypdf import PdfReader

from core.actors import Actor
from enterprises import scoring
from enterprises.models import (
    CommitmentType,
    CreditCommitment,
    Disclosure,
    RecordState,
    ReportIssue,
    Subject,
)
from lists.models import CreditList
from lists.services import list_entry_list, list_entry_notify, list_entry_propose
from repair.services import objection_submit
from supervision.models import InspectionPlan, Inspector
from supervision.services import (
    draw_create,
    draw_publish,
    inspection_publish,
    inspection_result_record,
    plan_publish,
)
from tests.factories import CreditRecordFactory, DepartmentFactory, SubjectFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.for_system("tests")

# Markers are short ASCII words so that they survive JSON escaping, CSV quoting and
# PDF text extraction (a line break inside a long marker would hide a leak).
PUBLIC_MARKERS = {
    "PUBREC7Q": "fully public active record",
    "PUBLST7Q": "fully public list entry",
    "PUBCMT7Q": "fully public commitment",
    "PUBINS7Q": "published inspection result",
}
HIDDEN_MARKERS = {
    "PARTREC7Q": "partly public record",
    "GOVREC7Q": "government-only record",
    "EXPREC7Q": "record whose publicity ended",
    "REPREC7Q": "repaired record",
    "REVREC7Q": "record revoked after objection",
    "PARTLST7Q": "partly public list entry",
    "GOVLST7Q": "government-only list entry",
    "PROPLST7Q": "list entry proposed, not yet listed",
    "PARTCMT7Q": "partly public commitment",
    "GOVCMT7Q": "government-only commitment",
    "UNPINS7Q": "inspection result not yet published",
    "OBJEXP7Q": "objection explanation",
    "OBJNAME7Q": "objection contact name",
    "objmail7q": "objection contact email",
    "13907770777": "objection contact phone",
    "110101199001017777": "natural person's identity number",
}

# Routes that are not walked, each with the reason. Keys are the route strings as the
# resolver spells them; a key ending in "*" covers every route under that prefix.
SKIPPED = {
    "admin/*": "Django admin: staff only, behind login",
    "i18n/setlang/": "POST only: sets the language cookie, shows no data",
    "repair/workbench/": "staff only (staff_member_required)",
    "repair/workbench/<int:pk>/": "staff only (staff_member_required)",
    "repair/workbench/<int:pk>/attachments/<int:attachment_pk>/": "staff only",
    "repair/workbench/<int:pk>/<slug:action>/": "staff only, POST actions",
    "api/v1/inspection-plans/<int:pk>/draw/": "POST only, officials or department token",
    "api/v1/objections/": "POST only: files an objection",
    "api/v1/repair-applications/": "POST only: files a repair application",
    "api/v1/records/": "POST only, department token: writes credit records",
}

# Extra query strings per route, on top of the bare URL.
QUERIES = {
    "search/": ["q={name}", "q={uscc}", "q={short}"],
    "api/v1/enterprises/": ["q={name}", "q={uscc}", "q={short}"],
    "api/v1/enterprises/<str:uscc>/records/": ["changed_since=2000-01-01", "category=negative"],
    "api/v1/lists/<slug:slug>/entries/": ["changed_since=2000-01-01"],
    "api/v1/commitments/": ["page_size=1000"],
    "api/v1/inspections/": ["page_size=1000"],
    "commitments/": ["q={name}"],
    "objections/new/": ["uscc={uscc}"],
    "repair/new/": ["uscc={uscc}"],
}

_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(patterns=None, prefix: str = "") -> Iterator[str]:
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _skipped(route: str) -> bool:
    return route in SKIPPED or any(
        key.endswith("*") and route.startswith(key[:-1]) for key in SKIPPED
    )


def _text(response) -> str:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(body))
        # Glyph runs may be split: compare without whitespace too.
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        return text + "\n" + re.sub(r"\s+", "", text)
    return body.decode("utf-8", errors="replace")


@pytest.fixture
def world(tmp_path, settings):
    settings.REPAIR_UPLOAD_DIR = tmp_path / "uploads"
    today = timezone.localdate()
    dept = DepartmentFactory(code="walk-amr", name_zh="走查局", name_en="Walk bureau")
    subject = SubjectFactory(name="杭州走查隐私科技有限公司", legal_representative="李四")

    def record(marker: str, **kw):
        return CreditRecordFactory(
            subject=subject,
            department=dept,
            title=f"处罚 {marker}",
            content=f"内容 {marker}",
            document_number=f"走查罚{marker}",
            legal_basis=f"依据 {marker}",
            **{
                "decision_date": today - dt.timedelta(days=400),
                "publicity_end": today + dt.timedelta(days=700),
                **kw,
            },
        )

    public = record("PUBREC7Q")
    record("PARTREC7Q", disclosure=Disclosure.PARTIAL)
    record("GOVREC7Q", disclosure=Disclosure.GOVERNMENT)
    record("EXPREC7Q", state=RecordState.EXPIRED, publicity_end=today - dt.timedelta(days=5))
    record("REPREC7Q", state=RecordState.REPAIRED)
    record("REVREC7Q", state=RecordState.REVOKED)

    def listed(slug: str, marker: str, disclosure: str, *, listed: bool = True):
        credit_list = CreditList.objects.get(slug=slug)
        entry = list_entry_propose(
            actor=SYSTEM,
            credit_list=credit_list,
            subject=subject,
            reason=f"理由 {marker}",
            document_number=f"列{marker}",
            proposed_on=today - dt.timedelta(days=60),
            disclosure=disclosure,
        )
        if not listed:
            return entry
        if credit_list.is_black:
            entry = list_entry_notify(
                actor=SYSTEM, entry=entry, notified_on=today - dt.timedelta(days=60)
            )
        return list_entry_list(actor=SYSTEM, entry=entry, listed_on=today - dt.timedelta(days=5))

    listed("cn-samr-serious-violation", "PUBLST7Q", Disclosure.PUBLIC)
    listed("zj-eco-serious", "PARTLST7Q", Disclosure.PARTIAL)
    listed("zj-class-a-taxpayers", "GOVLST7Q", Disclosure.GOVERNMENT)
    listed("zj-wage-arrears", "PROPLST7Q", Disclosure.PUBLIC, listed=False)

    for marker, disclosure in [
        ("PUBCMT7Q", Disclosure.PUBLIC),
        ("PARTCMT7Q", Disclosure.PARTIAL),
        ("GOVCMT7Q", Disclosure.GOVERNMENT),
    ]:
        CreditCommitment.objects.create(
            subject=subject,
            commitment_type=CommitmentType.APPROVAL_SUBSTITUTE,
            reason=f"承诺理由 {marker}",
            committed_on=today - dt.timedelta(days=3),
            accepting_unit=dept,
            content=f"承诺内容 {marker}",
            disclosure=disclosure,
        )

    # Two subjects in a published random draw: one result published, one not.
    other = SubjectFactory(name="杭州走查对照有限公司")
    Inspector.objects.create(name="走查检查员", department=dept)
    Inspector.objects.create(name="走查检查员二", department=dept)
    plan = InspectionPlan.objects.create(
        department=dept,
        title="走查抽查计划",
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
        sample_size=2,
    )
    plan = plan_publish(actor=SYSTEM, plan=plan)
    draw = draw_publish(actor=SYSTEM, draw=draw_create(actor=SYSTEM, plan=plan))
    shown = draw.inspections.get(subject=subject)
    hidden = draw.inspections.get(subject=other)
    for inspection, marker in [(shown, "PUBINS7Q"), (hidden, "UNPINS7Q")]:
        inspection_result_record(
            actor=SYSTEM,
            inspection=inspection,
            inspected_on=today,
            outcome="problems_found",
            findings=f"发现 {marker}",
        )
    inspection_publish(actor=SYSTEM, inspection=shown, on=today)

    case, _code = objection_submit(
        subject=subject,
        records=[public],
        grounds="factual_error",
        explanation="说明 OBJEXP7Q",
        contact_name="OBJNAME7Q",
        contact_email="objmail7q@example.com",
        contact_phone="13907770777",
    )

    # Scored, so that the evaluation page and API (which explain what moved the score)
    # are walked with data.
    scoring.subject_rescore(subject_id=subject.pk)
    subject.refresh_from_db()

    Subject.objects.create(
        subject_type=Subject.SubjectType.NATURAL_PERSON,
        name="走查自然人",
        id_number="110101199001017777",
    )

    return {
        "subject": subject,
        "case": case,
        "records": list(subject.records.values_list("pk", flat=True)),
        "slugs": list(CreditList.objects.values_list("slug", flat=True)),
    }


def _fill(route: str, world) -> list[str]:
    """Concrete URLs for a route: every combination of the subject's values."""
    subject = world["subject"]
    values = {
        "code": [subject.uscc],
        "uscc": [subject.uscc],
        "slug": world["slugs"],
        "reference": [world["case"].reference],
        "record_id": world["records"],
    }
    urls = [route]
    for match in _PARAM.finditer(route):
        name = match.group("name")
        assert name in values, f"route {route!r}: no value for <{name}>; add one or skip it"
        urls = [u.replace(match.group(0), str(v), 1) for u in urls for v in values[name]]
    fmt = {"name": subject.name, "uscc": subject.uscc, "short": subject.name[2:6]}
    extra = [f"{u}?{q.format(**fmt)}" for u in urls for q in QUERIES.get(route, [])]
    return ["/" + u for u in urls + extra]


def _walk(client: Client, world) -> dict[str, str]:
    """URL → text of every public response."""
    seen: dict[str, str] = {}
    status: dict[str, int] = {}
    subject = world["subject"]

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        status[url] = response.status_code
        seen[url] = _text(response)

    for route in _routes():
        if _skipped(route):
            continue
        assert "^" not in route, f"regex route {route!r}: walk it or add it to SKIPPED"
        for url in _fill(route, world):
            get(url)

    # The PDF issued above can be verified; walk its verification page too.
    issue = ReportIssue.objects.filter(subject=subject).latest("generated_at")
    get(f"/reports/verify/{issue.code}/")

    # The subject's own pages answered with data (a 404 would walk nothing).
    code = subject.uscc
    for url in [
        f"/enterprises/{code}/",
        f"/enterprises/{code}/report.pdf",
        f"/enterprises/{code}/feed/",
        f"/api/v1/enterprises/{code}/",
        f"/api/v1/enterprises/{code}/records/",
        f"/api/v1/enterprises/{code}/evaluation/",
        f"/reports/verify/{issue.code}/",
        f"/track/{world['case'].reference}/",
    ]:
        assert status[url] == 200, (url, status[url])

    # Screening: the check API and the CSV upload page.
    response = client.post(
        "/api/v1/check/",
        {"subjects": [subject.uscc, subject.name]},
        content_type="application/json",
    )
    assert response.status_code == 200
    seen["POST /api/v1/check/"] = _text(response)
    upload = SimpleUploadedFile(
        "codes.csv", f"{subject.uscc}\n{subject.name}\n".encode(), content_type="text/csv"
    )
    response = client.post("/lists/check/", {"file": upload})
    assert response.status_code == 200, response.content[:500]
    seen["POST /lists/check/"] = _text(response)
    return seen


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_non_public_marker_appears_anywhere_and_every_public_one_somewhere(world, language):
    client = Client()
    if language == "en":
        client.cookies["django_language"] = "en"
    seen = _walk(client, world)

    assert any(url.endswith("report.pdf") for url in seen)
    leaks = [
        f"{marker} ({what}) at {url}"
        for url, text in seen.items()
        for marker, what in HIDDEN_MARKERS.items()
        if marker.lower() in text.lower()
    ]
    assert not leaks, "\n".join(leaks)
    missing = [
        f"{marker} ({what})"
        for marker, what in PUBLIC_MARKERS.items()
        if not any(marker in text for text in seen.values())
    ]
    assert not missing, missing
    # The public record and list entry reach the PDF as well.
    pdf = next(text for url, text in seen.items() if url.endswith("report.pdf"))
    assert "PUBREC7Q" in pdf


def test_every_route_is_walked_or_skipped_with_a_reason():
    routes = set(_routes())
    for route in routes:
        if _skipped(route):
            continue
        for match in _PARAM.finditer(route):
            assert match.group("name") in {"code", "uscc", "slug", "reference", "record_id"}, (
                f"route {route!r} has <{match.group('name')}>: walk it or add it to SKIPPED"
            )
    stale = [key for key in SKIPPED if not key.endswith("*") and key not in routes]
    assert not stale, f"SKIPPED names routes that no longer exist: {stale}"
