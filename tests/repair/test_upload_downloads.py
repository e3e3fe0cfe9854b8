"""Evidence is stored and served as the type its content shows, never as its name says:
a PDF named ``evidence.bat`` is downloaded as ``evidence.pdf``, ``application/pdf``, as an
attachment, with ``nosniff``; files that are also markup or a second format are refused
(docs/rules.md §8.7, §11.1; docs/decisions.md, Uploads)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from repair import services
from repair.models import Attachment, Case

from .conftest import PDF, PNG, committing, pdf
from .verified import api_headers, verify_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _verified(client, subject):
    """The pages speak for the subject (docs/rules.md §8.8)."""
    verify_client(client, subject)


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\0" * 64


@pytest.fixture(autouse=True)
def _english(client):
    from django.utils import translation

    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def _form(subject, record, **files):
    return {
        "uscc": subject.uscc,
        "legal_representative": "张三",
        "records": [record.pk],
        "contact_name": "李四",
        "contact_email": "li@example.org",
        "opinion": pdf(),
        "commitment": pdf(),
        **files,
    }


def _submit(client, subject, record, upload):
    with committing():
        response = client.post("/repair/new/", _form(subject, record, evidence=upload))
    assert response.status_code == 200, response.content.decode()[:2000]
    return Attachment.objects.get(purpose="evidence")


def _download(client, attachment):
    return client.get(f"/repair/workbench/{attachment.case_id}/attachments/{attachment.pk}/")


def _disposition(response) -> str:
    return response["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "served"),
    [
        ("evidence.bat", "evidence.pdf"),
        ("report.pdf.html", "report.pdf"),
        ("scan.PDF", "scan.pdf"),
        ("no-extension", "no-extension.pdf"),
    ],
)
def test_pdf_under_any_name_is_stored_and_served_as_pdf(
    client, official_client, subject, record, name, served
):
    attachment = _submit(
        client, subject, record, SimpleUploadedFile(name, PDF, "application/x-msdownload")
    )
    assert attachment.content_type == "application/pdf"
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", attachment.stored_name)
    response = _download(official_client, attachment)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _disposition(response) == f'attachment; filename="{served}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF


def test_png_named_pdf_is_served_as_png(client, official_client, subject, record):
    attachment = _submit(client, subject, record, SimpleUploadedFile("photo.pdf", PNG))
    response = _download(official_client, attachment)
    assert response["Content-Type"] == "image/png"
    assert _disposition(response) == 'attachment; filename="photo.png"'


def test_chinese_name_gets_an_ascii_name_and_the_original_as_filename_star(
    client, official_client, subject, record
):
    attachment = _submit(client, subject, record, SimpleUploadedFile("证据/材料 2024.bat", PDF))
    response = _download(official_client, attachment)
    # The ASCII name for old clients, the UTF-8 one (with the sniffed extension) for the rest;
    # no path separator survives.
    assert _disposition(response) == (
        "attachment; filename=\"evidence.pdf\"; filename*=UTF-8''" + quote("材料 2024.pdf")
    )


@pytest.mark.parametrize(
    "original",
    ['a"b;c.bat', "..\\..\\win.ini", "bad\r\nX-Injected: 1.pdf", "CON.pdf", ".htaccess", "   "],
)
def test_download_names_are_safe(original):
    ascii_name, name = services.attachment_download_names(original, ".pdf", fallback="evidence")
    for candidate in (ascii_name, name):
        assert candidate.endswith(".pdf")
        assert not set(candidate) & set('"\\/\r\n:*?<>|;')
        assert not candidate.startswith(".")
        assert candidate.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
    assert ascii_name.isascii()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("polyglot.pdf", PDF[:9] + b"<html><script>alert(1)</script></html>\n" + PDF[9:]),
        ("polyglot.pdf", PDF[:9] + b"%" + b" " * 700 + b"<SCRIPT src=//x>" + PDF[9:]),
        ("polyglot.png", PNG + b"<svg onload=alert(1)>"),
        ("polyglot.jpg", JPEG + b"<!DOCTYPE html><body>"),
        ("polyglot.jpg", JPEG + b"<iframe/src=x>"),
        # PDF readers look for the PDF header anywhere in the first KB.
        ("photo.png", PNG + b"%PDF-1.7\n1 0 obj<<>>endobj"),
    ],
)
def test_polyglots_are_refused_with_an_error_on_the_field(
    client, subject, record, upload_dir, name, content
):
    response = client.post(
        "/repair/new/", _form(subject, record, evidence=SimpleUploadedFile(name, content))
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "evidence" in errors
    assert "also contains" in " ".join(errors["evidence"])
    assert not Case.objects.exists() and not Attachment.objects.exists()
    assert not upload_dir.exists() or not any(upload_dir.iterdir())


def test_polyglot_refused_by_the_api_naming_the_field(client, subject, record):
    content = PNG + b"<html><script>alert(1)</script>"
    response = client.post(
        "/api/v1/repair-applications/",
        _form(subject, record, opinion=SimpleUploadedFile("opinion.png", content)),
        HTTP_ACCEPT_LANGUAGE="en",
        **api_headers(subject),
    )
    assert response.status_code == 400, response.content
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"opinion"}


@pytest.mark.parametrize(
    "content",
    [
        # Markup far beyond the part any program looks at to guess a type is not markup.
        PDF[:9] + b"%" + b" " * 5000 + b"<html>" + PDF[9:],
        # Angle brackets of PDF dictionaries and XMP metadata are not HTML.
        PDF[:9]
        + b'<</Type/Metadata>>stream\n<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        + b"<dc:title>Scan</dc:title></x:xmpmeta>\nendstream\n"
        + PDF[9:],
        JPEG + b"<a href=x>",  # one letter tags: too short to tell from binary data
    ],
)
def test_ordinary_files_are_not_taken_for_polyglots(content):
    upload = SimpleUploadedFile("ok.pdf", content)
    assert services.upload_check(upload, field="evidence")[0] in {"application/pdf", "image/jpeg"}


def test_existing_attachment_is_served_by_its_content_not_its_stored_name(
    official_client, subject, record, upload_dir
):
    """A row from before: stored under the applicant's extension and type."""
    case, _code = services.repair_application_submit(
        subject=subject,
        records=[record],
        contact_name="x",
        contact_email="x@example.org",
        files=[("opinion", pdf()), ("commitment", pdf())],
    )
    upload_dir.mkdir(parents=True, exist_ok=True)
    (upload_dir / "0123456789abcdef0123456789abcdef.html").write_bytes(PDF)
    (upload_dir / "fedcba9876543210fedcba9876543210.bat").write_bytes(b"@echo off\r\n")
    legacy = Attachment.objects.create(
        case=case,
        purpose="evidence",
        original_name="report.pdf.html",
        stored_name="0123456789abcdef0123456789abcdef.html",
        content_type="text/html",
        size=len(PDF),
        sha256="0" * 64,
    )
    response = _download(official_client, legacy)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _disposition(response) == 'attachment; filename="report.pdf"'
    assert b"".join(response.streaming_content) == PDF

    unknown = Attachment.objects.create(
        case=case,
        purpose="evidence",
        original_name="run.bat",
        stored_name="fedcba9876543210fedcba9876543210.bat",
        content_type="application/pdf",
        size=11,
        sha256="0" * 64,
    )
    response = _download(official_client, unknown)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert _disposition(response) == 'attachment; filename="run.bin"'


def test_downloads_stay_for_officials_of_the_case(client, subject, record, officer):
    from tests.factories import DepartmentFactory, make_officer

    attachment = _submit(client, subject, record, SimpleUploadedFile("evidence.bat", PDF))
    client.logout()
    assert _download(client, attachment).status_code == 302  # to the login
    client.force_login(make_officer(DepartmentFactory(code="elsewhere")))
    assert _download(client, attachment).status_code == 404
    client.force_login(officer)
    assert _download(client, attachment).status_code == 200
