"""``Idempotency-Key`` for the write API: a POST repeated with the same key creates one record.

A client that did not hear the answer to a POST (timeout, dropped connection) sends it
again with the same ``Idempotency-Key`` header and gets the first answer back, marked
``Idempotent-Replayed: true``, instead of a second record. Used by the department-token
writes (``POST /api/v1/enterprises/``, ``POST /api/v1/records/``) and the public
submissions (``POST /api/v1/objections/``, ``POST /api/v1/repair-applications/``).

How it holds under concurrency: the key row is inserted *before* the handler runs and in
the same transaction as what the handler writes. A second request with the same key
inserts the same (scope, key) and the unique constraint makes it wait until the first
commits; it then reads the stored answer and replays it (or, if the first rolled back,
goes ahead itself). A failure of the handler rolls back the key row with everything
else, so nothing is half-written and the key can be used again.

Only successful (2xx) answers are stored: a refused request leaves no key behind, so the
client may correct the body and send it with the same key. A stored key answers for
``TTL`` (24 hours); ``manage.py purge_idempotency_keys`` (nightly) deletes older ones.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from .models import DepartmentToken, IdempotencyKey

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = dt.timedelta(hours=24)
# 1–255 printable ASCII characters (space to tilde): a UUID is the usual choice.
KEY_PATTERN = r"^[\x20-\x7e]{1,255}$"
_KEY_RE = re.compile(KEY_PATTERN)

Handler = TypeVar("Handler", bound=Callable[..., Response])


# --- OpenAPI ---------------------------------------------------------------------------------

KEY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=KEY_PATTERN,
    description=gettext_lazy(
        "Optional. A key of your choosing (1–255 printable ASCII characters, e.g. a UUID) "
        "that makes a retry safe: the same request sent again with the same key within 24 "
        "hours creates nothing new and gets the first answer back, with the header "
        "`Idempotent-Replayed: true`. The same key with a different request is refused "
        "(422). Refused requests are not remembered."
    ),
)
REPLAYED_PARAMETER = OpenApiParameter(
    REPLAYED_HEADER,
    str,
    location=OpenApiParameter.HEADER,
    enum=["true"],
    response=[200, 201],
    description=gettext_lazy(
        "Present (“true”) when this is the stored answer to an earlier request with the "
        "same Idempotency-Key."
    ),
)


def key_reused_response() -> OpenApiResponse:
    """The 422 of a key reused for a different request (for each view's ``responses``)."""
    from .api.serializers import ErrorSerializer

    return OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy(
            "The Idempotency-Key was already used with a different request (method, path or body)."
        ),
    )


# --- The decorator ---------------------------------------------------------------------------


def idempotent(handler: Handler) -> Handler:
    """Make a DRF ``post`` handler honour the ``Idempotency-Key`` header.

    Without the header the handler runs as before. Put it *under* ``@extend_schema``.
    """

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not _KEY_RE.fullmatch(key):
            return _error(
                400,
                _("Invalid input."),
                _("The key must be 1 to 255 printable ASCII characters (a UUID, for example)."),
                "invalid",
            )
        scope = _scope(request)
        fingerprint = _fingerprint(request)
        # Two rounds at most: the second only if the request we waited for rolled back
        # between our failed insert and our read.
        for _round in range(2):
            with transaction.atomic():
                claimed = _claim(scope=scope, key=key, fingerprint=fingerprint, request=request)
                if claimed is not None:
                    response = handler(view, request, *args, **kwargs)
                    _settle(claimed, response)
                    return response
                stored = IdempotencyKey.objects.filter(scope=scope, key=key).first()
            if stored is not None:
                return _replay(stored, fingerprint=fingerprint)
        raise IntegrityError("idempotency key neither claimable nor stored")

    return extend_schema(parameters=[KEY_PARAMETER, REPLAYED_PARAMETER])(wrapper)  # type: ignore[return-value]


def _claim(*, scope: str, key: str, fingerprint: str, request: Request) -> IdempotencyKey | None:
    """Insert the key row; None if another request holds (or has stored) the key.

    On PostgreSQL the insert waits while a concurrent transaction holds the same key
    uncommitted, and fails once that one commits.
    """
    # An expired row no longer answers; the key is free again.
    IdempotencyKey.objects.filter(
        scope=scope, key=key, created_at__lt=timezone.now() - TTL
    ).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                method=request.method or "",
                path=request.path[:500],
                status_code=0,  # in progress: never visible, settled before commit
            )
    except IntegrityError:
        return None


def _settle(row: IdempotencyKey, response: Response) -> None:
    if 200 <= response.status_code < 300:
        row.status_code = response.status_code
        row.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
        row.save(update_fields=["status_code", "response_body"])
        log.info("idempotency.stored scope=%s key_id=%s", row.scope, row.pk)
    else:
        # A refusal is not remembered: the client may correct the body and reuse the key.
        row.delete()


def _replay(stored: IdempotencyKey, *, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint:
        log.info("idempotency.mismatch scope=%s key_id=%s", stored.scope, stored.pk)
        return _error(
            422,
            _("This Idempotency-Key was already used for a different request."),
            _(
                "The key was already used with a different method, path or body within the "
                "last 24 hours; send a new request with a new key."
            ),
            "idempotency_key_reused",
        )
    log.info("idempotency.replayed scope=%s key_id=%s", stored.scope, stored.pk)
    response = Response(stored.response_body, status=stored.status_code)
    response[REPLAYED_HEADER] = "true"
    return response


def _error(status_code: int, detail: str, reason: str, code: str) -> Response:
    return Response(
        {"detail": detail, "errors": [{"field": HEADER, "reason": reason, "code": code}]},
        status=status_code,
    )


# --- Scope and fingerprint -------------------------------------------------------------------


def _scope(request: Request) -> str:
    """Whose key it is: the department token, or (public forms) a hash of the client
    address, so one client's keys never answer another's requests."""
    if isinstance(request.auth, DepartmentToken):
        return f"token:{request.auth.pk}"
    from .http import client_ip

    digest = hashlib.sha256(f"idempotency:{client_ip(request)}".encode()).hexdigest()
    return f"anon:{digest[:40]}"


def _fingerprint(request: Request) -> str:
    """SHA-256 of method, path and the parsed body (so JSON key order, whitespace and a
    multipart boundary do not matter; uploaded files count by name, size and content)."""
    body = json.dumps(_canonical(request.data), sort_keys=True, ensure_ascii=False, default=str)
    text = f"{request.method}\n{request.get_full_path()}\n{body}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, MultiValueDict):
        return {str(k): [_canonical(v) for v in value.getlist(k)] for k in value}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    return value


# --- Expiry ----------------------------------------------------------------------------------


def idempotency_keys_purge(*, older_than: dt.timedelta = TTL) -> int:
    """Delete stored keys older than ``older_than`` (they no longer answer). Nightly job."""
    deleted, _per_model = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    log.info("idempotency.purged count=%s", deleted)
    return deleted


def idempotency_keys_purge_job() -> int:
    """The nightly job: purge expired keys, leaving a job-run row with the count."""
    from .jobs import job_run

    with job_run("purge_idempotency_keys") as progress:
        deleted = idempotency_keys_purge()
        progress.advance(deleted, deleted=deleted)
    return deleted
