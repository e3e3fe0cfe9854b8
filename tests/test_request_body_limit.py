"""Request bodies over the limit are refused with 413 from their Content-Length, before a
byte is read (creditsite/bodylimit.py; docs/decisions.md, Uploads)."""

from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
BOUNDARY = "----creditsite-test"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


class WatchedStream(io.RawIOBase):
    """A request body of ``size`` bytes that counts what is read of it and never holds it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        count = min(len(buffer), self.size - self.taken)
        buffer[:count] = b"x" * count
        self.taken += count
        return count


def _post(client, path, stream, **environ):
    return client.generic(
        "POST",
        path,
        b"",
        **{"CONTENT_TYPE": MULTIPART, "wsgi.input": stream, **environ},
    )


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.mark.parametrize("path", ["/repair/new/", "/objections/new/", "/track/XF20260101ABCDEF/"])
def test_page_upload_of_200_mb_is_refused_before_reading(client, path):
    stream = WatchedStream(200 * MB)
    response = _post(client, path, stream, CONTENT_LENGTH=str(200 * MB))
    assert response.status_code == 413
    assert stream.taken == 0
    assert "Request too large" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/v1/repair-applications/", "/api/v1/objections/"])
def test_api_upload_of_200_mb_is_refused_before_reading(client, path):
    stream = WatchedStream(200 * MB)
    response = _post(client, path, stream, CONTENT_LENGTH=str(200 * MB), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert stream.taken == 0
    body = response.json()
    assert body["errors"][0]["field"] == "non_field_errors"
    assert body["errors"][0]["code"] == "request_too_large"
    assert "MB" in body["detail"]


def test_endpoint_limit_is_tighter_than_the_site_wide_one(client, settings):
    # The objection form takes one file: its limit is below the repair form's four.
    limits = settings.REQUEST_BODY_LIMITS
    assert limits["objection-guide"] < limits["repair-new"] <= settings.REQUEST_BODY_MAX_BYTES
    size = limits["objection-guide"] + 1
    stream = WatchedStream(size)
    response = _post(client, "/objections/new/", stream, CONTENT_LENGTH=str(size))
    assert response.status_code == 413 and stream.taken == 0


def test_site_wide_limit_applies_to_every_path(client, settings):
    size = settings.REQUEST_BODY_MAX_BYTES + 1
    stream = WatchedStream(size)
    response = client.generic(
        "POST",
        "/api/v1/check/",
        b"",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH=str(size),
        **{"wsgi.input": stream},
    )
    assert response.status_code == 413 and stream.taken == 0


def test_upload_without_length_is_refused_with_411_and_not_read(client):
    """A chunked body has no Content-Length; Django's parsers would not read it at all, so the
    upload endpoints say so instead of answering "file required"."""
    stream = WatchedStream(200 * MB)
    response = client.generic(
        "POST",
        "/repair/new/",
        b"",
        CONTENT_TYPE=MULTIPART,
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": stream},
    )
    assert response.status_code == 411 and stream.taken == 0
    assert "Content-Length" in response.content.decode()


def test_bodies_under_the_limit_are_read(client):
    from tests.repair.verified import verify_client

    verify_client(client, email="walker@example.org")  # a stakeholder (docs/rules.md §8.8)
    body = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="uscc"\r\n\r\nX\r\n'
        f"--{BOUNDARY}--\r\n"
    ).encode()
    response = client.generic("POST", "/objections/new/", body, content_type=MULTIPART)
    # The form's own errors: the body was read (the code arrived, the rest is missing).
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "uscc" not in errors and "legal_representative" in errors
