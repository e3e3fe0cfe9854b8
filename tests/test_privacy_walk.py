"""The privacy walk (rules.md §3.5 disclosure levels, §3.7 what the public sees, §11.1).

One subject carries fully public, partly public and government-only information, an
expired and a repaired record, list entries at every non-public stage and level (partly
public, government-only, proposed, notified, on an unpublished list; and a natural
person's), commitments at each level, an objection with its applicant's contact details,
and inspections published and not. Each piece carries a unique marker. The test then
walks every URL pattern of the site (enumerated from the resolver, so a new route is
walked without touching this file, or fails the test until it is walked or listed in
``SKIPPED`` with a reason), in both languages, with the query strings that name the
subject (pre-filled forms, the repair lookup, filters), plus search, the check API and
CSV, exports, feeds, the PDF report (text through pypdf) and the steps a visitor can
take on the public forms (submitting the objection and repair forms and their API with
the subject's code, naming non-public entries and records by id, tracking the case).

No non-public marker may appear anywhere; no form may offer a non-public record or
entry as a choice, nor link to one; no answer may be moved by non-public information
(the only subject listed "too often" is listed so on a partly public entry, so the
refusal for it must never be shown); naming a non-public id is answered like an id that
does not exist. Every public marker must appear somewhere, and the public record and
entry must be offered by the forms, so that the walk is known to reach the data.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone, translation
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
from lists.models import CreditList, ListEntry
from lists.services import list_entry_list, list_entry_notify, list_entry_propose
from news.models import Article
from repair.models import CreditServiceAgency, SubjectContact, TrainingCertificate
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
from tests.repair.verified import api_headers, verify_client

pytestmark = pytest.mark.django_db

SYSTEM = Actor.for_system("tests")

# Markers are short ASCII words so that they survive JSON escaping, CSV quoting and
# PDF text extraction (a line break inside a long marker would hide a leak).
PUBLIC_MARKERS = {
    "PUBREC7Q": "fully public active record",
    "PUBLST7Q": "fully public list entry",
    "PUBCMT7Q": "fully public commitment",
    "PUBINS7Q": "published inspection result",
    "PUBNEWS7Q": "published news article",
    "PUBAGENCY7Q": "approved credit service agency",
}
HIDDEN_MARKERS = {
    "DRAFTNEWS7Q": "news article not published",
    "FUTNEWS7Q": "news article dated tomorrow",
    "PARTREC7Q": "partly public record",
    "GOVREC7Q": "government-only record",
    "EXPREC7Q": "record whose publicity ended",
    "REPREC7Q": "repaired record",
    "REVREC7Q": "record revoked after objection",
    "PARTLST7Q": "partly public list entry",
    "GOVLST7Q": "government-only list entry",
    "PROPLST7Q": "list entry proposed, not yet listed",
    "NOTLST7Q": "list entry notified, not yet listed",
    "UNPLST7Q": "fully public entry of an unpublished list",
    "UNPLIST7Q": "name of an unpublished list",
    "PERLST7Q": "natural person's list entry",
    "PARTCMT7Q": "partly public commitment",
    "GOVCMT7Q": "government-only commitment",
    "UNPINS7Q": "inspection result not yet published",
    "OBJEXP7Q": "objection explanation",
    "OBJNAME7Q": "objection contact name",
    "objmail7q": "objection contact email",
    "13907770777": "objection contact phone",
    "110101199001017777": "natural person's identity number",
    "contactmail7q": "contact e-mail registered for verified access",
    "CERTHOLD7Q": "training certificate's attendee",
    "CERTNUM7Q": "training certificate's number",
    "UNAPPAGENCY7Q": "agency not approved",
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
    "api/v1/objections/": "POST only: walked by _visitor_steps",
    "api/v1/repair-applications/": "POST only: walked by _visitor_steps",
    "api/v1/records/": "POST only, department token: writes credit records",
    "repair/workbench/file/<slug:kind>/": "staff only: filing at the counter",
    "verify/end/": "POST only: ends the verified session",
    "track/<str:reference>/object/": "POST only: the applicant of a refused repair",
    "api/v1/access/codes/": "POST only: walked by _visitor_steps",
    "api/v1/access/verify/": "POST only: verifies a one-time code",
}

# Extra query strings per route, on top of the bare URL.
QUERIES = {
    "search/": ["q={name}", "q={uscc}", "q={short}", "list=red", "list=black"],
    "api/v1/enterprises/": ["q={name}", "q={uscc}", "q={short}", "list=red", "list=black"],
    "api/v1/enterprises/<str:uscc>/records/": ["changed_since=2000-01-01", "category=negative"],
    "api/v1/lists/<slug:slug>/entries/": ["changed_since=2000-01-01"],
    "api/v1/commitments/": ["page_size=1000"],
    "api/v1/inspections/": ["page_size=1000"],
    "api/v1/objections/<str:reference>/": ["access_code={access_code}"],
    "enterprises/<str:code>/": ["tab=basic", "tab=negative", "tab=trust", "tab=other"],
    "lists/<slug:slug>/": ["q={uscc}", "q={short}"],
    "commitments/": ["q={name}", "unit=walk-amr"],
    # The pre-filled forms and the repair lookup: each names the subject's entries.
    "repair/": ["uscc={uscc}"],
    "objections/new/": ["uscc={uscc}"],
    "repair/new/": ["uscc={uscc}"],
}

# Answers that only a non-public entry can cause in this world: the only entry listed
# "too often" (times listed = the list's threshold) is partly public, so the public
# may never be told that the subject is refused repair for it (rules.md §3.7, §8.1).
HIDDEN_ANSWERS = [
    "Credit repair is refused while the subject is on a list it has been put on too often.",
    "Credit repair is refused: the subject has been listed %(n)d times.",
]

# An id that names nothing: naming a non-public row must be answered like naming this.
UNKNOWN_ID = 987654321

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
    hidden_records = [
        record("PARTREC7Q", disclosure=Disclosure.PARTIAL),
        record("GOVREC7Q", disclosure=Disclosure.GOVERNMENT),
        record("EXPREC7Q", state=RecordState.EXPIRED, publicity_end=today - dt.timedelta(days=5)),
        record("REPREC7Q", state=RecordState.REPAIRED),
        record("REVREC7Q", state=RecordState.REVOKED),
    ]

    person = Subject.objects.create(
        subject_type=Subject.SubjectType.NATURAL_PERSON,
        name="走查自然人",
        id_number="110101199001017777",
    )
    # A list the portal does not publish: neither its name nor its entries are public.
    unpublished = CreditList.objects.create(
        slug="walk-unpublished",
        name_zh="走查未公布名单 UNPLIST7Q",
        name_en="Walk unpublished list UNPLIST7Q",
        color=CreditList.Color.BLACK,
        scope=CreditList.Scope.PROVINCIAL,
        jurisdiction="zhejiang",
        authority=dept,
        legal_basis="走查依据",
        criteria="走查标准",
        term_months=36,
        end_rule=CreditList.EndRule.TERM,
        repair_allowed=True,
        repair_min_months=12,
        is_published=False,
    )

    def listed(
        slug: str,
        marker: str,
        disclosure: str,
        *,
        until: str = ListEntry.Status.LISTED,
        who: Subject = subject,
        times_listed: int = 1,
    ) -> ListEntry:
        credit_list = CreditList.objects.get(slug=slug)
        entry = list_entry_propose(
            actor=SYSTEM,
            credit_list=credit_list,
            subject=who,
            reason=f"理由 {marker}",
            document_number=f"列{marker}",
            proposed_on=today - dt.timedelta(days=60),
            disclosure=disclosure,
        )
        if until == ListEntry.Status.PROPOSED:
            return entry
        if credit_list.is_black:
            entry = list_entry_notify(
                actor=SYSTEM, entry=entry, notified_on=today - dt.timedelta(days=60)
            )
        if until == ListEntry.Status.NOTIFIED:
            return entry
        entry = list_entry_list(actor=SYSTEM, entry=entry, listed_on=today - dt.timedelta(days=5))
        if times_listed != 1:
            # As if listed on this list before: repair is refused from the list's
            # threshold (rules.md §8.1).
            ListEntry.objects.filter(pk=entry.pk).update(times_listed=times_listed)
        return entry

    public_entry = listed("cn-samr-serious-violation", "PUBLST7Q", Disclosure.PUBLIC)
    hidden_entries = [
        listed("zj-eco-serious", "PARTLST7Q", Disclosure.PARTIAL, times_listed=2),
        listed("zj-class-a-taxpayers", "GOVLST7Q", Disclosure.GOVERNMENT),
        listed("zj-wage-arrears", "PROPLST7Q", Disclosure.PUBLIC, until=ListEntry.Status.PROPOSED),
        listed(
            "zj-culture-tourism-black",
            "NOTLST7Q",
            Disclosure.PUBLIC,
            until=ListEntry.Status.NOTIFIED,
        ),
        listed(unpublished.slug, "UNPLST7Q", Disclosure.PUBLIC),
        listed("cn-samr-serious-violation", "PERLST7Q", Disclosure.PUBLIC, who=person),
    ]

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

    SubjectContact.objects.create(subject=subject, email="contactmail7q@example.com")
    # Approved agencies are public, the certificates they issue never (rules.md §8.2).
    agency = CreditServiceAgency.objects.create(name="机构 PUBAGENCY7Q")
    CreditServiceAgency.objects.create(name="机构 UNAPPAGENCY7Q", approved=False)
    TrainingCertificate.objects.create(
        agency=agency,
        number="CERTNUM7Q",
        hours=3,
        issued_on=today,
        attendee="CERTHOLD7Q",
        subject=subject,
    )
    case, access_code = objection_submit(
        subject=subject,
        records=[public],
        grounds="factual_error",
        explanation="说明 OBJEXP7Q",
        contact_name="OBJNAME7Q",
        contact_email="objmail7q@example.com",
        contact_phone="13907770777",
    )

    articles = [
        Article.objects.create(
            language="both",
            title_zh=f"动态 {marker}",
            title_en=f"News {marker}",
            body_zh="正文",
            body_en="Text",
            published_on=today + dt.timedelta(days=1 if marker == "FUTNEWS7Q" else 0),
            is_published=marker != "DRAFTNEWS7Q",
        ).pk
        for marker in ("PUBNEWS7Q", "DRAFTNEWS7Q", "FUTNEWS7Q")
    ]

    # Scored, so that the evaluation page and API (which explain what moved the score)
    # are walked with data.
    scoring.subject_rescore(subject_id=subject.pk)
    subject.refresh_from_db()

    return {
        "subject": subject,
        "case": case,
        "access_code": access_code,
        "records": list(subject.records.values_list("pk", flat=True)),
        "slugs": list(CreditList.objects.values_list("slug", flat=True)),
        "articles": articles,
        "public_record": public.pk,
        "public_entry": public_entry.pk,
        "hidden_records": [r.pk for r in hidden_records],
        "hidden_entries": [e.pk for e in hidden_entries],
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
        "article_id": world["articles"],
    }
    urls = [route]
    for match in _PARAM.finditer(route):
        name = match.group("name")
        assert name in values, f"route {route!r}: no value for <{name}>; add one or skip it"
        urls = [u.replace(match.group(0), str(v), 1) for u in urls for v in values[name]]
    fmt = {
        "name": subject.name,
        "uscc": subject.uscc,
        "short": subject.name[2:6],
        "access_code": world["access_code"],
    }
    extra = [f"{u}?{q.format(**fmt)}" for u in urls for q in QUERIES.get(route, [])]
    return ["/" + u for u in urls + extra]


def _walk(client: Client, world) -> tuple[dict[str, str], list[str]]:
    """URL → text of every public response, and what the visitor steps got wrong."""
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
    problems = _visitor_steps(client, world, seen)
    return seen, problems


def _page_errors(text: str) -> list[str]:
    return re.findall(r'<(?:p|div) class="error" role="alert">(.*?)</(?:p|div)>', text, re.S)


def _visitor_steps(client: Client, world, seen: dict[str, str]) -> list[str]:
    """What a visitor can do with the public forms, knowing the subject's code and its
    legal representative (both on the public file): submit the objection and repair
    forms and their API with the code (the form then lists what may be chosen), name
    each non-public record and entry by id, and follow the objection with its access
    code. Naming a non-public id must be refused exactly as naming an id that does not
    exist: anything else tells that the row exists (rules.md §3.5)."""
    subject = world["subject"]
    problems: list[str] = []
    applicant = {
        "uscc": subject.uscc,
        "legal_representative": subject.legal_representative,
        "contact_name": "走查申请人",
        "contact_email": "walker@example.com",
    }
    objection = {**applicant, "grounds": "factual_error", "explanation": "走查异议"}
    forms = [
        ("/objections/new/", "/api/v1/objections/", objection),
        ("/repair/new/", "/api/v1/repair-applications/", applicant),
    ]
    named = [("records", pk) for pk in world["hidden_records"]] + [
        ("list_entries", pk) for pk in world["hidden_entries"]
    ]

    def post_page(url: str, data: dict, label: str) -> str:
        response = client.post(url, data)
        assert response.status_code < 500, (label, response.status_code)
        seen[label] = text = _text(response)
        if response.status_code != 400:
            problems.append(f"{label}: {response.status_code}, expected a refusal (400)")
        return text

    def post_api(url: str, data: dict, label: str, pk: int) -> list[tuple[str, str]]:
        response = client.post(url, data, content_type="application/json", **api_verified)
        assert response.status_code < 500, (label, response.status_code)
        seen[label] = _text(response)
        if response.status_code != 400:
            problems.append(f"{label}: {response.status_code}, expected a refusal (400)")
            return []
        return [
            (error.get("field", ""), str(error.get("reason", "")).replace(str(pk), "<id>"))
            for error in response.json().get("errors", [])
        ]

    # Unverified, every filing is refused before the body is read (docs/rules.md §8.8).
    for page, api, data in forms:
        response = client.post(page, data)
        seen[f"POST {page} (unverified)"] = _text(response)
        if response.status_code != 403:
            problems.append(f"POST {page} unverified: {response.status_code}, expected 403")
        response = client.post(api, data, content_type="application/json")
        seen[f"POST {api} (unverified)"] = _text(response)
        if response.status_code != 401:
            problems.append(f"POST {api} unverified: {response.status_code}, expected 401")
    # Asking for a code names the registered address only masked.
    for label, response in [
        ("POST /verify/", client.post("/verify/", {"uscc": subject.uscc})),
        (
            "POST /api/v1/access/codes/",
            client.post(
                "/api/v1/access/codes/", {"uscc": subject.uscc}, content_type="application/json"
            ),
        ),
        ("GET /verify/code/", client.get("/verify/code/")),
    ]:
        assert response.status_code < 400, (label, response.status_code)
        seen[label] = _text(response)
    # The visitor who controls the registered mailbox: verified for the subject.
    verify_client(client, subject)
    api_verified = api_headers(subject)
    for url in [f"/repair/new/?uscc={subject.uscc}", f"/objections/new/?uscc={subject.uscc}"]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        seen[f"{url} (verified)"] = _text(response)

    # The letter of commitment names public records only; a non-public id is answered
    # like an id that does not exist (rules.md §8.2).
    letter = f"/repair/letter/{subject.uscc}.pdf"
    response = client.get(f"{letter}?records={world['public_record']}")
    assert response.status_code == 200, response.status_code
    seen[f"{letter} (verified)"] = _text(response)
    unknown = _text(client.get(f"{letter}?records={UNKNOWN_ID}")).replace(str(UNKNOWN_ID), "<id>")
    for pk in world["hidden_records"]:
        answer = _text(client.get(f"{letter}?records={pk}")).replace(str(pk), "<id>")
        if answer != unknown:
            problems.append(f"{letter}?records={pk}: answered {answer}, an unknown id {unknown}")

    for page, api, data in forms:
        # The code and legal representative alone: the form lists the subject's choices.
        post_page(page, data, f"POST {page} (code only)")
        post_api(api, data, f"POST {api} (code only)", UNKNOWN_ID)
        for field in ("records", "list_entries"):
            unknown_page = _page_errors(
                post_page(page, {**data, field: [UNKNOWN_ID]}, f"POST {page} {field}=unknown")
            )
            expected_page = [e.replace(str(UNKNOWN_ID), "<id>") for e in unknown_page]
            unknown_api = post_api(
                api, {**data, field: [UNKNOWN_ID]}, f"POST {api} {field}=unknown", UNKNOWN_ID
            )
            for name, pk in named:
                if name != field:
                    continue
                label = f"POST {page} {field}={pk}"
                errors = [
                    e.replace(str(pk), "<id>")
                    for e in _page_errors(post_page(page, {**data, field: [pk]}, label))
                ]
                if errors != expected_page:
                    problems.append(f"{label}: answered {errors}, an unknown id {expected_page}")
                label = f"POST {api} {field}={pk}"
                answer = post_api(api, {**data, field: [pk]}, label, pk)
                if answer != unknown_api:
                    problems.append(f"{label}: answered {answer}, an unknown id {unknown_api}")

    # The applicant follows the objection: a wrong access code, then the right one.
    client.post("/verify/end/")
    track = f"/track/{world['case'].reference}/"
    response = client.post(track, {"access_code": "WRONG-CODE"})
    assert response.status_code == 403, response.status_code
    seen[f"POST {track} (wrong code)"] = _text(response)
    response = client.post(track, {"access_code": world["access_code"]})
    assert response.status_code == 200, response.status_code
    seen[f"POST {track} (access code)"] = _text(response)
    return problems


def _offered(text: str) -> set[tuple[str, int]]:
    """(field, id) of every record or list entry a form offers as a choice."""
    offered = set()
    for tag in re.findall(r"<input\b[^>]*>", text):
        name = re.search(r'\bname="(records|list_entries)"', tag)
        value = re.search(r'\bvalue="(\d+)"', tag)
        if name and value:
            offered.add((name.group(1), int(value.group(1))))
    for name, options in re.findall(
        r'<select\b[^>]*\bname="(records|list_entries)"[^>]*>(.*?)</select>', text, re.S
    ):
        offered.update((name, int(v)) for v in re.findall(r'<option\b[^>]*value="(\d+)"', options))
    return offered


def _linked(text: str) -> set[tuple[str, int]]:
    """(kind, id) of every record or list entry a page links to or anchors."""
    return {
        ("records" if kind == "record" else "list_entries", int(pk))
        for kind, pk in re.findall(r"(?<![\w-])(record|list-entry)-(\d+)(?!\d)", text)
    }


def _hidden_answers() -> dict[str, str]:
    """The answers of ``HIDDEN_ANSWERS`` as each language words them."""
    answers = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for message in HIDDEN_ANSWERS:
                text = translation.gettext(message)
                answers[text % {"n": 2} if "%(n)d" in text else text] = message
    return answers


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_non_public_marker_appears_anywhere_and_every_public_one_somewhere(world, language):
    client = Client()
    if language == "en":
        client.cookies["django_language"] = "en"
    seen, problems = _walk(client, world)

    assert any(url.endswith("report.pdf") for url in seen)
    leaks = [
        f"{marker} ({what}) at {url}"
        for url, text in seen.items()
        for marker, what in HIDDEN_MARKERS.items()
        if marker.lower() in text.lower()
    ]
    hidden = {("records", pk) for pk in world["hidden_records"]} | {
        ("list_entries", pk) for pk in world["hidden_entries"]
    }
    leaks += [
        f"{field} id {pk} (non-public) offered by the form at {url}"
        for url, text in seen.items()
        for field, pk in sorted(_offered(text) & hidden)
    ]
    leaks += [
        f"{field} id {pk} (non-public) linked at {url}"
        for url, text in seen.items()
        for field, pk in sorted(_linked(text) & hidden)
    ]
    leaks += [
        f"answer moved by a non-public entry ({message!r}) at {url}"
        for url, text in seen.items()
        for answer, message in _hidden_answers().items()
        if answer in text
    ]
    assert not leaks + problems, "\n".join(leaks + problems)
    missing = [
        f"{marker} ({what})"
        for marker, what in PUBLIC_MARKERS.items()
        if not any(marker in text for text in seen.values())
    ]
    assert not missing, missing
    # The pre-filled forms offer the public record and entry (the walk reaches them).
    uscc = world["subject"].uscc
    for url in [f"/repair/new/?uscc={uscc}", f"/objections/new/?uscc={uscc}"]:
        assert {("records", world["public_record"]), ("list_entries", world["public_entry"])} <= (
            _offered(seen[f"{url} (verified)"])
        ), url
    # The public record and list entry reach the PDF as well.
    pdf = next(text for url, text in seen.items() if url.endswith("report.pdf"))
    assert "PUBREC7Q" in pdf


WALKED_PARAMS = {"code", "uscc", "slug", "reference", "record_id", "article_id"}


def test_every_route_is_walked_or_skipped_with_a_reason():
    routes = set(_routes())
    for route in routes:
        if _skipped(route):
            continue
        for match in _PARAM.finditer(route):
            assert match.group("name") in WALKED_PARAMS, (
                f"route {route!r} has <{match.group('name')}>: walk it or add it to SKIPPED"
            )
    stale = [key for key in SKIPPED if not key.endswith("*") and key not in routes]
    assert not stale, f"SKIPPED names routes that no longer exist: {stale}"


# --- Guard: public code reads only public rows -------------------------------------------
#
# The walk finds a leak once the data shows it; this finds the pattern that caused one.
# In the modules that serve the public, every read of a table with disclosure levels
# starts from the queryset method that says what is public (rules.md §3.5, §3.7):
# ``CreditRecord.objects.public()``, ``ListEntry.objects.public()`` (or a function of
# ``lists.queries``), ``CreditCommitment.objects.public()``, ``Inspection.objects.public()``,
# ``Draw.objects.public()``, ``CreditList.objects.published()``; a subject's related rows
# (``subject.records.filter(…)``) are never read directly. A read that is public for
# another reason says why on its line with a ``# public read: …`` comment, or its function
# is named in ``_EXEMPT`` with the reason.
#
# Not here: ``portal/api/views.py`` and ``lists/api/views.py`` (their change feeds name
# rows that left the public, by id and state only) and ``enterprises/api/views.py`` (the
# department write API shares it); the walk covers their answers.
PUBLIC_MODULES = [
    "portal/views.py",
    "portal/queries.py",
    "portal/report.py",
    "lists/views.py",
    "lists/check.py",
    "lists/queries.py",
    "repair/views.py",
    "repair/forms.py",
    "repair/queries.py",
    "repair/api/views.py",
    "supervision/views.py",
    "supervision/queries.py",
    "supervision/api/views.py",
    "enterprises/queries.py",
    "enterprises/forms.py",
]
_PUBLIC_METHODS = {
    "CreditRecord": {"public", "none"},
    "ListEntry": {"public", "none"},
    "CreditCommitment": {"public", "none"},
    "Inspection": {"public", "none"},
    "Draw": {"public"},
    "CreditList": {"published"},
}
_RELATED = {"records", "list_entries", "commitments", "inspections"}
_QUERYSET_METHODS = {
    "all", "filter", "exclude", "get", "first", "last", "count", "exists", "values",
    "values_list", "select_related", "prefetch_related", "order_by", "annotate",
    "aggregate", "iterator", "only", "defer", "distinct", "in_bulk",
}  # fmt: skip
# Functions of public modules whose reads are right without ``.public()``, with the reason
# (besides those decorated with ``staff_member_required``, which serve officials only).
_EXEMPT = {
    "repair/views.py": {
        "_case_context": "the workbench's case page: officials see their cases whole (§11.2)",
    },
    "supervision/queries.py": {
        "drawn_objects": "who a published draw drew is public; outcomes only once published "
        "(§9.4, through inspection_public_outcome)",
    },
}


def _unguarded_reads(source: str, module: str) -> list[str]:
    lines = source.splitlines()
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def exempt(node: ast.AST) -> bool:
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                decorators = {ast.unparse(d).split(".")[-1] for d in node.decorator_list}
                if "staff_member_required" in decorators:
                    return True
                if node.name in _EXEMPT.get(module, {}):
                    return True
        return False

    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or "# public read:" in lines[node.lineno - 1]:
            continue
        parent = parents.get(node)
        method = parent.attr if isinstance(parent, ast.Attribute) else None
        model = node.value.id if isinstance(node.value, ast.Name) else None
        if model in _PUBLIC_METHODS and node.attr in {"objects", "_default_manager"}:
            if (node.attr != "objects" or method not in _PUBLIC_METHODS[model]) and not exempt(
                node
            ):
                found.append(f"{module}:{node.lineno}: {model}.{node.attr}.{method or ''}")
        elif node.attr in _RELATED and method in _QUERYSET_METHODS and not exempt(node):
            found.append(f"{module}:{node.lineno}: .{node.attr}.{method}")
    return found


def test_the_guard_finds_a_public_read_that_skips_public():
    source = (
        "def lookup(subject):\n"
        "    a = ListEntry.objects.filter(subject=subject)\n"
        "    b = subject.records.all()\n"
        "    c = CreditRecord.objects.public().filter(subject=subject)\n"
        "    d = Inspection.objects.filter(x=1)  # public read: the drawn sample\n"
    )
    assert _unguarded_reads(source, "x.py") == [
        "x.py:2: ListEntry.objects.filter",
        "x.py:3: .records.all",
    ]


def test_public_modules_read_only_public_rows():
    root = Path(__file__).resolve().parents[1]
    found = [
        problem
        for module in PUBLIC_MODULES
        for problem in _unguarded_reads((root / module).read_text(encoding="utf-8"), module)
    ]
    assert not found, "reads that skip .public() in public code:\n" + "\n".join(found)
