"""Files attached to a case: checked by their content, stored outside the static files under
random names with the extension of the type their content shows, removed again when the
submission that wrote them fails, and offered to officials as that type only."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Attachment, Case

# (signature at offset 0, content type, extension, name of the format)
_MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf", "PDF"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png", "PNG"),
)
_UNKNOWN = ("application/octet-stream", ".bin")

# Polyglots the sniffer refuses (docs/decisions.md, Uploads): a file that starts as a PDF,
# JPEG or PNG but would also be read as something else by a program that guesses.
# - An HTML, SVG or script tag (a tag name and the character that ends it) in the first
#   4 KB: where type-guessing programs look. Angle brackets of PDF dictionaries and of XMP
#   metadata (prefixed names such as <x:xmpmeta>) do not match; one-letter tags are left
#   out, as they occur by chance in binary data.
# - The PDF header in the first KB of an image: PDF readers look for it anywhere there.
_MARKUP_WINDOW = 4096
_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|frameset|frame|svg|object|embed|meta)"
    rb"[\s/>]",
    re.IGNORECASE,
)
_PDF_WINDOW = 1024


# --- Uploads -------------------------------------------------------------------------------


def _sniff(head: bytes) -> tuple[str, str, str] | None:
    """(content type, extension, format name) of a PDF, JPEG or PNG by its first bytes."""
    for magic, content_type, extension, kind in _MAGIC:
        if head.startswith(magic):
            return content_type, extension, kind
    return None


def _is_polyglot(head: bytes, content_type: str) -> bool:
    if _MARKUP.search(head, 0, _MARKUP_WINDOW):
        return True
    return content_type != "application/pdf" and b"%PDF-" in head[:_PDF_WINDOW]


def upload_check(upload: UploadedFile, *, field: str = "files") -> tuple[str, str]:
    """(content type, extension) of a PDF, JPEG or PNG recognised by its first bytes, at
    most ``REPAIR_UPLOAD_MAX_BYTES`` and not also markup or a PDF (see ``_MARKUP``); a
    ValidationError naming ``field`` otherwise. The name the applicant gave plays no part."""
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
    head = upload.read(_MARKUP_WINDOW)
    upload.seek(0)
    sniffed = _sniff(head)
    if sniffed is None:
        raise ValidationError(
            {
                field: _(
                    "“%(name)s” is not a PDF, JPEG or PNG file (checked by its content, "
                    "not its name)."
                )
                % {"name": name}
            }
        )
    content_type, extension, kind = sniffed
    if _is_polyglot(head, content_type):
        raise ValidationError(
            {
                field: _(
                    "“%(name)s” is a %(kind)s file that also contains web page code or another "
                    "file format; save it again as a plain PDF, JPEG or PNG file."
                )
                % {"name": name, "kind": kind}
            }
        )
    return content_type, extension


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


# --- Downloads -----------------------------------------------------------------------------

# Characters no offered file name keeps: path separators, what Windows forbids, the quote
# and separators of the Content-Disposition header.
_NAME_UNSAFE = re.compile(r'[\\/:*?"<>|;]')
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{n}" for n in range(1, 10)),
    *(f"LPT{n}" for n in range(1, 10)),
}


def attachment_download_names(original: str, extension: str, *, fallback: str) -> tuple[str, str]:
    """(ASCII name, full name) to offer a file under: the applicant's name without its own
    extension, followed by ``extension`` (the sniffed type's). Path parts, control characters
    and characters unsafe in a file name or header are gone; the ASCII name is the full one
    if that is ASCII, else ``fallback`` + ``extension``."""
    name = unicodedata.normalize("NFC", original)
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r"\s+", " ", _NAME_UNSAFE.sub("_", name)).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and _EXTENSION.fullmatch(suffix):
        name = stem
    if name.lower().endswith(extension):
        name = name[: -len(extension)]
    name = name[:100].strip(" .") or fallback
    if name.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        name = "_" + name
    full = name + extension
    return (full if full.isascii() else fallback + extension), full


@dataclass(frozen=True)
class AttachmentDownload:
    path: Path
    content_type: str
    filename: str
    ascii_filename: str

    @property
    def content_disposition(self) -> str:
        header = f'attachment; filename="{self.ascii_filename}"'
        if self.filename != self.ascii_filename:
            header += "; filename*=UTF-8''" + quote(self.filename, safe="")
        return header


def attachment_for_download(attachment: Attachment) -> AttachmentDownload | None:
    """How an official gets an attachment (docs/rules.md §8.7, §11.1): as the type its
    stored bytes show now, whatever its stored name or type column say (rows from before may
    carry the applicant's extension); bytes of no accepted type as ``application/octet-stream``
    with ``.bin``. None if the file is gone."""
    path = attachment_path(attachment)
    try:
        with path.open("rb") as stored:
            head = stored.read(16)
    except FileNotFoundError:
        return None
    sniffed = _sniff(head)
    content_type, extension = sniffed[:2] if sniffed else _UNKNOWN
    ascii_name, name = attachment_download_names(
        attachment.original_name, extension, fallback=attachment.purpose or "attachment"
    )
    return AttachmentDownload(path, content_type, name, ascii_name)


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
