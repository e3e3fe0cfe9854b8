"""Files attached to a case: checked by their content, stored outside the static files under
random names, removed again when the submission that wrote them fails."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Attachment, Case

_MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


# --- Uploads -------------------------------------------------------------------------------


def upload_check(upload: UploadedFile, *, field: str = "files") -> tuple[str, str]:
    """(content type, extension) of a PDF, JPEG or PNG recognised by its first bytes, at
    most ``REPAIR_UPLOAD_MAX_BYTES``; a ValidationError naming ``field`` otherwise."""
    limit = settings.REPAIR_UPLOAD_MAX_BYTES
    name = upload.name or ""
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {
                field: _("“%(name)s” is larger than %(mb)d MB.")
                % {"name": name, "mb": limit // (1024 * 1024)}
            }
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type, extension in _MAGIC:
        if head.startswith(magic):
            return content_type, extension
    raise ValidationError(
        {
            field: _(
                "“%(name)s” is not a PDF, JPEG or PNG file (checked by its content, not its name)."
            )
            % {"name": name}
        }
    )


def _uploads_store(
    case: Case, files: Sequence[tuple[str, UploadedFile]], written: list[Path]
) -> None:
    directory = Path(settings.REPAIR_UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    for purpose, upload in files:
        content_type, extension = upload_check(upload, field=purpose)
        stored = secrets.token_hex(16) + extension
        path = directory / stored
        digest = hashlib.sha256()
        written.append(path)
        with path.open("xb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
        Attachment.objects.create(
            case=case,
            purpose=purpose,
            original_name=(upload.name or stored)[:200],
            stored_name=stored,
            content_type=content_type,
            size=upload.size or 0,
            sha256=digest.hexdigest(),
        )


def attachment_path(attachment: Attachment) -> Path:
    return Path(settings.REPAIR_UPLOAD_DIR) / attachment.stored_name


def _with_uploads(files: Sequence[tuple[str, UploadedFile]], body: Any) -> Any:
    """Run ``body(written)`` in one transaction; files written by it are removed if it
    fails, so a refused submission leaves nothing on disk."""
    for purpose, upload in files:
        upload_check(upload, field=purpose)
    written: list[Path] = []
    try:
        with transaction.atomic():
            return body(written)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
